"""eks-fargate-private-subnets: Fargate profile subnets are private (no IGW route, no public IP mapping)."""
from __future__ import annotations

from .base import Finding, Rule, undecided
from .subnet_facts import public_subnets

NAME = "eks-fargate-private-subnets"


def check(model, cfg):
    for ng in model.node_groups:
        if not ng.is_fargate:
            continue
        if not ng.subnets_complete:
            yield undecided(ng.res.anchor, NAME, f"the subnets of Fargate profile {ng.label} cannot be resolved: "
                            f"{ng.subnets_why or 'unknown'}.")
        bad, unsure = public_subnets(ng.subnets)
        if bad and not ng.subnets_exact and len(bad) < len(ng.subnets):
            yield undecided(ng.res.anchor, NAME, f"Fargate profile {ng.label} may use public subnets "
                            f"({'; '.join(bad)}): {ng.subnets_why}.")
        elif bad:
            yield Finding(ng.res.urn, f"Fargate profile {ng.label} uses public subnets: {'; '.join(bad)}. Fargate "
                          "accepts only private subnets: use subnets whose route table sends 0.0.0.0/0 to a NAT "
                          "gateway (or nowhere) and that do not map public IPs on launch.")
        elif unsure:
            yield undecided(ng.res.urn, NAME, f"whether subnets {', '.join(unsure)} of Fargate profile {ng.label} "
                            "route to an internet gateway or map public IPs is unknown.")


FAILING_EXAMPLE = """\
aws.eks.FargateProfile("apps", cluster_name=cluster.name, pod_execution_role_arn=role.arn,
                       subnet_ids=[public_subnet.id], selectors=[{"namespace": "default"}])
"""
PASSING_EXAMPLE = """\
aws.eks.FargateProfile("apps", cluster_name=cluster.name, pod_execution_role_arn=role.arn,
                       subnet_ids=[private_subnet.id], selectors=[{"namespace": "default"}])
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-010",
    resolution='Give the Fargate profile private subnets only: no default route to an internet gateway, mapPublicIpOnLaunch false.',
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Functional (EKS refuses the profile). Fargate profile subnets have no default route to an internet gateway and do not map public IPs.",
    source="AWS Fargate profile docs and CreateFargateProfile API: only private subnets with no direct route to an "
           "internet gateway are accepted.",
    check=check)
