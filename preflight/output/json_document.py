"""The one machine-readable result of a run: what `--json` prints and what `--report DIR` saves as
`DIR/report.json` (so either can be a later run's `--baseline`). Schema: docs/preflight-json.schema.json.

Version 2 keeps the turn-1 shape (`results[].source`, `resources`, `violations[]` with `policy`,
`enforcementLevel`, `urn`, `message`) and adds `schemaVersion`, `pack`, `summary`, inputs that could not
be used (`errors`), and per stack `stack`, `input`, `kind`, `variant` and `cost`; per violation the policy's
`id`, the program line that registered the resource (`source`, null where unknown; a stack export says why in
`sourceNote`) and, for an exempted violation, its `exemption` (preflight/output/findings.py); `exempted` counts.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Optional

from .findings import EXPORT_NO_SOURCE, exemption_of, meta_of, sources_by_urn

SCHEMA_VERSION = 2
EXIT_REASONS = {0: "no mandatory violation", 1: "mandatory violations", 2: "inputs could not be used"}


@dataclasses.dataclass
class Entry:
    """One input of the run, checked or not."""
    stack: str  # the stack's name (`source` in the document: the same form in every mode)
    input: str  # the file it came from, as given (relative to the working folder when inside it)
    kind: str  # "stack" (a Pulumi.<stack>.yaml run through the program) | "export"
    resources: Optional[int] = None
    violations: Optional[list] = None  # Violation; None when the input could not be used
    errors: list = dataclasses.field(default_factory=list)
    variant: Optional[str] = None
    cost: object = None  # the report plugin's estimate: .total, .to_json() (output/report_plugin.py)
    recorded: object = None  # RecordedStack, for --report
    facts: object = None  # what the report plugin knows of the stack, for its --report pages

    @property
    def usable(self) -> bool:
        return self.violations is not None

    def count(self, level: str) -> int:
        return sum(1 for v in self.violations or [] if v.enforcement_level == level)

    @property
    def exempted(self) -> int:
        return sum(1 for v in self.violations or [] if exemption_of(v.message))


def _violation(v, sources: dict, catalog: dict) -> dict:
    out = v.to_json()
    out["id"] = meta_of(catalog, v.policy).id
    out["source"] = sources.get(v.urn)
    ex = exemption_of(v.message)
    if ex:
        out["exemption"] = ex
    return out


def document(entries: list[Entry], pack_name: str, pack_version: str, code: int,
             catalog: Optional[dict] = None) -> dict:
    """`code`: the run's exit status (preflight.output.text.exit_status); `catalog`: the pack's policies
    (findings.catalog), for their ids."""
    results = []
    for e in entries:
        # The version-1 keys first, in their order: source, resources, violations.
        r: dict = {"source": e.stack}
        if e.usable:
            r["resources"] = e.resources
            sources = sources_by_urn(e.recorded)
            r["violations"] = [_violation(v, sources, catalog or {}) for v in e.violations]
        r.update({"stack": e.stack, "input": e.input, "kind": e.kind, "status": "checked" if e.usable else "error"})
        if e.usable:
            r["mandatory"] = e.count("mandatory")
            r["advisory"] = e.count("advisory")
            r["exempted"] = e.exempted
            if e.kind == "export":
                r["sourceNote"] = EXPORT_NO_SOURCE
            if e.variant:
                r["variant"] = e.variant
            if e.cost is not None:
                r["cost"] = e.cost.to_json()
        else:
            r["errors"] = list(e.errors)
        results.append(r)
    return {
        "schemaVersion": SCHEMA_VERSION,
        "pack": {"name": pack_name, "version": pack_version},
        "summary": {"stacks": len(entries), "checked": sum(1 for e in entries if e.usable),
                    "mandatory": sum(e.count("mandatory") for e in entries),
                    "advisory": sum(e.count("advisory") for e in entries),
                    "exempted": sum(e.exempted for e in entries),
                    "errors": sum(1 for e in entries if not e.usable),
                    "exitCode": code, "exitReason": EXIT_REASONS.get(code, "interrupted")},
        "results": results,
    }


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2)
