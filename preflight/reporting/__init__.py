"""Reports of a preflight run: per-stack facts, cost, diagrams and pages (`--report DIR`), the `--json`
document and `--baseline` deltas. Depends on recorded stacks and violations only, not on the CLI."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import InputError
from . import baseline as bl
from . import diagram, pages
from .cost import estimate
from .document import Entry, document, dumps
from .facts import stack_facts
from .svg import render_svgs

__all__ = ["Entry", "document", "dumps", "describe", "write_report"]


def describe(entry: Entry, usage: Optional[dict] = None) -> Entry:
    """Fill an entry's facts, variant line and cost from its recorded stack."""
    if entry.recorded is not None:
        entry.facts = stack_facts(entry.recorded)
        entry.variant = entry.variant or entry.facts.variant
        entry.cost = estimate(entry.facts, usage)
    return entry


def write_report(out_dir: str, entries: list[Entry], doc: dict, baseline: Optional[dict] = None) -> list[Path]:
    """Write DIR/<stack>.md, DIR/<stack>.svg, DIR/index.md and DIR/report.json; the written paths."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"--report {out_dir}: cannot create the folder: {e.strerror}") from None
    usable = [e for e in entries if e.usable and e.facts is not None]
    failed = [e for e in entries if not e.usable]
    deltas = {e.stack: bl.delta(e, baseline) for e in usable} if baseline is not None else {}
    removed = sorted(set(baseline or {}) - {e.stack for e in entries})
    files: dict[Path, str] = {}
    diagrams = [diagram.build(e.facts) for e in usable]
    for e, d, svg in zip(usable, diagrams, render_svgs([diagram.to_dot(d) for d in diagrams])):
        files[out / f"{e.stack}.svg"] = svg
        files[out / f"{e.stack}.md"] = pages.stack_page(e, diagram.to_mermaid(d), deltas.get(e.stack))
    files[out / "index.md"] = pages.index_page(usable, failed, deltas, removed)
    files[out / bl.REPORT_JSON] = dumps(doc) + "\n"
    try:
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"--report {out_dir}: cannot write {e.filename}: {e.strerror}") from None
    return list(files)
