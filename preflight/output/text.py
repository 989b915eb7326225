"""Step 4 of a run: the human report (the JSON document and --report: the rest of preflight/output/) and the exit
status; progress lines on stderr."""
from __future__ import annotations

import dataclasses
import re
import sys
from typing import Any, Optional

from .findings import EXPORT_NO_SOURCE, exemption_of, meta_of, sources_by_urn
from ..records import Violation
from .report_plugin import active as active_plugin


EXIT_OK, EXIT_MANDATORY, EXIT_INPUT = 0, 1, 2


_progress_shown = [False]


def say(line: str) -> None:
    """One `preflight: ...` line on stderr, in one write: lines of the analysis thread never mix with others."""
    sys.stderr.write(("\r\033[K" if _progress_shown[0] else "") + f"preflight: {line}\n")
    _progress_shown[0] = False


def progress(line: str) -> None:
    """Where a run is, on stderr: one line rewritten in place on a terminal (cleared by `progress_done`), a line
    of its own otherwise (CI logs). Never the results: those are on stdout."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\033[Kpreflight: {line}")
        sys.stderr.flush()
        _progress_shown[0] = True
    else:
        sys.stderr.write(f"preflight: {line}\n")


def progress_done() -> None:
    if _progress_shown[0]:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()
        _progress_shown[0] = False


@dataclasses.dataclass
class Result:
    source: str
    resources: int
    violations: list
    pack: str = ""
    pack_version: str = ""
    seconds: float = 0.0
    index: int = 0  # the job's place in the plan (0-based)
    recorded: Any = None  # the RecordedStack, for --report and the cost in --json
    kind: str = "stack"  # "stack" (a program run) | "export" (a state file: no program source lines)

    @property
    def mandatory(self) -> int:
        return sum(1 for v in self.violations if v.enforcement_level == "mandatory")

    @property
    def advisory(self) -> int:
        return sum(1 for v in self.violations if v.enforcement_level == "advisory")

    @property
    def exempted(self) -> int:
        return sum(1 for v in self.violations if exemption_of(v.message))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(r: Result) -> str:
    if not r.violations:
        return f"{r.source}: {_plural(r.resources, 'resource')} checked, no policy violations"
    exempted = f" ({r.exempted} exempted)" if r.exempted else ""
    return (f"{r.source}: {_plural(r.resources, 'resource')} checked, {r.mandatory} mandatory, "
            f"{r.advisory} advisory{exempted}")


def _where(r: Result, sources: dict, urn: str) -> str:
    """` (file:line)` of the program line that registered the resource, where known."""
    src = sources.get(urn)
    return f" ({src['file']}:{src['line']})" if src else ""


_URN_ASIDE = re.compile(r" \(urn:pulumi:[^()\s]*(?:\([^()]*\)[^()\s]*)*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
SHORT_LIMIT = 200


def resource_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1] if "::" in urn else urn


def first_sentence(v: Violation, catalog: Optional[dict]) -> str:
    """The violation's own message without the policy description the SDK puts before it, without the URNs in
    parentheses (the resource is named beside it), up to its first sentence's end (at most SHORT_LIMIT
    characters; --verbose shows all)."""
    text = v.message
    description = meta_of(catalog or {}, v.policy).description
    if description and text.startswith(description):
        text = text[len(description):]
    elif "\n" in text:
        text = text.split("\n", 1)[1]
    text = _URN_ASIDE.sub("", " ".join(text.split()))
    text = _SENTENCE_END.split(text, 1)[0]
    return text if len(text) <= SHORT_LIMIT else text[:SHORT_LIMIT - 1].rstrip() + "…"


def _stack_lines(results: list[Result], catalog: Optional[dict] = None) -> list[str]:
    """Per stack its summary line, then one line per violation: level, policy (with its id), the resource's
    name and program line, the message's first sentence."""
    lines: list[str] = []
    for r in results:
        lines.append(summary_line(r) + (f" ({EXPORT_NO_SOURCE})" if r.kind == "export" and r.violations else ""))
        sources = sources_by_urn(r.recorded)
        for v in sorted(r.violations, key=lambda v: (v.enforcement_level != "mandatory", v.policy, v.urn)):
            meta = meta_of(catalog or {}, v.policy)
            named = f"{meta.id} {v.policy}" if meta.id != v.policy else v.policy
            lines.append(f"  {v.enforcement_level:<9} {named}  {resource_name(v.urn)}{_where(r, sources, v.urn)}: "
                         f"{first_sentence(v, catalog)}")
    return lines


