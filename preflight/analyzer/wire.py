"""The analyzer protocol's messages as the engine builds them: enforcement levels, property values
(MarshalProperties with KeepUnknowns, KeepSecrets, SkipInternalKeys; no KeepResources), provider
references and the Analyze / AnalyzeStack requests (Remediate takes Analyze's request)."""
from __future__ import annotations

from typing import Any, Optional

from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2 as apb

from ..inputs.policy_config import LEVEL_TO_PB, LEVELS, PB_TO_LEVEL  # noqa: F401 - the levels, by name and number
from ..records import RecordedResource, RecordedStack
from ..sentinels import RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_VALUE


def marshal_value(v: Any) -> Any:
    if isinstance(v, dict):
        sig = v.get(SIG_KEY)
        if sig == SECRET_SIG:
            return {SIG_KEY: SECRET_SIG, "value": marshal_value(v.get("value"))}
        if sig == RESOURCE_REF_SIG:
            # Without KeepResources a reference becomes its id where it has one (unknown while the id is; as
            # read from a state file, where an unknown id is written "", the string ""), else its URN
            # (sdk/go/common/resource/plugin/rpc.go, MarshalPropertyValue).
            rid = v.get("id")
            return v.get("urn", "") if rid is None else marshal_value(rid)
        if sig is not None:
            return {k: marshal_value(x) for k, x in v.items()}  # assets, archives: kept as they are
        return {k: marshal_value(x) for k, x in v.items() if not k.startswith("__")}
    if isinstance(v, list):
        return [marshal_value(x) for x in v]
    return v


def marshal_map(props: Any) -> dict:
    """A property map (MarshalProperties): each value marshalled, the map itself never read as a special
    object (a map holding the secret or reference signature key is a map with such a property)."""
    return {k: marshal_value(x) for k, x in (props or {}).items() if not k.startswith("__")}


def marshal_properties(props: dict) -> struct_pb2.Struct:
    st = struct_pb2.Struct()
    st.update(marshal_map(props))
    return st


class Messages:
    """The requests of one stack's analysis, each provider marshalled once: ``analyze(res)`` is a resource's
    Analyze (and Remediate) request; ``add_to_stack(res)`` adds its entry to the AnalyzeStack request, so the
    caller can build that one while per-resource answers are pending (pack_process.py)."""

    def __init__(self, index: dict[str, RecordedResource]) -> None:
        self.index = index
        self.providers: dict[str, Optional[apb.AnalyzerProviderResource]] = {}  # provider reference -> message
        self.stack_request = apb.AnalyzeStackRequest()

    def provider(self, res: RecordedResource) -> Optional[apb.AnalyzerProviderResource]:
        """The provider of `res` as the engine describes it to analyzers (its inputs as properties)."""
        if not res.provider:
            return None
        if res.provider not in self.providers:
            prov = self.index.get(res.provider.rsplit("::", 1)[0])
            self.providers[res.provider] = None if prov is None else apb.AnalyzerProviderResource(
                type=prov.type, urn=prov.urn, name=prov.name, properties=marshal_properties(prov.inputs))
        return self.providers[res.provider]

    def analyze(self, res: RecordedResource) -> apb.AnalyzeRequest:
        """Analyze's (and Remediate's) request for one resource: its inputs, parent and provider."""
        req = apb.AnalyzeRequest(type=res.type, urn=res.urn, name=res.name,
                                 options=apb.AnalyzerResourceOptions(
                                     parent=res.parent or "",
                                     customTimeouts=apb.AnalyzerResourceOptions.CustomTimeouts()))
        req.properties.SetInParent()  # present even when empty, as the engine sends it
        req.properties.update(marshal_map(res.inputs))
        prov = self.provider(res)
        if prov is not None:
            req.provider.CopyFrom(prov)
        return req

    def add_to_stack(self, res: RecordedResource) -> None:
        """AnalyzeStack's entry for one resource: its outputs, parent, provider and dependencies."""
        ar = self.stack_request.resources.add()
        ar.type, ar.urn, ar.name = res.type, res.urn, res.name
        ar.properties.SetInParent()
        ar.properties.update(marshal_map(res.outputs))
        ar.options.customTimeouts.SetInParent()
        prov = self.provider(res)
        if prov is not None:
            ar.provider.CopyFrom(prov)
        ar.parent = res.parent or ""
        ar.dependencies.extend(res.dependencies)
        for k, urns in res.property_dependencies.items():
            if urns:
                ar.propertyDependencies[k].urns.extend(urns)


def analyze_request(res: RecordedResource, index: dict[str, RecordedResource]) -> apb.AnalyzeRequest:
    """Analyze's (and Remediate's) request for one resource."""
    return Messages(index).analyze(res)


def analyze_stack_request(stack: RecordedStack, index: Optional[dict[str, RecordedResource]] = None
                          ) -> apb.AnalyzeStackRequest:
    """AnalyzeStack's request: every resource's outputs, parent, provider and dependencies."""
    messages = Messages(index if index is not None else stack.by_urn())
    for res in stack.resources:
        messages.add_to_stack(res)
    return messages.stack_request
