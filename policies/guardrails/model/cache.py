"""Build the network model once per stack analysis.

With ``guardrails/shared_stack.py`` installed (by ``guardrails/servicer.py``), every stack policy of one ``AnalyzeStack`` call gets the
same ``args.resources`` list, so the model is keyed on that list: the first policy builds it, the others
reuse it. With the SDK's own servicer (another pulumi-policy version) each policy gets a new list and
the model is rebuilt per policy: slower, same verdicts. Rule results are cached on the model per
(rule, config)."""
from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Optional, Sequence

from .builder import build_model
from .network import NetworkModel

_lock = threading.Lock()
# [the resources list (kept alive so its identity stays unique), the facts it was built with, its model]
_last: list = [None, None, None]


def model_for(resources: Sequence[Any], component_inputs: Mapping[str, Dict[str, Any]],
              existing_network: Optional[Mapping[str, Any]] = None) -> NetworkModel:
    """The model of `resources` (the list a stack policy got) and the existing-network facts of the config,
    built on first use in one AnalyzeStack."""
    with _lock:
        if _last[0] is not resources or _last[1] is not existing_network:
            _last[0], _last[1], _last[2] = resources, existing_network, build_model(
                resources, component_inputs, existing_network)
        return _last[2]
