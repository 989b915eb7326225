"""The network diagram of one stack: VPC -> AZs -> subnets, gateways, endpoints, the data plane and where
the API endpoint is reachable from. Built once as a small graph, written as Mermaid (rendered by
GitHub/GitLab inside Markdown) and as Graphviz DOT (rendered to SVG by `svg.py`)."""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

from .facts import StackFacts, Subnet


@dataclasses.dataclass
class Node:
    id: str
    lines: list  # label lines
    kind: str  # public | private | isolated | gateway | endpoint | api | outside


@dataclasses.dataclass
class Group:
    id: str
    label: str
    nodes: list = dataclasses.field(default_factory=list)
    groups: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Edge:
    src: str
    dst: str
    label: str = ""
    dashed: bool = False


@dataclasses.dataclass
class Diagram:
    title: str
    top: Group  # outside the VPC: the internet, kubectl clients, the public API endpoint
    edges: list

    def all_nodes(self) -> list[Node]:
        out, todo = [], [self.top]
        while todo:
            g = todo.pop(0)
            out += g.nodes
            todo += g.groups
        return out


def _id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _plane_line(facts: StackFacts, subnet: Subnet) -> Optional[str]:
    kinds = []
    for plane in facts.data_planes:
        if any(s.urn == subnet.urn for s in plane.subnets):
            if plane.kind == "Fargate":
                kinds.append("Fargate pods")
            elif plane.kind == "EKS Auto Mode":
                kinds.append("Auto Mode nodes")
            else:
                kinds.append(f"{plane.kind} ({', '.join(plane.instance_types) or 'type unknown'})"
                             + (" with public IPs" if plane.public_ip else ""))
    return "runs: " + "; ".join(kinds) if kinds else None


def build(facts: StackFacts) -> Diagram:
    top = Group("top", "")
    edges: list[Edge] = []
    cluster = facts.cluster
    internet = bool(facts.internet_gateways) or (cluster is not None and cluster.public_endpoint)
    if internet:
        top.nodes.append(Node("internet", ["Internet"], "outside"))
    vpc = Group("vpc", f"VPC {facts.vpc_cidr or '(CIDR unknown)'}")
    top.groups.append(vpc)
    for name in facts.internet_gateways:
        vpc.nodes.append(Node(_id(f"igw_{name}"), ["Internet gateway", name], "gateway"))
        edges.append(Edge(_id(f"igw_{name}"), "internet"))
    igw = _id(f"igw_{facts.internet_gateways[0]}") if facts.internet_gateways else None
    nat_by_name = {}
    for az in facts.azs or [None]:
        group = Group(_id(f"az_{az}"), az or "AZ unknown")
        vpc.groups.append(group)
        for s in [s for s in facts.subnets if s.az == az]:
            lines = [f"{s.tier} subnet {s.cidr or ''}".rstrip(), s.name]
            plane = _plane_line(facts, s)
            if plane:
                lines.append(plane)
            if any(s.urn in e.subnets for e in facts.interface_endpoints):
                lines.append("interface endpoint ENIs")
            group.nodes.append(Node(_id(f"subnet_{s.name}"), lines, s.tier))
        for name, nat_az in facts.nat_gateways:
            if nat_az == az:
                nat_by_name[name] = _id(f"nat_{name}")
                group.nodes.append(Node(nat_by_name[name], ["NAT gateway", name], "gateway"))
    for name, nat_az in facts.nat_gateways:  # NAT gateways whose subnet is not known
        if name not in nat_by_name:
            nat_by_name[name] = _id(f"nat_{name}")
            vpc.nodes.append(Node(nat_by_name[name], ["NAT gateway", name], "gateway"))
    for name, node in nat_by_name.items():
        if igw:
            edges.append(Edge(node, igw))
    for s in facts.subnets:
        sid = _id(f"subnet_{s.name}")
        if s.route == "internet gateway" and igw:
            edges.append(Edge(sid, igw, "0.0.0.0/0"))
        elif s.route == "NAT gateway" and s.nat in nat_by_name:
            edges.append(Edge(sid, nat_by_name[s.nat], "0.0.0.0/0"))
    isolated = [s for s in facts.workload_subnets if s.tier == "isolated"]
    interface = facts.interface_endpoints
    if interface:
        services = [e.service for e in interface]
        lines = [f"{len(services)} interface endpoints (ENI per AZ)", ", ".join(services)]
        vpc.nodes.append(Node("endpoints", lines, "endpoint"))
        for s in isolated or facts.workload_subnets:
            edges.append(Edge(_id(f"subnet_{s.name}"), "endpoints", "HTTPS", dashed=True))
    for ep in [e for e in facts.endpoints if e.kind != "Interface"]:
        node = _id(f"gw_{ep.name}")
        vpc.nodes.append(Node(node, [f"{ep.service} {ep.kind.lower()} endpoint", "on the route tables"], "endpoint"))
        for s in isolated or facts.workload_subnets:
            edges.append(Edge(_id(f"subnet_{s.name}"), node, "", dashed=True))
    if cluster is not None:
        if cluster.public_endpoint:
            top.nodes.append(Node("api_public", ["EKS API public endpoint", f"kubectl from: {facts.kubectl_from}"], "api"))
            edges.append(Edge("internet", "api_public", _cidr_label(cluster.public_access_cidrs)))
        if cluster.private_endpoint:
            vpc.nodes.append(Node("api_private", ["EKS API private endpoint", "ENIs in the cluster subnets"], "api"))
            for s in facts.workload_subnets:
                edges.append(Edge(_id(f"subnet_{s.name}"), "api_private", "", dashed=True))
            if not cluster.public_endpoint:
                top.nodes.append(Node("connected", ["Connected network", "VPN, Direct Connect, peered VPC"], "outside"))
                edges.append(Edge("connected", "api_private", "kubectl"))
    mode = facts.endpoint_mode
    return Diagram(title=f"{facts.stack}: {mode} API endpoint, workloads in {facts.nodes_run_in}", top=top, edges=edges)


