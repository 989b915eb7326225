"""eks-private-endpoint-no-node-public-ip: with the private endpoint on, nodes do not ask for a public IP."""
from __future__ import annotations

from .base import Finding, Rule, undecided

NAME = "eks-private-endpoint-no-node-public-ip"


def check(model, cfg):
    for c in model.clusters.values():
        if c.private is False:
            continue
        for ng in c.node_groups:
            if ng.is_fargate or ng.public_ip is False:
                continue
            if ng.public_ip is True and c.private is True:
                yield Finding(ng.res.urn, f"node group {ng.label} of cluster {c.res.name} (private endpoint on) asks for "
                              f"a public IP through {ng.public_ip_source}; set it to false "
                              "(associatePublicIpAddress / nodeAssociatePublicIpAddress = false): with the private "
                              "endpoint the nodes need no public address.")
            else:
                yield undecided(ng.res.urn, NAME, f"whether node group {ng.label} asks for a public IP "
                                f"({ng.public_ip_source or 'launch template'}) or the private endpoint is on is unknown.")


FAILING_EXAMPLE = """\
aws.ec2.LaunchTemplate("nodes", network_interfaces=[{"associate_public_ip_address": "true"}])
"""
PASSING_EXAMPLE = """\
aws.ec2.LaunchTemplate("nodes", network_interfaces=[{"associate_public_ip_address": "false"}])
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-005",
    resolution="Remove associatePublicIpAddress from the node launch template's network interfaces (or set it to false); with pulumi-eks set nodeAssociatePublicIpAddress=False.",
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Posture (nodes work with a public IP, but this pack allows none). Private endpoint on: no node launch template or pulumi-eks node input asks for a public IP "
                "(associatePublicIpAddress / nodeAssociatePublicIpAddress true or \"true\").",
    source="Amazon EKS User Guide, cluster-endpoint and managed-node-groups; pulumi-eks NodeGroupV2 defaults "
           "nodeAssociatePublicIpAddress to true (read from its source); Checkov CKV_AWS_88 (launch template public IP).",
    check=check)
