"""Markdown: one page per stack (summary, baseline delta, network diagram, monthly cost, policy results,
plan) and `index.md` (one row per stack, the three endpoint modes side by side)."""
from __future__ import annotations

from typing import Optional

from preflight.output import baseline as bl
from preflight.output import plan_tree as tree
from preflight.output.json_document import Entry
from preflight.output.report_pages import delta_section, missing_lines, violations_section

from .cost import CostEstimate, support_phase
from .facts import StackFacts

MODES = ("public", "public-private", "private")
PLANE_ORDER = ("managed node group", "self-managed nodes", "Fargate", "EKS Auto Mode")


def money(v: Optional[float]) -> str:
    return "unpriced" if v is None else f"${v:,.2f}"


def unit_price(v: float) -> str:
    return "$" + f"{v:.6f}".rstrip("0").rstrip(".")


def _qty(v) -> str:
    if v is None:
        return ""
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def total_cell(cost: Optional[CostEstimate]) -> str:
    if cost is None:
        return "n/a"
    return money(cost.total) + (f" + {len(cost.unpriced)} unpriced" if cost.unpriced else "")


def data_plane(facts: StackFacts) -> str:
    parts = []
    for p in facts.data_planes:
        if p.kind in ("managed node group", "self-managed nodes"):
            parts.append(f"{p.kind} ({p.desired} × {', '.join(p.instance_types) or 'type unknown'})")
        elif p.kind == "Fargate":
            parts.append(f"Fargate ({', '.join(p.namespaces) or 'no selectors'})")
        else:
            parts.append(p.kind)
    return "; ".join(parts) or "none"


def interface_endpoints(facts: StackFacts) -> str:
    eps = facts.interface_endpoints
    if not eps:
        return "0"
    return f"{len(eps)} ({sum(e.azs for e in eps)} ENIs)"


def summary_rows(e: Entry) -> list[tuple[str, str]]:
    f: StackFacts = e.facts
    c = f.cluster
    version = c.version if c and c.version else "unknown"
    phase = support_phase(c.version) if c else None
    return [
        ("Region", f.region or "unknown"),
        ("Kubernetes", version + (f" ({phase} support)" if phase else "")),
        ("API endpoint", f.endpoint_mode),
        ("kubectl from", f.kubectl_from),
        ("Data plane", data_plane(f)),
        ("Nodes run in", f.nodes_run_in),
        ("Egress", f.egress),
        ("NAT gateways", str(len(f.nat_gateways))),
        ("Interface endpoints", interface_endpoints(f)),
        ("Resources", str(e.resources)),
        ("Estimated monthly cost", total_cell(e.cost)),
        ("Policy violations", f"{e.count('mandatory')} mandatory, {e.count('advisory')} advisory"),
    ]


def cost_table(cost: CostEstimate) -> str:
    out = ["| Name | Monthly qty | Unit | Monthly cost |", "|---|---:|---|---:|"]
    current = None
    for line in cost.lines:
        if line.resource != current:
            current = line.resource
            out.append(f"| **{line.resource}** | | | |")
        if line.monthly is None:
            shown = line.note
        elif line.usage:
            shown = f"{money(line.monthly)} (usage: {unit_price(line.unit_price)} per "
            shown += ("10k requests" if line.unit == "requests" else line.unit.rstrip("s")) + ")"
        else:
            shown = money(line.monthly)
        out.append(f"| └─ {line.name} | {_qty(line.quantity)} | {line.unit} | {shown} |")
    out.append(f"| **Total** | | | **{total_cell(cost)}** |")
    return "\n".join(out) + "\n"


def stack_page(e: Entry, mermaid: str, delta: Optional[bl.Delta]) -> str:
    f: StackFacts = e.facts
    parts = [f"# {e.stack}\n", f"> {e.variant}\n" if e.variant else "",
             "| | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in summary_rows(e)) + "\n"]
    if delta is not None:
        parts.append(delta_section(delta))
    parts += ["## Network\n", f"```mermaid\n{mermaid}```\n",
              f"Standalone: [{e.stack}.svg]({e.stack}.svg)\n",
              "## Monthly cost estimate\n",
              f"On-demand prices for {f.region or 'an unknown region'}, 730 hours a month; usage-priced items "
              "at the quantities of the usage file (zero without one). Prices and their sources: "
              "`eks_variants/report/prices.yaml`.\n",
              cost_table(e.cost) if e.cost is not None else "No estimate.\n",
              "## Policy results\n", violations_section(e),
              "## Plan\n", tree.to_markdown(tree.build(e.recorded))]
    return "\n".join(p for p in parts if p)


def _mode_examples(entries: list[Entry]) -> dict[str, Entry]:
    """For each endpoint mode, the stack to show: the first by data plane (managed first)."""
    chosen: dict[str, Entry] = {}
    for e in sorted(entries, key=lambda e: (min((PLANE_ORDER.index(p.kind) for p in e.facts.data_planes
                                                 if p.kind in PLANE_ORDER), default=9), e.stack)):
        chosen.setdefault(e.facts.endpoint_mode, e)
    return chosen


def index_page(entries: list[Entry], failed: list[Entry], deltas: dict[str, bl.Delta],
               removed: list[str]) -> str:
    out = ["# EKS variants at a glance\n",
           "One row per stack: where the API is reachable from, where nodes run, how they reach the internet "
           "and what that costs (on-demand, 730 h a month, in each stack's region; usage-priced items at "
           "zero usage; prices from `eks_variants/report/prices.yaml`, each figure with its source, date and how far "
           "it was verified). Each stack's page has its plan, network diagram, cost lines and policy results.\n"]
    head = ["Stack", "Endpoint", "Data plane", "Nodes run in", "Egress", "NAT gateways", "Interface endpoints",
            "Resources", "Est. monthly cost", "kubectl from", "Policy"]
    if deltas:
        head += ["Cost Δ", "Resources Δ", "Violations new / fixed"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for e in entries:
        f = e.facts
        row = [f"[{e.stack}]({e.stack}.md)", f.endpoint_mode, data_plane(f), f.nodes_run_in, f.egress,
               str(len(f.nat_gateways)), interface_endpoints(f), str(e.resources), total_cell(e.cost),
               f.kubectl_from, "✅" if not e.violations else f"{e.count('mandatory')} mandatory, {e.count('advisory')} advisory"]
        if deltas:
            d = deltas[e.stack]
            row += (["new stack", "", f"{len(d.new)} / 0"] if d.previous is None else
                    [bl.signed_money(d.cost), bl.signed(d.resources), f"{len(d.new)} / {len(d.fixed)}"])
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    out += missing_lines(failed, removed)
    examples = _mode_examples(entries)
    if examples:
        shown = [m for m in MODES if m in examples]
        out += ["", "## The three endpoint modes side by side\n",
                "| " + " | ".join(f"{m}: [{examples[m].stack}]({examples[m].stack}.md)" for m in shown) + " |",
                "|" + "---|" * len(shown),
                "| " + " | ".join(f'<img src="{examples[m].stack}.svg" alt="{examples[m].stack} network" width="100%">'
                                  for m in shown) + " |", ""]
    return "\n".join(out)
