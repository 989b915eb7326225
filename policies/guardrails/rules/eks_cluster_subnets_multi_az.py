"""eks-cluster-subnets-multi-az: a cluster's subnets span at least two Availability Zones."""
from __future__ import annotations

from .base import Finding, Rule, undecided

NAME = "eks-cluster-subnets-multi-az"


def check(model, cfg):
    for c in model.clusters.values():
        label = c.res.label
        if not c.subnets_complete:
            yield undecided(c.res.urn, NAME, f"the subnets of cluster {label} cannot be resolved to subnets of this "
                            f"stack: {c.subnets_why or 'unknown'}.")
            continue
        azs = {s.az for s in c.subnets if isinstance(s.az, str)}
        unknown = [s for s in c.subnets if not isinstance(s.az, str)]
        if len(azs) >= 2:
            continue
        if unknown:
            yield undecided(c.res.urn, NAME, f"the Availability Zones of subnets "
                            f"{', '.join(s.res.label for s in unknown)} of cluster {label} are unknown.")
            continue
        where = f"only {next(iter(azs))}" if azs else "no subnet at all"
        yield Finding(c.res.urn, f"cluster {label} has subnets in {where} "
                      f"({', '.join(s.res.name for s in c.subnets) or 'none'}); EKS requires subnets in at least two "
                      "Availability Zones: add a subnet in a second AZ to the cluster's subnetIds.")


FAILING_EXAMPLE = """\
a = aws.ec2.Subnet("a", vpc_id=vpc.id, cidr_block="10.0.0.0/20", availability_zone="eu-west-1a")
b = aws.ec2.Subnet("b", vpc_id=vpc.id, cidr_block="10.0.16.0/20", availability_zone="eu-west-1a")
aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={"subnet_ids": [a.id, b.id]})
"""
PASSING_EXAMPLE = """\
a = aws.ec2.Subnet("a", vpc_id=vpc.id, cidr_block="10.0.0.0/20", availability_zone="eu-west-1a")
b = aws.ec2.Subnet("b", vpc_id=vpc.id, cidr_block="10.0.16.0/20", availability_zone="eu-west-1b")
aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={"subnet_ids": [a.id, b.id]})
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-002",
    resolution='Give the cluster subnets in at least two Availability Zones (one per AZ of the VPC layout).',
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Functional (EKS refuses the cluster). A cluster's subnets span at least two Availability Zones.",
    source="Amazon EKS User Guide, network-reqs (subnets in at least two AZs); eksctl 'insufficient number of subnets'.",
    check=check)
