"""eks-endpoint-access-enabled: a cluster enables the public or the private endpoint (or both)."""
from __future__ import annotations

from ..model import types as T
from ..model.entities import Res, endpoint_access
from ..model.values import UNKNOWN
from .base import Finding, Rule, undecided

NAME = "eks-endpoint-access-enabled"


def _judge(res: Res, public, private):
    if public is False and private is False:
        yield Finding(res.urn, f"cluster {res.label} turns off both the public and the private API endpoint, so "
                               "nothing (not even its nodes) can reach the Kubernetes API; set endpointPrivateAccess "
                               "(and/or endpointPublicAccess) to true.")
    elif (public is UNKNOWN and private is not True) or (private is UNKNOWN and public is not True):
        yield undecided(res.urn, NAME, f"the endpoint flags of cluster {res.label} are unknown.")


def check_resource(res: Res, cfg):
    if res.type == T.EKS_CLUSTER and "eks:index:Cluster$" in res.urn:
        return  # judged on the pulumi-eks component that owns it
    public, private, _ = endpoint_access(res)
    yield from _judge(res, public, private)


def check(model, cfg):
    for c in model.clusters.values():
        yield from _judge(c.res, c.public, c.private)


FAILING_EXAMPLE = """\
aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={
    "subnet_ids": subnet_ids,
    "endpoint_public_access": False,
    "endpoint_private_access": False,   # nothing can reach the API
})
"""
PASSING_EXAMPLE = """\
aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={
    "subnet_ids": subnet_ids,
    "endpoint_public_access": False,
    "endpoint_private_access": True,
})
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-001",
    resolution="Set endpointPrivateAccess (private and public-private modes) and/or endpointPublicAccess (public and public-private modes) to true in the cluster's vpcConfig.",
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Functional (EKS refuses the cluster). A cluster enables the public or the private API endpoint (or both).",
    source="Amazon EKS User Guide, cluster-endpoint; eksctl: 'Kubernetes API access must have one of public or "
           "private clusterEndpoints enabled'.",
    check=check, resource_types=(T.EKS_CLUSTER, T.C_CLUSTER), check_resource=check_resource)
