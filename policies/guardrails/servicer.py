"""The pack's analyzer servicer: records what every policy may rely on, whatever policies are enabled.

pulumi_policy's servicer runs only the enabled policies, so nothing a policy needs may be gathered by
another policy. This mixin wraps the servicer's RPCs instead: ``Configure`` checks the config's policy names
(``config_names.py``: aliases folded into the renamed policy, an unknown name refused) and keeps the map,
``Analyze`` keeps the inputs of each pulumi-eks component (the engine, and preflight, call Analyze for
every resource before AnalyzeStack), and both ``Analyze`` and ``AnalyzeStack`` run inside an
``analysis.Analysis`` holding them; the component inputs are dropped when AnalyzeStack returns.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Any, Dict, Mapping, Optional

import grpc
import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.version import VERSION

from . import config_names, exemptions, redacted, shared_stack
from .analysis import Analysis, analyzing
from .model import types as T
from .model.values import plain

SDK_SERVICER = sdk._PolicyAnalyzerServicer
# Configure's trailing metadata: one entry per note about the config (preflight prints them; the CLI
# ignores trailing metadata and shows the same note from the pack's stderr).
NOTE_METADATA = "eks-guardrails-config-note"


class AnalysisRecorder:
    """Mixin over a ``_PolicyAnalyzerServicer`` (first in the MRO)."""

    aliases: Mapping[str, str] = {}  # old policy name -> its policy's name (set by ``install``)
    # policy name -> {id, kind, severity, url, remediation}: added to GetAnalyzerInfo (set by ``install``)
    metadata: Mapping[str, Mapping[str, str]] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._policy_config: Optional[Dict[str, Dict[str, Any]]] = None  # None until Configure
        self._component_inputs: Dict[str, Dict[str, Any]] = {}
        self._lock = threading.Lock()  # the gRPC server may run Analyze calls on several threads

    def Configure(self, request, context):
        known = [p.name for p in self._PolicyAnalyzerServicer__policies]
        try:
            request, notes = config_names.resolve(request, self._PolicyAnalyzerServicer__policy_pack_name,
                                                  known, self.aliases)
        except config_names.UnknownPolicyNames as e:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        for note in notes:
            sys.stderr.write(f"note: {note}\n")  # the CLI shows a plugin's stderr lines
        if notes:
            sys.stderr.flush()
            context.set_trailing_metadata(tuple((NOTE_METADATA, n) for n in notes))
        policy_config = {name: json_format.MessageToDict(c.properties) for name, c in request.policyConfig.items()}
        bad = exemptions.problems(policy_config)
        if bad:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "; ".join(bad))
        self._policy_config = policy_config
        return super().Configure(request, context)

    def GetAnalyzerInfo(self, request, context):
        """The SDK's answer plus each policy's id (tag ``id:EKSNET-NNN``), kind (tag ``kind:...``), severity,
        page and remediation, in the fields the protocol has for them (PolicyInfo.tags, severity, url,
        remediation_steps; pulumi_policy fills none of them)."""
        info = super().GetAnalyzerInfo(request, context)
        fields = info.DESCRIPTOR.fields_by_name["policies"].message_type.fields_by_name
        for p in info.policies:
            meta = self.metadata.get(p.name)
            if not meta or "url" not in fields:
                continue
            p.tags.extend([f"id:{meta['id']}", f"kind:{meta['kind']}"])
            p.url = meta["url"]
            p.remediation_steps = meta["remediation"]
            p.severity = fields["severity"].enum_type.values_by_name[f"POLICY_SEVERITY_{meta['severity'].upper()}"].number
        return info

    def Analyze(self, request, context):
        redacted.unredact_in_place(request.properties)
        if request.type in T.COMPONENTS:
            inputs = plain(deserialize_properties(json_format.MessageToDict(request.properties)))
            with self._lock:
                self._component_inputs[request.urn] = inputs if isinstance(inputs, dict) else {}
        with analyzing(Analysis(policy_config=self._policy_config)):
            return super().Analyze(request, context)

    def AnalyzeStack(self, request, context):
        with self._lock:
            inputs, self._component_inputs = self._component_inputs, {}
        with analyzing(Analysis(inputs, self._policy_config)):
            return super().AnalyzeStack(request, context)


class GuardrailsServicer(AnalysisRecorder, shared_stack.SharedStackServicer):
    """The recorder over the shared-stack servicer (the pulumi-policy version it was written for)."""


class RecordingSdkServicer(AnalysisRecorder, SDK_SERVICER):
    """The recorder over pulumi-policy's own servicer (any other version): slower, same verdicts."""


def install(aliases: Optional[Mapping[str, str]] = None,
            metadata: Optional[Mapping[str, Mapping[str, str]]] = None) -> type:
    """Make ``PolicyPack`` serve with the recorder; over the shared-stack servicer only on the version
    it was written for. ``aliases`` maps renamed policies' old names to their names, ``metadata`` policy
    names to what GetAnalyzerInfo adds. Returns the class installed."""
    # EKS_GUARDRAILS_WITHOUT (comma-separated, for measurements only: bench/mechanisms_bench.py): `shared-stack`
    # serves with the SDK's own servicer.
    off = os.environ.get("EKS_GUARDRAILS_WITHOUT", "").split(",")
    shared = VERSION == shared_stack.WRITTEN_FOR and "shared-stack" not in off
    cls = GuardrailsServicer if shared else RecordingSdkServicer
    AnalysisRecorder.aliases = dict(aliases or {})
    AnalysisRecorder.metadata = dict(metadata or {})
    sdk._PolicyAnalyzerServicer = cls
    return cls
