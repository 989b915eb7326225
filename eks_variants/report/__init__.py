"""This project's report plugin for preflight (pyproject.toml: [tool.preflight] report-plugin; the interface is
preflight/output/report_plugin.py): what `preflight --report`, `--json` and the text report show of an EKS
variant stack beyond policy results.

- facts.py (with shapes.py): what a page shows of one stack (subnet tiers, gateways, endpoints, data planes);
- cost.py, prices.yaml: the monthly cost estimate (`cost` in --json) and the one price file;
- diagram.py, svg.py: the network diagram, as Mermaid and as SVG;
- pages.py: <stack>.md and index.md ("EKS variants at a glance");
- reference and team stacks in sections of their own (team_stacks.py), and overlapping VPC ranges across
  the stack files as warnings of `preflight --all` (vpc_ranges.py).
"""
from __future__ import annotations

from typing import Optional

from preflight.output.report_plugin import Description

from ..team_stacks import TEAM_STACK_PREFIX, is_team_stack


def all_stacks_warnings(project) -> list[str]:
    from ..vpc_ranges import overlap_lines, stack_ranges
    return overlap_lines(project, stack_ranges(project))


def text_sections(results: list) -> list[tuple[str, str, list]]:
    """(name, title, results): reference and team stacks (`Pulumi.team-*.yaml`) apart when both kinds are
    there, else one untitled list."""
    teams = [r for r in results if is_team_stack(r.source)]
    if not teams or len(teams) == len(results):
        return [("", "", results)]
    reference = [r for r in results if not is_team_stack(r.source)]
    return [("reference stacks", f"Reference stacks ({len(reference)})", reference),
            ("team stacks", f"Team stacks ({len(teams)}): Pulumi.{TEAM_STACK_PREFIX}*.yaml", teams)]


def load_usage(path: str) -> dict:
    from .cost import load_usage as load
    return load(path)


def describe(recorded, usage: Optional[dict] = None) -> Description:
    from .cost import estimate
    from .facts import stack_facts
    facts = stack_facts(recorded)
    return Description(facts=facts, variant=facts.variant, cost=estimate(facts, usage))


def report_pages(usable: list, failed: list, deltas: dict, removed: list) -> dict[str, str]:
    """<stack>.svg and <stack>.md per stack, index.md."""
    from . import diagram, pages
    from .svg import render_svgs
    files: dict[str, str] = {}
    diagrams = [diagram.build(e.facts) for e in usable]
    for e, d, svg in zip(usable, diagrams, render_svgs([diagram.to_dot(d) for d in diagrams])):
        files[f"{e.stack}.svg"] = svg
        files[f"{e.stack}.md"] = pages.stack_page(e, diagram.to_mermaid(d), deltas.get(e.stack))
    files["index.md"] = pages.index_page(usable, failed, deltas, removed)
    return files
