"""Build the network model once per stack analysis.

With ``guardrails/shared_stack.py`` installed, every stack policy of one ``AnalyzeStack`` call gets the
same ``args.resources`` list, so the model is keyed on that list: the first policy builds it, the others
reuse it. With the SDK's own servicer (another pulumi-policy version) each policy gets a new list and
the model is rebuilt per policy: slower, same verdicts. Rule results are cached on the model per
(rule, config)."""
from __future__ import annotations

import threading
from typing import Any

from .network import NetworkModel, build_model

# Inputs of pulumi-eks components seen by Analyze (per resource), by URN. AnalyzeStack carries a
# component's *outputs* only (for a remote component: eksCluster, core, kubeconfig, ...), so a stack whose
# components have no raw children yet (preflight's preview with mocks, unit tests) would hide the
# component's inputs from the model. The engine (and preflight) calls Analyze for every resource before
# AnalyzeStack, so the latest inputs per URN are at hand; each Analyze overwrites the entry for its URN.
COMPONENT_INPUTS: "dict[str, dict]" = {}

_lock = threading.Lock()
_last: list = [None, None]  # [the resources list (kept alive so its identity stays unique), its model]


def model_for(args: Any) -> NetworkModel:
    resources = args.resources
    with _lock:
        if _last[0] is not resources:
            _last[0], _last[1] = resources, build_model(resources)
        return _last[1]