def _cidr_label(cidrs: Optional[list]) -> str:
    if cidrs is None:
        return "allowed CIDRs"
    return "any address" if "0.0.0.0/0" in cidrs else ", ".join(cidrs)


# ---------------------------------------------------------------------------------------------------
# Mermaid (flowchart). Labels are quoted; `"` is written as the entity #quot; (mermaid.js syntax docs).

_MERMAID_CLASS = {"public": "pub", "private": "priv", "isolated": "iso", "gateway": "gw", "endpoint": "ep",
                  "api": "api", "outside": "out"}


def _mermaid_label(lines: list) -> str:
    return "<br/>".join(line.replace('"', "#quot;") for line in lines)


def to_mermaid(d: Diagram) -> str:
    out = ["flowchart TB"]

    def emit(group: Group, indent: str) -> None:
        for n in group.nodes:
            out.append(f'{indent}{n.id}["{_mermaid_label(n.lines)}"]:::{_MERMAID_CLASS[n.kind]}')
        for g in group.groups:
            out.append(f'{indent}subgraph {g.id}["{_mermaid_label([g.label])}"]')
            emit(g, indent + "  ")
            out.append(f"{indent}end")

    emit(d.top, "  ")
    for e in d.edges:
        arrow = "-.->" if e.dashed else "-->"
        label = f'|"{_mermaid_label([e.label])}"|' if e.label else ""
        out.append(f"  {e.src} {arrow}{label} {e.dst}")
    out += ["  classDef pub fill:#e3f2fd,stroke:#1565c0", "  classDef priv fill:#e8f5e9,stroke:#2e7d32",
            "  classDef iso fill:#fff3e0,stroke:#ef6c00", "  classDef gw fill:#f3e5f5,stroke:#6a1b9a",
            "  classDef ep fill:#fffde7,stroke:#f9a825", "  classDef api fill:#ffebee,stroke:#c62828",
            "  classDef out fill:#eceff1,stroke:#455a64"]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------
# Graphviz DOT, built with the `graphviz` package (quoting and escaping are its job).

_DOT_FILL = {"public": "#e3f2fd", "private": "#e8f5e9", "isolated": "#fff3e0", "gateway": "#f3e5f5",
             "endpoint": "#fffde7", "api": "#ffebee", "outside": "#eceff1"}


def to_dot(d: Diagram) -> str:
    import graphviz

    graph = graphviz.Digraph(d.title, graph_attr={"rankdir": "TB", "fontname": "Arial", "label": d.title,
                                                  "labelloc": "t", "compound": "true", "newrank": "true"},
                             node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Arial",
                                        "fontsize": "10"},
                             edge_attr={"fontname": "Arial", "fontsize": "9"})

    def emit(target, group: Group) -> None:
        for n in group.nodes:
            target.node(n.id, "\n".join(n.lines), fillcolor=_DOT_FILL[n.kind])
        for g in group.groups:
            with target.subgraph(name=f"cluster_{g.id}") as sub:
                sub.attr(label=g.label, style="rounded", color="#607d8b")
                emit(sub, g)

    emit(graph, d.top)
    for e in d.edges:
        graph.edge(e.src, e.dst, label=e.label or None, style="dashed" if e.dashed else None)
    return graph.source
