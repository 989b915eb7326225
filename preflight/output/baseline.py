"""`--baseline`: an earlier run (a report folder's `report.json`, or a `--json` output file) and what
changed since, per stack: monthly cost, resource count, violations that are new or fixed."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..inputs.file_reader import MIB, read_input_text
from .json_document import Entry

REPORT_JSON = "report.json"
BASELINE_LIMIT = 64 * MIB


@dataclasses.dataclass
class Previous:
    resources: Optional[int]
    cost: Optional[float]
    violations: set  # (policy, urn)


@dataclasses.dataclass
class Delta:
    stack: str
    previous: Optional[Previous]  # None: the stack is new
    cost: Optional[float]  # current minus previous (None if either is unknown)
    resources: Optional[int]
    new: list  # Violation objects present now, absent before
    fixed: list  # (policy, urn) present before, absent now


def load(path: str) -> dict[str, Previous]:
    p = Path(path)
    file = p / REPORT_JSON if p.is_dir() else p
    if p.is_dir() and not file.is_file():
        raise InputError(f"--baseline {path}: no {REPORT_JSON} in that folder (a --report folder has one)")
    text = read_input_text(file, "--baseline", BASELINE_LIMIT, bom_allowed=False)
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise InputError(f"--baseline {file}: not a preflight --json document ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
        raise InputError(f"--baseline {file}: not a preflight --json document (no `results` list)")
    out: dict[str, Previous] = {}
    for r in doc["results"]:
        if not isinstance(r, dict) or "violations" not in r:
            continue  # an input that could not be used then
        name = r.get("stack") or r.get("source")
        cost = (r.get("cost") or {}).get("monthlyTotal")
        out[str(name)] = Previous(resources=r.get("resources"), cost=cost,
                                  violations={(v.get("policy"), v.get("urn")) for v in r["violations"]})
    return out


def delta(entry: Entry, baseline: dict[str, Previous]) -> Delta:
    prev = baseline.get(entry.stack)
    now_cost = entry.cost.total if entry.cost is not None else None
    if prev is None:
        return Delta(entry.stack, None, None, None, list(entry.violations or []), [])
    now = {(v.policy, v.urn) for v in entry.violations or []}
    return Delta(entry.stack, prev,
                 cost=round(now_cost - prev.cost, 2) if now_cost is not None and prev.cost is not None else None,
                 resources=entry.resources - prev.resources if entry.resources is not None and prev.resources is not None
                 else None,
                 new=[v for v in entry.violations or [] if (v.policy, v.urn) not in prev.violations],
                 fixed=sorted(prev.violations - now))


def signed_money(v: Optional[float]) -> str:
    if v is None:
        return "n/a"
    return f"{'+' if v > 0 else '-' if v < 0 else '±'}${abs(v):,.2f}"


def signed(v: Optional[int]) -> str:
    if v is None:
        return "n/a"
    return f"{'+' if v > 0 else ''}{v}" if v else "±0"
