"""The report step of a run, as the CLI calls it: options checked before anything is recorded (so a bad
`--baseline` or `--usage-file` stops the run with nothing half-done), then, once every input has its
outcome, the `--output` text (json, sarif, junit, github; text is output/text.py's) and the `--report`
folder."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..inputs.file_reader import display_path
from . import baseline as bl
from .json_document import Entry, document, dumps
from .report_plugin import NO_PLUGIN, ReportPlugin


@dataclasses.dataclass
class ReportOptions:
    report_dir: Optional[str] = None
    baseline: Optional[dict] = None  # stack -> baseline.Previous
    usage: Optional[dict] = None
    output: str = "text"  # text | json | sarif | junit | github
    program_dir: Optional[str] = None  # where source lines are relative to (the plan's program folder)
    plugin: ReportPlugin = NO_PLUGIN  # the project's report plugin (output/report_plugin.py)

    @property
    def as_json(self) -> bool:
        return self.output == "json"

    @property
    def describes(self) -> bool:
        """Whether stacks need facts and costs (the JSON document carries costs too)."""
        return bool(self.report_dir or self.as_json)


def load_options(args, plugin: ReportPlugin = NO_PLUGIN) -> tuple[ReportOptions, list[str]]:
    """ReportOptions from the command line (--report, --baseline, --usage-file, --output/--json) and its
    problems; `plugin` reads the usage file."""
    problems: list[str] = []
    output = getattr(args, "output", None) or "text"
    if args.json and output not in ("text", "json"):
        problems.append(f"--json is --output json; it cannot be combined with --output {output}")
    options = ReportOptions(report_dir=args.report, output="json" if args.json else output, plugin=plugin)
    if args.baseline and not args.report:
        problems.append("--baseline needs --report DIR (the deltas are shown in the report)")
    for name, load, attr in (("baseline", bl.load, "baseline"), ("usage_file", plugin.load_usage, "usage")):
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
                pack_version: str, code: int, catalog: Optional[dict] = None,
                levels: Optional[dict] = None) -> Optional[str]:
    """Every job of the plan in order, checked (`results`: text.Result with `index` and `recorded`) or
    not (`problems`: job index -> its lines) -> the --report folder; returns the --output text (None
    for text output). `code` is the run's exit status (text.exit_status), recorded in the document;
    `catalog` the pack's policies (findings.catalog), `levels` policy -> the level the run used."""
    from .report_folder import describe, write_report
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
            describe(e, options.usage, options.plugin)
    doc = document(entries, pack_name, pack_version, code, catalog)
    if options.report_dir:
        write_report(options.report_dir, entries, doc, options.baseline, options.plugin)
    if options.output == "json":
        return dumps(doc)
    from . import ci_formats
    if options.output == "sarif":
        return ci_formats.dumps_sarif(ci_formats.sarif(entries, catalog or {}, pack_name, pack_version,
                                                       options.program_dir, code))
    if options.output == "junit":
        return ci_formats.junit(entries, catalog or {}, levels)
    if options.output == "github":
        return ci_formats.github(entries, catalog or {}, options.program_dir)
    return None
