"""Build the network model once per stack analysis.

pulumi_policy hands every stack policy its own `StackValidationArgs` (it deserializes the request once
per policy), so the cache is keyed on the args object: within one policy's run the model is built once
and every rule reads the same indexes. Rule results are cached on the model per (rule, config)."""
from __future__ import annotations

import weakref
from typing import Any

from .network import NetworkModel, build_model

# Inputs of pulumi-eks components seen by Analyze (per resource), by URN. AnalyzeStack carries a
# component's *outputs* only (for a remote component: eksCluster, core, kubeconfig, ...), so a stack whose
# components have no raw children yet (preflight's preview with mocks, unit tests) would hide the
# component's inputs from the model. The engine (and preflight) calls Analyze for every resource before
# AnalyzeStack, so the latest inputs per URN are at hand; each Analyze overwrites the entry for its URN.
COMPONENT_INPUTS: "dict[str, dict]" = {}

_models: "weakref.WeakKeyDictionary[Any, NetworkModel]" = weakref.WeakKeyDictionary()


def model_for(args: Any) -> NetworkModel:
    try:
        m = _models.get(args)
    except TypeError:  # not weak-referenceable
        return build_model(args.resources)
    if m is None:
        m = build_model(args.resources)
        _models[args] = m
    return m
