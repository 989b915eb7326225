"""`--report DIR`: each stack described by the project's report plugin (output/report_plugin.py: facts,
variant line, cost), its pages (the plugin's, else output/report_pages.py's plain ones) and DIR/report.json,
the --json document (so the folder can be a later run's --baseline). Reads records only, not the CLI."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import InputError
from . import baseline as bl
from .json_document import Entry, dumps
from .report_pages import plain_pages
from .report_plugin import NO_PLUGIN, ReportPlugin


def describe(entry: Entry, usage=None, plugin: ReportPlugin = NO_PLUGIN) -> Entry:
    """Fill an entry's facts, variant line and cost from its recorded stack, as the plugin sees it."""
    if entry.recorded is not None:
        d = plugin.describe(entry.recorded, usage)
        if d is not None:
            entry.facts = d.facts
            entry.variant = entry.variant or d.variant
            entry.cost = d.cost
    return entry


def write_report(out_dir: str, entries: list[Entry], doc: dict, baseline: Optional[dict] = None,
                 plugin: ReportPlugin = NO_PLUGIN) -> list[Path]:
    """Write the pages (DIR/<stack>.md, DIR/index.md and what the plugin adds: DIR/<stack>.svg) and
    DIR/report.json; the written paths."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"--report {out_dir}: cannot create the folder: {e.strerror}") from None
    usable = [e for e in entries if e.usable]
    failed = [e for e in entries if not e.usable]
    deltas = {e.stack: bl.delta(e, baseline) for e in usable} if baseline is not None else {}
    removed = sorted(set(baseline or {}) - {e.stack for e in entries})
    pages = plugin.report_pages(usable, failed, deltas, removed)
    if pages is None:
        pages = plain_pages(usable, failed, deltas, removed)
    files: dict[Path, str] = {out / name: text for name, text in pages.items()}
    files[out / bl.REPORT_JSON] = dumps(doc) + "\n"
    try:
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"--report {out_dir}: cannot write {e.filename}: {e.strerror}") from None
    return list(files)
