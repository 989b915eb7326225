"""The report step of a run, as the CLI calls it: options checked before anything is recorded (so a bad
`--baseline` or `--usage-file` stops the run with nothing half-done), then, once every input has its
outcome, the `--json` document and the `--report` folder."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from ..errors import InputError
from . import baseline as bl
from .cost import load_usage
from ..input_files import display_path
from .document import Entry, document, dumps


@dataclasses.dataclass
class ReportOptions:
    report_dir: Optional[str] = None
    baseline: Optional[dict] = None  # stack -> baseline.Previous
    usage: Optional[dict] = None
    as_json: bool = False

    @property
    def describes(self) -> bool:
        """Whether stacks need facts and costs (the JSON document carries costs too)."""
        return bool(self.report_dir or self.as_json)


def load_options(args) -> tuple[ReportOptions, list[str]]:
    """ReportOptions from the command line (--report, --baseline, --usage-file, --json) and its problems."""
    problems: list[str] = []
    options = ReportOptions(report_dir=args.report, as_json=args.json)
    if args.baseline and not args.report:
        problems.append("--baseline needs --report DIR (the deltas are shown in the report)")
    for name, load, attr in (("baseline", bl.load, "baseline"), ("usage_file", load_usage, "usage")):
        path = getattr(args, name)
        if path:
            try:
                setattr(options, attr, load(path))
            except InputError as e:
                problems += e.lines()
    return options, problems


def error_document(problems: list[str], pack_name: str = "", pack_version: str = "") -> str:
    """The --json document of a run that stopped before any input was checked."""
    doc = document([], pack_name, pack_version, code=2)
    doc["errors"] = list(problems)
    return dumps(doc)


def report_step(options: ReportOptions, jobs: list, results: list, problems: dict, pack_name: str,
                pack_version: str, code: int) -> Optional[str]:
    """Every job of the plan in order, checked (`results`: report.Result with `index` and `recorded`) or
    not (`problems`: job index -> its lines) -> the --report folder; returns the --json text (None
    without --json). `code` is the run's exit status (report.exit_status), recorded in the document."""
    from . import describe, write_report
    by_index = {r.index: r for r in results}
    entries = []
    for i, job in enumerate(jobs):
        r = by_index.get(i)
        if r is not None:
            entries.append(Entry(stack=r.recorded.name, input=display_path(job.path), kind=job.kind,
                                 resources=r.resources, violations=r.violations, recorded=r.recorded))
        elif i in problems:
            # An export that could not be read has no stack name yet: its file's name stands for it.
            name = job.label if job.label != job.path else Path(job.path).stem
            entries.append(Entry(stack=name, input=display_path(job.path), kind=job.kind, errors=problems[i]))
    if options.describes:
        for e in entries:
            describe(e, options.usage)
    doc = document(entries, pack_name, pack_version, code)
    if options.report_dir:
        write_report(options.report_dir, entries, doc, options.baseline)
    return dumps(doc) if options.as_json else None
