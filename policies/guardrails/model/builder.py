"""Build the network model: index every resource, then run the builder passes in order (passes/)."""
from __future__ import annotations

import gc
import os
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .entities import Res
from .existing_network import stand_ins
from .network import NetworkModel
from .passes import PASSES, BuildContext
from .values import is_unknown

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


def build_model(resources: Sequence[Any], component_inputs: Optional[Mapping[str, Dict[str, Any]]] = None,
                existing_network: Optional[Mapping[str, Any]] = None) -> NetworkModel:
    """Build the model from pulumi_policy.PolicyResource objects (or anything shaped like them), the
    inputs Analyze saw for the pulumi-eks components among them (``analysis.Analysis``) and the facts given
    about existing infrastructure (``existing_network.py``: stand-ins before the stack's own resources, so a
    resource of the stack that changes one, e.g. a route table association, is read after it).

    The cyclic garbage collector is paused while the (acyclic, allocation-heavy) indexes are built, so
    the build stays linear in the number of resources."""
    enabled = gc.isenabled()
    if "gc-pause" not in os.environ.get("EKS_GUARDRAILS_WITHOUT", "").split(","):  # a measurement switch
        gc.disable()
    try:
        model = NetworkModel()
        by_type: Dict[str, List[Res]] = {}
        inputs = component_inputs or {}
        for pr in resources:
            res = model.add(pr, inputs)
            if res is not None:
                by_type.setdefault(res.type, []).append(res)
        if existing_network:
            _add_stand_ins(model, by_type, resources, existing_network)
        ctx = BuildContext(model, by_type)
        for build_pass in PASSES:
            build_pass(ctx)
        return model
    finally:
        if enabled:
            gc.enable()


def _add_stand_ins(model: NetworkModel, by_type: Dict[str, List[Res]], resources: Sequence[Any],
                   facts: Mapping[str, Any]) -> None:
    anchor = next((pr.urn for pr in resources if pr.resource_type == ROOT_STACK_TYPE),
                  resources[0].urn if resources else "urn:pulumi:stack::project::pulumi:pulumi:Stack::existing")
    stack_ids = {k for k in model.by_id if not is_unknown(k)}
    existing: Dict[str, List[Res]] = {}
    for res in stand_ins(facts, anchor, stack_ids):
        existing.setdefault(res.type, []).append(res)
        for key in ("id", "allocationId"):
            v = res.props.get(key)
            if isinstance(v, str) and v:
                model.by_id.setdefault(v, []).append(res)
    for type_, items in existing.items():
        by_type[type_] = items + by_type.get(type_, [])
