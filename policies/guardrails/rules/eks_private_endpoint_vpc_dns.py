"""eks-private-endpoint-vpc-dns: with the private endpoint on, the VPC has DNS support and hostnames."""
from __future__ import annotations

from ..model.entities import Vpc
from ..model.values import UNKNOWN
from .base import Finding, Rule, undecided

NAME = "eks-private-endpoint-vpc-dns"


def check(model, cfg):
    by_vpc = {}
    for c in model.clusters.values():
        if c.private is False:
            continue
        if not isinstance(c.vpc, Vpc):
            yield undecided(c.res.urn, NAME, f"the VPC of cluster {c.res.label} cannot be resolved.")
            continue
        by_vpc.setdefault(c.vpc.res.urn, (c.vpc, []))[1].append(c)
    for vpc, cs in by_vpc.values():
        off = [k for k, v in (("enableDnsSupport", vpc.dns_support), ("enableDnsHostnames", vpc.dns_hostnames)) if v is False]
        unk = [k for k, v in (("enableDnsSupport", vpc.dns_support), ("enableDnsHostnames", vpc.dns_hostnames)) if v is UNKNOWN]
        names = ", ".join(c.res.name for c in cs)
        definite = any(c.private is True for c in cs)
        if off and definite:
            yield Finding(vpc.res.urn, f"VPC {vpc.res.label} hosts cluster(s) {names} with the private endpoint on but "
                          f"has {' and '.join(k + ' = false' for k in off)}; set enableDnsSupport and "
                          "enableDnsHostnames to true, otherwise nodes cannot resolve the private endpoint and never join.")
        elif off or unk:
            yield undecided(vpc.res.urn, NAME, f"DNS settings of VPC {vpc.res.label} or the endpoint flags of {names} are unknown.")


FAILING_EXAMPLE = """\
aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", enable_dns_hostnames=False)
"""
PASSING_EXAMPLE = """\
aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-006",
    resolution="Set enableDnsSupport and enableDnsHostnames to true on the cluster's VPC.",
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Functional (nodes cannot resolve the private endpoint and never join). Private endpoint on: the cluster's VPC has enableDnsSupport and enableDnsHostnames true.",
    source="Amazon EKS User Guide, cluster-endpoint and network-reqs (DNS hostnames and resolution required for the "
           "private endpoint).",
    check=check)
