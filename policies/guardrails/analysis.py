"""What the pack's servicer knows about the analysis in progress, for the stack policies to read.

``servicer.AnalysisRecorder`` fills it: the policy config map that ``Configure`` delivered (the engine
reconciled it with each policy's schema defaults) and the inputs of every pulumi-eks component that
``Analyze`` saw since the last ``AnalyzeStack``. It is set for the duration of one ``Analyze`` /
``AnalyzeStack`` call (a ``ContextVar``: each gRPC worker thread sees its own) and cleared after it, so
no policy writes what another reads and disabling one policy cannot change another's verdicts.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, Mapping, Optional


@dataclass(frozen=True)
class Analysis:
    # URN -> the inputs Analyze saw. AnalyzeStack carries a component's *outputs* only (for a remote
    # pulumi-eks component: eksCluster, core, kubeconfig, ...), so a stack whose components have no raw
    # children yet (a preview of a new stack) would hide the inputs the model needs.
    component_inputs: Mapping[str, Dict[str, Any]] = field(default_factory=dict)
    # policy name -> properties, as Configure delivered them; None when the pack was never configured.
    policy_config: Optional[Mapping[str, Dict[str, Any]]] = None


_current: ContextVar[Analysis] = ContextVar("guardrails_analysis", default=Analysis())


def current() -> Analysis:
    return _current.get()


@contextmanager
def analyzing(analysis: Analysis) -> Iterator[Analysis]:
    token = _current.set(analysis)
    try:
        yield analysis
    finally:
        _current.reset(token)
