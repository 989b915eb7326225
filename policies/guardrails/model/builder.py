"""Build the network model: index every resource, then run the builder passes in order (passes/)."""
from __future__ import annotations

import gc
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .entities import Res
from .network import NetworkModel
from .passes import PASSES, BuildContext


def build_model(resources: Sequence[Any], component_inputs: Optional[Mapping[str, Dict[str, Any]]] = None
                ) -> NetworkModel:
    """Build the model from pulumi_policy.PolicyResource objects (or anything shaped like them) and the
    inputs Analyze saw for the pulumi-eks components among them (``analysis.Analysis``).

    The cyclic garbage collector is paused while the (acyclic, allocation-heavy) indexes are built, so
    the build stays linear in the number of resources."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        model = NetworkModel()
        by_type: Dict[str, List[Res]] = {}
        inputs = component_inputs or {}
        for pr in resources:
            res = model.add(pr, inputs)
            if res is not None:
                by_type.setdefault(res.type, []).append(res)
        ctx = BuildContext(model, by_type)
        for build_pass in PASSES:
            build_pass(ctx)
        return model
    finally:
        if enabled:
            gc.enable()
