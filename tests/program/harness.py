"""Run the real ``__main__.py`` under Pulumi's unit-test mocks with a stack file's config.

A deliberately small harness for the program's own tests: it records what each registration asks
for (type, name, inputs, parent, property dependencies). The faithful engine replay (URNs, unknowns,
the analyzer protocol) is ``preflight``'s job and is tested there.
"""

from __future__ import annotations

import json
import runpy
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from google.protobuf import json_format
from pulumi.runtime import rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _sync_await

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Registration:
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    parent_urn: str
    urn: str
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)


class _Mocks(pulumi_mocks.Mocks):
    def __init__(self, region: str, preview: bool):
        self.region = region
        self.preview = preview
        self.eips: list[str] = []

    def new_resource(self, args: pulumi_mocks.MockResourceArgs):
        if not args.custom:
            return "", {}
        resource_id = "" if self.preview else f"{args.name}-id"
        state = dict(args.inputs)
        if not self.preview and args.typ == "aws:ec2/eip:Eip":
            # Computed by AWS on creation; the program feeds it into publicAccessCidrs.
            state.update(publicIp=f"198.51.100.{10 + len(self.eips)}", allocationId=f"eipalloc-{len(self.eips)}")
            self.eips.append(args.name)
        return resource_id, state

    def call(self, args: pulumi_mocks.MockCallArgs):
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = [f"{self.region}{suffix}" for suffix in "abc"]
            return {"names": names, "zoneIds": [f"use1-az{i}" for i in range(1, 4)], "id": self.region}
        if args.token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:user/ci", "userId": "AIDA", "id": "123456789012"}
        raise NotImplementedError(f"no mock for invoke {args.token}")


SIG = rpc._special_sig_key
SECRET_SIG = rpc._special_secret_sig
RESOURCE_SIG = rpc._special_resource_sig


def plain(value: Any) -> Any:
    """Wire values as plain data: secrets unwrapped, resource references as their URN, unknowns kept
    as the unknown sentinel string (deserializing references would construct resources on the
    monitor's thread)."""
    if isinstance(value, dict):
        if value.get(SIG) == SECRET_SIG:
            return plain(value.get("value"))
        if value.get(SIG) == RESOURCE_SIG:
            return value.get("urn")
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class _Monitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: _Mocks):
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        inputs = plain(json_format.MessageToDict(request.object))
        resource_id, state = self.mocks.new_resource(
            pulumi_mocks.MockResourceArgs(
                typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
                resource_id="", custom=request.custom,
            )
        )
        self.registrations.append(
            Registration(
                type=request.type,
                name=request.name,
                custom=request.custom,
                inputs=inputs,
                parent_urn=request.parent,
                urn=urn,
                property_dependencies={k: list(v.urns) for k, v in request.propertyDependencies.items()},
                dependencies=list(request.dependencies),
            )
        )
        # Known to pulumi:pulumi:getResource, which rehydrates resource references in outputs.
        self.resources[urn] = pulumi_mocks.MockMonitor.ResourceRegistration(urn, resource_id, state)
        obj = _sync_await(rpc.serialize_properties(state, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=obj)


@dataclass
class Run:
    registrations: list[Registration]
    outputs: dict[str, Any]

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def one(self, type_: str) -> Registration:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        return next(r for r in self.registrations if r.urn == urn)

    def named(self, type_: str, name: str) -> Registration:
        return next(r for r in self.of_type(type_) if r.name == name)


# What the most recent run registered, also when the program raised.
LAST_REGISTRATIONS: list[Registration] = []


def wire_config(config: dict[str, Any]) -> dict[str, str]:
    """Config as the CLI hands it to a program: strings, structured values as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}


def stack_config(stack: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]


def run_program(config: dict[str, Any], stack: str = "test", preview: bool = True) -> Run:
    """Run ``__main__.py`` with ``config`` (as in a stack file) and return what it registered."""
    region = config.get("aws:region", "us-east-1")
    monitor = _Monitor(_Mocks(region, preview))
    LAST_REGISTRATIONS[:] = []
    monitor.registrations = LAST_REGISTRATIONS
    pulumi.runtime.settings.ROOT.set(None)  # a new root Stack resource for every run
    pulumi.runtime.set_mocks(monitor.mocks, project="eks-variants", stack=stack, preview=preview, monitor=monitor)
    pulumi.runtime.set_all_config(wire_config(config))
    outputs: dict[str, Any] = {}
    sys.path.insert(0, str(REPO))
    try:
        from pulumi.runtime.settings import SETTINGS
        from pulumi.runtime.stack import run_pulumi_func

        SETTINGS.rpc_manager.clear()
        SETTINGS.outputs.clear()
        _sync_await(run_pulumi_func(lambda: runpy.run_path(str(REPO / "__main__.py"), run_name="__main__")))
    finally:
        sys.path.remove(str(REPO))
        pulumi.runtime.set_all_config({})
    return Run(monitor.registrations, outputs)


def resolve(output: Any) -> Optional[Any]:
    return _sync_await(output.future()) if isinstance(output, pulumi.Output) else output
