"""eks-private-endpoint-node-subnets: with the private endpoint on, node subnets are private."""
from __future__ import annotations

from ..model.values import UNKNOWN
from .base import Finding, Rule, undecided
from .subnet_facts import public_subnets

NAME = "eks-private-endpoint-node-subnets"


def check(model, cfg):
    for c in model.clusters.values():
        if c.private is False:
            continue
        for ng in c.node_groups:
            if ng.is_fargate:
                continue  # eks-fargate-private-subnets
            if not ng.subnets_complete:
                yield undecided(ng.res.urn, NAME, f"the subnets of node group {ng.label} cannot be resolved.")
            bad, unsure = public_subnets(ng.subnets)
            if bad and c.private is True:
                yield Finding(ng.res.urn, f"node group {ng.label} of cluster {c.res.name} (private endpoint on) runs in "
                              f"public subnets: {'; '.join(bad)}. Put the nodes in private subnets "
                              "(mapPublicIpOnLaunch = false, default route to a NAT gateway or none) so they reach "
                              "the API through the private endpoint.")
            elif bad or unsure:
                what = "whether the cluster's private endpoint is on" if c.private is UNKNOWN else \
                    f"whether subnets {', '.join(unsure)} map public IPs or route to an internet gateway"
                yield undecided(ng.res.urn, NAME, f"{what} (node group {ng.label}) is unknown.")


RULE = Rule(
    name=NAME,
    requirement="Private endpoint on: node subnets do not map public IPs on launch and have no default route to an "
                "internet gateway.",
    source="Amazon EKS User Guide, cluster-endpoint and network-reqs (public-private and private modes run nodes in "
           "private subnets).",
    check=check)
