"""eks-private-endpoint-node-subnets (posture): with the private endpoint on, node subnets are private."""
from __future__ import annotations

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
                yield undecided(ng.res.anchor, NAME, f"the subnets of node group {ng.label} cannot be resolved: "
                                f"{ng.subnets_why or 'unknown'}.")
            bad, unsure = public_subnets(ng.subnets)
            decided = ng.subnets_exact or (bad and len(bad) == len(ng.subnets))  # every candidate is public
            if bad and c.private is True and decided:
                yield Finding(ng.res.anchor, f"node group {ng.label} of cluster {c.res.name} (private endpoint on) runs "
                              f"in public subnets: {'; '.join(bad)}. Put the nodes in private subnets "
                              "(mapPublicIpOnLaunch = false, default route to a NAT gateway or none) so they reach "
                              "the API through the private endpoint.")
            elif bad and c.private is True:
                yield undecided(ng.res.anchor, NAME, f"node group {ng.label} may run in public subnets "
                                f"({'; '.join(bad)}): {ng.subnets_why}.")
            elif bad or unsure:
                what = "whether the cluster's private endpoint is on" if c.private is not True else \
                    f"whether subnets {', '.join(unsure)} map public IPs or route to an internet gateway"
                yield undecided(ng.res.anchor, NAME, f"{what} (node group {ng.label}) is unknown.")


FAILING_EXAMPLE = """\
# private endpoint on; node group in a public subnet
aws.eks.NodeGroup("nodes", cluster_name=cluster.name, node_role_arn=role.arn,
                  subnet_ids=[public_subnet.id],   # routes 0.0.0.0/0 to the internet gateway
                  scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3})
"""
PASSING_EXAMPLE = """\
aws.eks.NodeGroup("nodes", cluster_name=cluster.name, node_role_arn=role.arn,
                  subnet_ids=[private_subnet.id],  # routes 0.0.0.0/0 to a NAT gateway
                  scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3})
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-004",
    resolution='Run the nodes in private subnets: mapPublicIpOnLaunch false and a default route to a NAT gateway (or none, with PrivateLink), not to an internet gateway.',
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Posture (nodes work in public subnets, but this pack allows only private ones). Private endpoint on: "
                "node subnets do not map public IPs on launch and have no default route to an internet gateway.",
    source="Amazon EKS User Guide, cluster-endpoint and network-reqs (public-private and private modes run nodes in "
           "private subnets).",
    check=check)
