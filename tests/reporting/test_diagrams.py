"""Network diagrams: what each variant's picture must show.

The layouts come from the EKS User Guide: public subnets route 0.0.0.0/0 to an internet gateway and
map public IPs (managed-node-groups, network-reqs); private subnets route it to a NAT gateway; nodes
without either need interface endpoints and an S3 gateway endpoint (private-clusters); a private-only
API endpoint is reachable only from a connected network (cluster-endpoint).
"""
import xml.etree.ElementTree as ET

from eks_variants.report import diagram
from eks_variants.report.facts import stack_facts
from eks_variants.report.svg import render_svgs

SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_private_mermaid_shows_isolated_subnets_endpoints_and_connected_network(recorded):
    facts = stack_facts(recorded["cost-private-managed"])
    text = diagram.to_mermaid(diagram.build(facts))
    assert text.startswith("flowchart TB\n")
    assert len(facts.azs) == 3  # availabilityZones: 3
    for az in facts.azs:
        assert f'subgraph az_{az.replace("-", "_")}["{az}"]' in text
    for s in facts.subnets:  # every subnet of the VPC, with its tier: no default route = isolated
        assert s.tier == "isolated" and f"isolated subnet {s.cidr}<br/>{s.name}" in text
    assert "6 interface endpoints (ENI per AZ)<br/>ec2, ecr.api, ecr.dkr, eks-auth, logs, sts" in text
    assert "s3 gateway endpoint" in text
    assert 'connected -->|"kubectl"| api_private' in text
    assert "Internet" not in text and "NAT gateway" not in text
    assert text.count("runs: managed node group (m6i.large)") == 3


def test_public_fargate_mermaid_routes_private_subnets_through_nat(recorded):
    facts = stack_facts(recorded["cost-public-fargate"])
    text = diagram.to_mermaid(diagram.build(facts))
    private = [s for s in facts.subnets if s.tier == "private"]
    assert len(private) == 2 and text.count("runs: Fargate pods") == 2
    nat = [line for line in text.splitlines() if '-->|"0.0.0.0/0"| nat_' in line]
    assert len(nat) == 2  # both private subnets, one NAT gateway (natGateways: single)
    assert "api_public" in text and 'internet -->|"any address"| api_public' in text


def test_svg_parses_and_names_every_subnet(recorded):
    stacks = ["cost-private-managed", "cost-public-fargate", "cost-public-self-managed"]
    facts = [stack_facts(recorded[name]) for name in stacks]
    svgs = render_svgs([diagram.to_dot(diagram.build(f)) for f in facts])
    for f, svg in zip(facts, svgs):
        texts = svg_texts(svg)
        joined = "\n".join(texts)
        for s in f.subnets:
            assert f"{s.tier} subnet {s.cidr}" in texts, (f.stack, s.name)
            assert s.name in texts
        assert f"VPC {f.vpc_cidr}" in texts
        if f.internet_gateways:
            assert "Internet gateway" in texts
        else:
            assert "Internet gateway" not in joined
    assert "EKS API private endpoint" in svg_texts(svgs[0])
    assert "EKS API public endpoint" in svg_texts(svgs[2])


def test_svg_is_the_same_every_run(recorded):
    dot = diagram.to_dot(diagram.build(stack_facts(recorded["cost-public-fargate"])))
    first, second = render_svgs([dot, dot])
    assert first == second
