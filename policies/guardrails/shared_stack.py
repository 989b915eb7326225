"""One deserialized stack for all of the pack's stack policies.

pulumi_policy's analyzer servicer rebuilds the ``PolicyResource`` list for *every* stack policy of an
``AnalyzeStack`` call, deserializing every resource's properties each time: with ten stack policies
and 10,000 resources that is ten full passes (~1 s each here) before any rule runs. This subclass
builds the list once per call and hands the same list to every policy, so the network model (keyed
on that list, see ``model/cache.py``) is also built once. Each resource's properties are deserialized
when a policy first reads them (``StackProps``), each provider once per call. ``Analyze`` (one call per
resource) answers at once for a type no enabled resource policy judges, instead of deserializing the
resource for each policy only to have it return (``rules/base.py`` ``TypedResourcePolicy``).

Everything else is the SDK's own path: enforcement levels, per-policy config, ``not_applicable``,
unknown values, awaitable validations. The subclass is installed only for the pulumi-policy version
it was written against (pinned in requirements.txt; ``servicer.install`` checks ``WRITTEN_FOR``); any other
version keeps the SDK's servicer. ``tests/policies/test_shared_stack.py`` checks that both give the same
responses.
"""
from __future__ import annotations

import asyncio
from inspect import isawaitable
from collections.abc import Mapping
from typing import Any, Dict, Iterator, List, Optional

import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

from . import redacted

WRITTEN_FOR = "1.21.0"

_Base = sdk._PolicyAnalyzerServicer


class StackProps(Mapping):
    """A resource's properties as the SDK hands them to a stack policy, ``unknown_checking_proxy`` over
    ``deserialize_properties``, deserialized when a policy first reads them. ``props["__target"]`` (the plain
    dict behind the SDK's proxy, which the model reads through ``values.proxy_target``) is that dict without
    the proxies around its nested values: building them for 10,000 resources took a fifth of AnalyzeStack."""
    __slots__ = ("_struct", "_target", "_proxy")

    def __init__(self, struct) -> None:
        self._struct, self._target, self._proxy = struct, None, None

    def target(self) -> Dict[str, Any]:
        if self._target is None:
            props = json_format.MessageToDict(self._struct)
            if redacted.may_hold_redacted(self._struct):
                props = redacted.redacted_as_unknown(props)
            self._target = deserialize_properties(props)
        return self._target

    def _proxied(self) -> Mapping[str, Any]:
        if self._proxy is None:
            self._proxy = unknown_checking_proxy(self.target())
        return self._proxy

    def __getitem__(self, key):
        return self.target() if key == "__target" else self._proxied()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._proxied())

    def __len__(self) -> int:
        return len(self._proxied())


class SharedStackServicer(_Base):
    """``_PolicyAnalyzerServicer`` whose ``AnalyzeStack`` deserializes the stack once, and whose ``Analyze``
    answers at once for a resource no enabled resource policy judges."""

    def _judged(self, resource_type: str) -> bool:
        """Whether some enabled resource policy may report on a resource of this type. Only a
        ``TypedResourcePolicy`` says which types it judges; any other resource policy judges them all."""
        for policy in self._PolicyAnalyzerServicer__policies:
            if not isinstance(policy, sdk.ResourceValidationPolicy):
                continue
            if self._get_enforcement_level(policy) == sdk.EnforcementLevel.DISABLED:
                continue
            types = getattr(policy, "resource_types", None)
            if types is None or resource_type in types or not policy.has_validation():
                return True
        return False

    def Analyze(self, request, context):
        # The SDK deserializes the properties for every enabled resource policy before calling it; for a
        # type none of them judges, each would return without a word (rules/base.py TypedResourcePolicy):
        # the answer is the empty response, without that work (one Analyze per resource, issue 12).
        if self._judged(request.type):
            return super().Analyze(request, context)
        self._configure_runtime_settings()
        return proto.AnalyzeResponse()

    def _stack_resources(self, request) -> List[sdk.PolicyResource]:
        resources: List[sdk.PolicyResource] = []
        by_urn: Dict[str, sdk.PolicyResource] = {}
        links = []
        # Every resource carries its provider's properties; a stack has a handful of providers.
        providers: Dict[tuple, Optional[sdk.PolicyProviderResource]] = {}
        for r in request.resources:
            props = StackProps(r.properties)
            key = (r.provider.urn, r.provider.SerializeToString()) if r.HasField("provider") else None
            if key not in providers:
                providers[key] = self._get_provider_resource(r)
            resource = sdk.PolicyResource(r.type, props, r.urn, r.name, self._get_resource_options(r),
                                          providers[key], None, [], {})
            resources.append(resource)
            by_urn[r.urn] = resource
            links.append((resource, r.parent, list(r.dependencies),
                          {k: list(v.urns) for k, v in r.propertyDependencies.items()}))
        for resource, parent, dependencies, property_dependencies in links:
            if parent and parent in by_urn:
                resource.parent = by_urn[parent]
            resource.dependencies.extend(by_urn[d] for d in dependencies if d in by_urn)
            for key, urns in property_dependencies.items():
                resource.property_dependencies[key] = [by_urn[u] for u in urns if u in by_urn]
            # URNs the SDK drops (no resource of the stack has them), kept for the model: an input wired from a
            # remote component's output depends on the children that output is made from (an awsx VPC's
            # subnets), which a recording without the component's plugin does not hold (model/index.py).
            outside = {k: sorted(u for u in urns if u not in by_urn) for k, urns in property_dependencies.items()}
            resource.outside_dependencies = {k: v for k, v in outside.items() if v}
        return resources

    def AnalyzeStack(self, request, _context):
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        resources = None
        # the SDK servicer's private attributes (name-mangled; pinned version, see WRITTEN_FOR)
        pack_name = self._PolicyAnalyzerServicer__policy_pack_name
        pack_version = self._PolicyAnalyzerServicer__policy_pack_version
        for policy in self._PolicyAnalyzerServicer__policies:
            level = self._get_enforcement_level(policy)
            if level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.StackValidationPolicy):
                continue
            if level == sdk.EnforcementLevel.REMEDIATE:
                level = sdk.EnforcementLevel.MANDATORY  # stack policies cannot remediate
            report_violation = self._create_report_violation(response, policy.name, policy.description,
                                                             level, policy.severity)
            if resources is None:
                resources = self._stack_resources(request)
            args = sdk.StackValidationArgs(resources, self._get_policy_config(policy.name),
                                           self._PolicyAnalyzerServicer__stack_tags)
            try:
                result = policy.validate(args, report_violation)
                if isawaitable(result):
                    loop = asyncio.new_event_loop()
                    loop.run_until_complete(asyncio.Task(result, loop=loop))
                    loop.close()
            except UnknownValueError as e:
                response.diagnostics.append(proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=pack_name,
                    policyPackVersion=pack_version,
                    message=(f"can't run policy '{policy.name}' from policy pack "
                             f"'{pack_name}@v{pack_version}' during preview: {e.message}"),
                    urn="",
                    description=policy.description,
                    enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY),
                ))
            except sdk._NotApplicableError as e:
                response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name,
                                                                         reason=e.reason or ""))
        return response

