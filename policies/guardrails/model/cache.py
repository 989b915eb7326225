"""Build the network model once per stack analysis.

With ``guardrails/shared_stack.py`` installed (by ``guardrails/servicer.py``), every stack policy of one ``AnalyzeStack`` call gets the
same ``args.resources`` list, so the model is keyed on that list: the first policy builds it, the others
reuse it. With the SDK's own servicer (another pulumi-policy version) each policy gets a new list and
the model is rebuilt per policy: slower, same verdicts. Rule results are cached on the model per
(rule, config)."""
from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Sequence

from .builder import build_model
from .network import NetworkModel

_lock = threading.Lock()
_last: list = [None, None]  # [the resources list (kept alive so its identity stays unique), its model]


def model_for(resources: Sequence[Any], component_inputs: Mapping[str, Dict[str, Any]]) -> NetworkModel:
    """The model of `resources` (the list a stack policy got), built on first use in one AnalyzeStack."""
    with _lock:
        if _last[0] is not resources:
            _last[0], _last[1] = resources, build_model(resources, component_inputs)
        return _last[1]
