"""The recording monitor: the mock engine a program runs against (preflight/program/record.py runs it). A
subclass of `pulumi.runtime.mocks.MockMonitor` records each RegisterResource request the way the engine sees
it: engine URN, parent, custom/component, provider reference (including the default provider the engine would
create), inputs as they arrive on the wire (unknowns are the sentinel string, secrets keep their signature),
dependencies and propertyDependencies; `PreflightMocks` answers invokes and computes outputs as providers would.
"""
from __future__ import annotations

import threading
from typing import Any, Optional

from google.protobuf import empty_pb2, json_format, struct_pb2

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks as _mocks
from pulumi.runtime.proto import resource_pb2

from ..inputs.stack_files import region_of
from ..records import PROVIDER_PREFIX, ROOT_STACK_TYPE, RecordedResource, canonical_urns
from ..sentinels import UNKNOWN_VALUE
from . import invokes, lookups, remote_outputs
from .autonaming import AutoNameError, NamingContext, auto_name, created_with_prefix
from .computed_shapes import preview_state
from .lookup_facts import answer_lookup
from .provider_values import computed_properties, deployed_attributes, fake_arn, fake_id
from .source_lines import SourceLines


def struct_to_dict(s) -> dict:
    """A google.protobuf.Struct as the engine's JSON-like view (sentinels and signatures kept)."""
    if s is None:
        return {}
    return json_format.MessageToDict(s)


def dict_to_struct(d: dict) -> struct_pb2.Struct:
    st = struct_pb2.Struct()
    st.update(d)
    return st


class PreflightMocks(pulumi.runtime.Mocks):
    """Mocks for the SDK. Resource registrations are handled (and recorded) by RecordingMonitor;
    this class answers invokes and reads."""

    def __init__(self, monitor_ref: "list[RecordingMonitor]"):
        self._monitor_ref = monitor_ref

    @property
    def monitor(self) -> "RecordingMonitor":
        return self._monitor_ref[0]

    def call(self, args: _mocks.MockCallArgs):
        m = self.monitor
        region = m.region_for_provider(args.provider) or m.region
        try:
            if lookups.is_lookup(args.token):
                result, record = answer_lookup(args.token, dict(args.args), region, m.aws_facts)
                m.lookups.append(record)
            else:
                result = invokes.answer(args.token, args.args, region)
        except (invokes.UnansweredInvoke, lookups.LookupFailed) as e:
            m.invoke_errors.append(str(e))
            raise
        m.invokes.append((args.token, dict(args.args), result, args.provider or ""))
        return result, []

    def new_resource(self, args: _mocks.MockResourceArgs):
        # Only reached for `Resource.get` (ReadResource): an existing resource read by id. A StackReference is
        # read this way too: at preview its outputs stay unknown; a deployed recording needs them handed in.
        m = self.monitor
        if not m.preview:
            answered = m.deployed_outputs(args.typ, "::" + args.name, dict(args.inputs), args.name)
            if answered is not None:
                return args.resource_id or "", answered
        return args.resource_id or "", {}


