"""Markdown every `--report DIR` has, whatever the project: a stack's policy results, its delta against a
--baseline and, where no report plugin (output/report_plugin.py) writes the pages, a plain `<stack>.md` (policy
results, plan) and `index.md` (one row per stack)."""
from __future__ import annotations

from typing import Optional

from . import baseline as bl
from . import plan_tree as tree
from .json_document import Entry


def violations_section(e: Entry) -> str:
    if not e.violations:
        return "✅ No policy violations.\n"
    out = ["| Level | Policy | Resource | Message |", "|---|---|---|---|"]
    for v in sorted(e.violations, key=lambda v: (v.enforcement_level != "mandatory", v.policy, v.urn)):
        name = v.urn.rsplit("::", 1)[-1]
        message = " ".join(v.message.split()).replace("|", "\\|")
        out.append(f"| {v.enforcement_level} | `{v.policy}` | `{name}` | {message} |")
    return "\n".join(out) + "\n"


def delta_section(d: bl.Delta) -> str:
    if d.previous is None:
        return "**Compared with the baseline:** new stack (not in the baseline).\n"
    out = [f"**Compared with the baseline:** monthly cost {bl.signed_money(d.cost)}, "
           f"resources {bl.signed(d.resources)}, {len(d.new)} new and {len(d.fixed)} fixed violations."]
    for v in d.new:
        out.append(f"- new: [{v.enforcement_level}] `{v.policy}` on `{v.urn.rsplit('::', 1)[-1]}`")
    for policy, urn in d.fixed:
        out.append(f"- fixed: `{policy}` on `{str(urn).rsplit('::', 1)[-1]}`")
    return "\n".join(out) + "\n"


def policy_cell(e: Entry) -> str:
    return "✅" if not e.violations else f"{e.count('mandatory')} mandatory, {e.count('advisory')} advisory"


def stack_page(e: Entry, delta: Optional[bl.Delta]) -> str:
    parts = [f"# {e.stack}\n", f"> {e.variant}\n" if e.variant else "",
             f"| | |\n|---|---|\n| Resources | {e.resources} |\n| Policy violations | {policy_cell(e)} |\n"]
    if delta is not None:
        parts.append(delta_section(delta))
    parts += ["## Policy results\n", violations_section(e), "## Plan\n", tree.to_markdown(tree.build(e.recorded))]
    return "\n".join(p for p in parts if p)


def index_page(entries: list[Entry], failed: list[Entry], deltas: dict[str, bl.Delta], removed: list[str]) -> str:
    out = ["# Stacks\n", "One row per stack; each stack's page has its policy results and plan.\n"]
    head = ["Stack", "Resources", "Policy"] + (["Resources Δ", "Violations new / fixed"] if deltas else [])
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for e in entries:
        row = [f"[{e.stack}]({e.stack}.md)", str(e.resources), policy_cell(e)]
        if deltas:
            d = deltas[e.stack]
            row += (["", f"{len(d.new)} / 0"] if d.previous is None else
                    [bl.signed(d.resources), f"{len(d.new)} / {len(d.fixed)}"])
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    out += missing_lines(failed, removed)
    return "\n".join(out) + "\n"


def missing_lines(failed: list[Entry], removed: list[str]) -> list[str]:
    """The index's lines for the stacks it has no row for: inputs that could not be used, stacks of the
    baseline this run does not have."""
    return ([f"- **{e.stack}** ({e.input}) could not be used: " + "; ".join(e.errors) for e in failed]
            + [f"- **{name}** was in the baseline and is not in this run." for name in removed])


def plain_pages(usable: list[Entry], failed: list[Entry], deltas: dict, removed: list[str]) -> dict[str, str]:
    """The pages of a report without a plugin: file name -> text."""
    files = {f"{e.stack}.md": stack_page(e, deltas.get(e.stack)) for e in usable}
    files["index.md"] = index_page(usable, failed, deltas, removed)
    return files
