"""Phases that build many objects at once (reading a 10,000-resource export, the analyzer requests for it)
run with CPython's cyclic garbage collector paused.

Those objects hold no reference cycles, so the collector finds nothing, but its passes are triggered by the
number of allocations and each older-generation pass walks the whole growing heap again: 25 % of reading a
10,000-resource export here (`bench/export_bench.py`). Reference counting still frees everything as usual;
the collector runs again, as before, once the phase ends.
"""
from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from typing import Iterator


def without(mechanism: str) -> bool:
    """A speed mechanism switched off for a measurement (bench/mechanisms_bench.py): PREFLIGHT_WITHOUT lists
    them, comma-separated (`gc-pause`, `heap-freeze`, `in-flight`). Verdicts and output never change."""
    return mechanism in os.environ.get("PREFLIGHT_WITHOUT", "").split(",")


@contextmanager
def collector_paused() -> Iterator[None]:
    if without("gc-pause"):
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
