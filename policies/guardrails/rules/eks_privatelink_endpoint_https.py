"""eks-privatelink-endpoint-https, functional: where nodes without internet egress rely on PrivateLink, the interface
endpoints' security groups admit HTTPS from them."""
from __future__ import annotations

from ..model import types as T
from ..model.egress import isolation
from ..model.entities import Vpc
from ..model.values import UNKNOWN, cidr_within
from .base import Finding, Rule, undecided

NAME = "eks-privatelink-endpoint-https"


def _node_sources(model, c):
    urns = set(c.security_group_urns)
    for ng in c.node_groups:
        urns |= ng.security_group_urns
    return urns


def check(model, cfg):
    for c in model.clusters.values():
        if c.private is not True:
            continue
        vpc = c.vpc
        if not isinstance(vpc, Vpc):
            continue  # eks-isolated-nodes-privatelink reports the unresolved VPC
        facts = isolation(c, model.nats)
        definite = {p.subnet.res.urn for p in facts.isolated}
        subnets = {p.subnet.res.urn: p.subnet for p in facts.isolated + facts.possible}
        if not subnets:
            continue  # nodes with internet egress do not need the endpoints
        sources = _node_sources(model, c)
        vpc_cidrs = [x for x in vpc.cidrs if isinstance(x, str)]
        groups = {}  # one problem per set of security groups (or per "no security group")
        for e in vpc.endpoints:
            if e.type != "Interface":
                continue
            sgs = e.security_groups
            if not e.sgs_complete:
                yield undecided(e.res.anchor, NAME, f"the security groups of endpoint {e.res.label} cannot be resolved.",
                                key=e.res.urn)
                continue
            if not sgs:
                defaults = [sg for sg in model.security_groups.values() if sg.res.type == T.DEFAULT_SG and sg.vpc is vpc]
                if not defaults:
                    groups.setdefault(("no-sg",), ("no-sg", [], []))[1].append(e)
                    continue
                sgs = defaults
            rules = [r for sg in sgs for r in sg.ingress]
            incomplete = any(not sg.ingress_complete for sg in sgs)
            by_sg, maybe = False, incomplete
            for r in rules:
                a = r.allows_tcp(443)
                if a is False:
                    continue
                hit = any(x.urn in sources for x in r.sources)
                if hit and a is True:
                    by_sg = True
                    break
                if hit or r.source_unknown:
                    maybe = True
            if by_sg:
                continue
            bad, unsure = [], []
            for s in subnets.values():
                ok = False
                for r in rules:
                    a = r.allows_tcp(443)
                    if a is False:
                        continue
                    cover = (isinstance(s.cidr, str) and any(cidr_within(s.cidr, [x]) for x in r.cidrs if isinstance(x, str))) or \
                        (s.vpc is vpc and any(cidr_within(v, [x]) for v in vpc_cidrs for x in r.cidrs if isinstance(x, str)))
                    if cover and a is True:
                        ok = True
                        break
                    if cover or any(x is UNKNOWN for x in r.cidrs):
                        maybe = True
                if ok:
                    continue
                (unsure if (maybe or not isinstance(s.cidr, str) or s.res.urn not in definite) else bad).append(f"{s.res.label} ({s.cidr if isinstance(s.cidr, str) else 'CIDR unknown'})")
            if bad:
                g = groups.setdefault(tuple(sorted(sg.res.urn for sg in sgs)), (sgs, [], sorted(bad)))
                g[1].append(e)
            elif unsure:
                yield undecided(e.res.anchor, NAME, f"whether endpoint {e.res.label} admits TCP 443 from "
                                f"{', '.join(sorted(unsure))} is unknown.", key=e.res.urn)
        for key, (sgs, eps, bad) in groups.items():
            names = ", ".join(e.res.label for e in eps)
            if sgs == "no-sg":
                yield Finding(eps[0].res.anchor, f"Interface endpoint(s) {names} have no security group, so they get the "
                              "VPC's default security group, which admits only its own members; attach a security "
                              "group that allows TCP 443 from the node subnets (or the VPC CIDR).",
                              key=("no-sg", vpc.res.urn))
            else:
                yield Finding(sgs[0].res.anchor, f"security group(s) {', '.join(sg.res.label for sg in sgs)} of Interface "
                              f"endpoint(s) {names} do not allow TCP 443 from node subnets {', '.join(bad)} of cluster "
                              f"{c.res.name}; add an ingress rule for TCP 443 from the node subnets' CIDRs, the VPC "
                              "CIDR, or the node/cluster security group.", key=key)


FAILING_EXAMPLE = """\
endpoint_sg = aws.ec2.SecurityGroup("endpoints", vpc_id=vpc.id, ingress=[
    {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["10.0.0.0/16"]}])
"""
PASSING_EXAMPLE = """\
endpoint_sg = aws.ec2.SecurityGroup("endpoints", vpc_id=vpc.id, ingress=[
    {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_blocks": ["10.0.0.0/16"]}])
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-008",
    resolution="Allow TCP 443 into the Interface endpoints' security group from the node subnets' CIDRs, the VPC CIDR, or the node/cluster security group.",
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Functional (nodes cannot reach the endpoints). Where nodes without internet egress need PrivateLink (see eks-isolated-nodes-privatelink): "
                "the security groups of the VPC's Interface endpoints allow TCP 443 from those node subnets (their "
                "CIDRs, a covering CIDR such as the VPC's, or the node/cluster security group).",
    source="Amazon EKS User Guide, private-clusters (endpoint security group must allow HTTPS from the nodes); "
           "terraform-aws-eks issue 3113.",
    check=check)