def _stack_blocks(results: list[Result], catalog: Optional[dict] = None) -> list[str]:
    lines: list[str] = []
    for r in results:
        note = f"; {EXPORT_NO_SOURCE}" if r.kind == "export" and r.violations else ""
        lines.append(f"Stack {r.source} ({_plural(r.resources, 'resource')} checked{note})")
        sources = sources_by_urn(r.recorded)
        lines.append("Policies:")
        mark = "❌" if r.mandatory else ("⚠️ " if r.violations else "✅")
        pack = f"{r.pack}@v{r.pack_version}" if r.pack_version else r.pack
        lines.append(f"    {mark} {pack}")
        groups: dict[tuple[str, str], list[Violation]] = {}
        for v in r.violations:
            groups.setdefault((v.policy, v.enforcement_level), []).append(v)
        order = sorted(groups, key=lambda k: (k[1] != "mandatory", k[0]))
        for key in order:
            policy, level = key
            vs = groups[key]
            meta = meta_of(catalog or {}, policy)
            named = f"{meta.id} {policy}" if meta.id != policy else policy
            lines.append(f"        - [{level}]  {named}  ({_plural(len(vs), 'violation')})")
            for v in vs:
                lines.append(f"            {v.urn}{_where(r, sources, v.urn)}")
                for ml in v.message.splitlines() or [""]:
                    lines.append(f"              {ml}")
        lines.append(summary_line(r))
        lines.append("")
    return lines


def _sections(results: list[Result]) -> list[tuple[str, str, list[Result]]]:
    """(name, title, results): the sections the project's report plugin makes (output/report_plugin.py; this
    project's: reference and team stacks apart), else one untitled list."""
    return active_plugin().text_sections(results)


def human(results: list[Result], failed: Optional[list[str]] = None, catalog: Optional[dict] = None,
          verbose: bool = False) -> str:
    """Per stack a summary line and one line per violation (`_stack_lines`); with `verbose`, the CLI's policy
    block: violations grouped by policy (with its id where the pack gives one: `catalog`, findings.catalog)
    with the policy's description and sources, full URN, the program line that registered it and the whole
    message; in the sections the project's report plugin makes (this project's: reference and team stacks)."""
    lines: list[str] = []
    for name, title, section in _sections(results):
        if title:
            lines += [title, "=" * len(title), ""]
        lines += _stack_blocks(section, catalog) if verbose else _stack_lines(section, catalog)
        if title:
            lines += ([] if verbose else [""]) + [
                f"{name}: {_plural(len(section), 'stack')} checked: {sum(r.mandatory for r in section)} "
                f"mandatory, {sum(r.advisory for r in section)} advisory", ""]
    total_m = sum(r.mandatory for r in results)
    total_a = sum(r.advisory for r in results)
    failing = [r.source for r in results if r.mandatory]
    total_x = sum(r.exempted for r in results)
    tail = (f"preflight: {_plural(len(results), 'stack')} checked: {total_m} mandatory, {total_a} advisory "
            f"violation{'' if total_m + total_a == 1 else 's'}" + (f" ({total_x} exempted)" if total_x else ""))
    if failing:
        tail += f"; failing: {', '.join(failing)}"
    if failed:
        tail += f"; {_plural(len(failed), 'input')} could not be used: {', '.join(failed)}"
    lines.append(tail)
    return "\n".join(lines)


def exit_status(results: list[Result], failed: list[str]) -> int:
    """2 if an input could not be used, 1 if a stack has a mandatory violation, else 0."""
    if failed:
        return EXIT_INPUT
    return EXIT_MANDATORY if any(r.mandatory for r in results) else EXIT_OK


def final_report(results: list[Result], failed: list[str], json_text: Optional[str] = None,
                 catalog: Optional[dict] = None, verbose: bool = False) -> tuple[str, int]:
    """The report printed on stdout at the end of a run (the --output text when given: JSON, SARIF, JUnit,
    GitHub annotations; else the human report, `verbose` or not) and the exit status (`exit_status`)."""
    text = json_text if json_text is not None else human(results, failed, catalog, verbose)
    return text, exit_status(results, failed)