class RecordingMonitor(_mocks.MockMonitor):
    """A MockMonitor that records every registration in engine terms."""

    def __init__(self, mocks: PreflightMocks, *, stack: str, project: str, config: dict,
                 preview: bool = True, stack_outputs: Optional[dict] = None, aws_facts: Optional[dict] = None,
                 program_dir: Optional[str] = None):
        super().__init__(mocks)
        self.aws_facts = aws_facts  # --aws-facts: what lookups of existing infrastructure are answered from
        self.lookups: list[tuple] = []  # (token, "facts" | "unknown", arguments) of each lookup
        self.source_lines = SourceLines(program_dir)
        self.stack_outputs = stack_outputs or {}
        self.stack = stack
        self.project = project
        self.config = config
        self.preview = preview
        self.region = region_of(config)
        self.recorded: list[RecordedResource] = []
        self.by_urn: dict[str, RecordedResource] = {}
        self.default_providers: dict[tuple, str] = {}
        self.invokes: list = []
        self.invoke_errors: list[str] = []
        self.check_errors: list[str] = []  # what the provider's Check would refuse (auto-naming)
        self.naming = NamingContext(stack=stack, project=project, organization="organization", config=config)
        self.fatal_problems: list[str] = []
        self.warnings: list[str] = []  # what the program logs with pulumi.log.warn (the CLI shows these)
        self._lock = threading.RLock()

    # Engine URN format (pkg/resource/deploy/source_eval.go + resource.NewURN): a child's qualified
    # type is its parent's *qualified* type + "$" + its type; the root stack adds no prefix.
    def make_urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        if parent:
            parent_qt = parent.split("::")[2]
            if parent_qt != ROOT_STACK_TYPE:
                qualified = parent_qt + "$" + type_
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"

    def deployed_outputs(self, type_: str, urn: str, inputs: dict, name: str) -> Optional[dict]:
        try:
            return remote_outputs.deployed_outputs(type_, urn, inputs, lambda t, seed: fake_id(t, name, {}, seed),
                                                   self.stack_outputs)
        except (remote_outputs.UnreadableStackReference, remote_outputs.UnknownRemoteOutputs) as e:
            # The run's problem (exit 2). Not raised here: an exception inside a mock surfaces as asyncio noise.
            self.fatal_problems.append(str(e))
            return {**inputs, "outputs": {}, "secretOutputNames": []}

    def region_for_provider(self, ref: Optional[str]) -> Optional[str]:
        if not ref:
            return None
        urn = ref.rsplit("::", 1)[0]
        r = self.by_urn.get(urn)
        if r is not None:
            reg = r.inputs.get("region")
            if isinstance(reg, str) and reg != UNKNOWN_VALUE:
                return reg
        return None

    def Invoke(self, request):
        # The `_output` form of a lookup without facts: wholly unknown, as the engine answers an invoke it
        # cannot serve at preview (preflight/program/lookups.py).
        if self.aws_facts is None and lookups.is_lookup(request.tok) and not lookups.plain_form():
            self.lookups.append((request.tok, "unknown", lookups.describe_args(struct_to_dict(request.args))))
            if "unknown" not in resource_pb2.ResourceInvokeResponse.DESCRIPTOR.fields_by_name:
                self.invoke_errors.append(lookups.needs_unknown_invokes(request.tok))
                raise lookups.LookupFailed(self.invoke_errors[-1])
            return resource_pb2.ResourceInvokeResponse(unknown=True)
        return super().Invoke(request)

    def _record(self, res: RecordedResource) -> None:
        self.recorded.append(res)
        self.by_urn[res.urn] = res

    def _default_provider(self, package: str, version: str) -> str:
        """The engine creates `default_<version>` provider resources on first use, configured from the
        stack's `<package>:*` config (objects as values, scalars as strings) plus `version`."""
        key = (package, version)
        if key in self.default_providers:
            return self.default_providers[key]
        import json as _json
        name = "default" + ("_" + version.replace(".", "_").replace("-", "_").replace("+", "_") if version else "")
        ptype = PROVIDER_PREFIX + package
        urn = f"urn:pulumi:{self.stack}::{self.project}::{ptype}::{name}"
        inputs: dict[str, Any] = {}
        for k, v in self.config.items():
            ns, _, short = k.partition(":")
            if ns == package:
                try:
                    parsed = _json.loads(v)
                    inputs[short] = parsed if isinstance(parsed, (dict, list)) else v
                except ValueError:
                    inputs[short] = v
        if version:
            inputs["version"] = version
        pid = None if self.preview else fake_id(ptype, name, inputs, urn)
        self._record(RecordedResource(urn=urn, type=ptype, name=name, custom=True, parent=None,
                                      provider=None, id=pid, inputs=inputs, outputs=dict(inputs)))
        ref = f"{urn}::{pid if pid is not None else UNKNOWN_VALUE}"
        self.default_providers[key] = ref
        return ref

    def _outputs(self, type_: str, name: str, urn: str, inputs: dict, custom: bool,
                 remote: bool) -> tuple[Optional[str], dict]:
        if not self.preview:
            answered = self.deployed_outputs(type_, urn, inputs, name)
            if answered is not None:
                return (fake_id(type_, name, inputs, urn) if custom else None), answered
        if not custom:
            return None, {}  # components: outputs are what they register with register_outputs
        if type_.startswith(PROVIDER_PREFIX):
            return (None if self.preview else fake_id(type_, name, inputs, urn)), dict(inputs)
        outputs = dict(inputs)
        computed = computed_properties(type_)
        if self.preview:
            for prop in sorted(computed):
                outputs.setdefault(prop, UNKNOWN_VALUE)
            outputs["id"] = UNKNOWN_VALUE
            return None, outputs
        rid = fake_id(type_, name, inputs, urn)
        outputs["id"] = rid
        region = self.region_for_provider(None) or self.region
        if "arn" in computed:
            outputs["arn"] = fake_arn(type_, rid, region)
        if "ownerId" in computed:
            outputs["ownerId"] = invokes.ACCOUNT_ID
        if "tagsAll" in computed:
            outputs["tagsAll"] = inputs.get("tags") or {}
        outputs.update(deployed_attributes(type_, rid, urn, outputs))
        return rid, outputs

    def _check(self, type_: str, urn: str, name: str, inputs: dict) -> tuple[dict, dict]:
        """The inputs after the provider's Check: auto-names filled in (preflight/program/autonaming.py)."""
        try:
            added, named_at_create = auto_name(type_, urn, name, inputs, self.naming)
        except AutoNameError as e:
            self.check_errors.append(f"{urn}: {e}")
            raise
        return {**inputs, **added}, named_at_create

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        inputs = struct_to_dict(request.object)
        with self._lock:
            if request.type == ROOT_STACK_TYPE and not request.parent:
                self._record(RecordedResource(urn=urn, type=request.type, name=request.name, custom=False,
                                              inputs=inputs, outputs={}))
                return resource_pb2.RegisterResourceResponse(urn=urn)
            custom = bool(request.custom)
            remote = bool(getattr(request, "remote", False))
            provider = request.provider or None
            if provider is None and (custom or remote) and not request.type.startswith(PROVIDER_PREFIX):
                provider = self._default_provider(request.type.split(":")[0], request.version)
            named_at_create: dict = {}
            if custom and not request.type.startswith(PROVIDER_PREFIX):
                inputs, named_at_create = self._check(request.type, urn, request.name, inputs)
            # Names the provider makes at create from a prefix: outputs only (unknown at preview).
            created = {prop: UNKNOWN_VALUE if self.preview else created_with_prefix(str(prefix), urn)
                       for prop, prefix in named_at_create.items()}
            rid, outputs = self._outputs(request.type, request.name, urn, {**inputs, **created}, custom, remote)
            output_dependencies: dict = {}
            if self.preview and remote and request.type == remote_outputs.AWSX_VPC:
                outputs, output_dependencies = remote_outputs.awsx_preview_outputs(urn, inputs) or ({}, {})
            prop_deps = {k: canonical_urns(v.urns) for k, v in sorted(request.propertyDependencies.items())
                         if len(v.urns)}
            self._record(RecordedResource(
                urn=urn, type=request.type, name=request.name, custom=custom,
                parent=request.parent or None, provider=provider, id=rid, inputs=inputs,
                outputs=outputs, dependencies=canonical_urns(request.dependencies),
                property_dependencies=prop_deps, remote=remote, protect=bool(request.protect),
                source=self.source_lines.of(request)))
            state = {k: v for k, v in outputs.items() if k != "id"}
            if self.preview and custom and not request.type.startswith(PROVIDER_PREFIX):
                state = preview_state(request.type, state)  # nested fields a provider fills in: unknown
            # Keep the base class's bookkeeping (pulumi:pulumi:getResource, ExistsResource).
            self.resources[urn] = _mocks.MockMonitor.ResourceRegistration(urn, rid or "", state)
            answer = resource_pb2.RegisterResourceResponse(urn=urn, id=rid or "", object=dict_to_struct(state))
            for key, urns in output_dependencies.items():
                answer.propertyDependencies[key].urns.extend(urns)
        return answer

    def RegisterResourceOutputs(self, request):
        with self._lock:
            res = self.by_urn.get(request.urn)
            if res is not None:
                res.outputs = struct_to_dict(request.outputs)
        return empty_pb2.Empty()

    def ReadResource(self, request):
        resp = super().ReadResource(request)
        with self._lock:
            urn = resp.urn
            self._record(RecordedResource(
                urn=urn, type=request.type, name=request.name, custom=True,
                parent=request.parent or None, provider=request.provider or None, id=request.id or None,
                inputs={}, outputs=struct_to_dict(resp.properties) | {"id": request.id},
                dependencies=canonical_urns(request.dependencies), source=self.source_lines.of(request)))
        return resp
