"""Fargate: pods run on AWS-managed capacity in private subnets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from .coredns import managed_coredns
from .iam import fargate_pod_execution_role

# CreateFargateProfile refuses names starting with the reserved prefix `eks-` ("InvalidParameterException:
# The fargate profile name starts with the reserved prefix: 'eks-'", pulumi/pulumi-eks#426). Left unset,
# pulumi-aws would auto-name the profile `<resource name>-<7 hex>` = `eks-…` here. The name is also kept a
# DNS label (at most 63 characters: EKS Blueprints' FargateProfileConstraints). A fixed name is enough:
# profile names are unique per cluster only, and a profile cannot be updated in place anyway.
FARGATE_PROFILE_NAME = "fargate-pods"


@dataclass(frozen=True)
class FargateArgs:
    """Inputs of ``Fargate``.

    - ``cluster_name``: the cluster (an Output carrying the dependency on it) and
      ``cluster_name_value``, the same name as plain text for the role's trust condition.
    - ``subnet_ids``: **private** subnets only: CreateFargateProfile refuses subnets with a route to
      an internet gateway (AWS Fargate profile docs).
    - ``namespaces``: one selector per namespace (at most five per profile).
    - ``partition``, ``region``, ``account_id``: for ARNs.
    - ``coredns_version``: the pinned CoreDNS add-on version.
    """

    cluster_name: pulumi.Input[str]
    cluster_name_value: str
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    namespaces: Sequence[str]
    partition: str
    region: str
    account_id: str
    coredns_version: str


class Fargate(pulumi.ComponentResource):
    """A Fargate profile with its pod execution role; when ``kube-system`` runs on Fargate, the CoreDNS
    add-on is configured with ``computeType: Fargate`` (otherwise CoreDNS stays Pending: EKS annotates
    it for EC2)."""

    pod_execution_role: aws.iam.Role
    profile: aws.eks.FargateProfile
    coredns: Optional[aws.eks.Addon]

    def __init__(self, name: str, args: FargateArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:fargate:Fargate", name, None, opts)
        self.pod_execution_role, attachments = fargate_pod_execution_role(
            f"{name}-pods", args.partition, args.region, args.account_id, args.cluster_name_value, self
        )
        self.profile = aws.eks.FargateProfile(
            name,
            fargate_profile_name=FARGATE_PROFILE_NAME,
            cluster_name=args.cluster_name,
            pod_execution_role_arn=self.pod_execution_role.arn,
            subnet_ids=args.subnet_ids,
            selectors=[aws.eks.FargateProfileSelectorArgs(namespace=ns) for ns in args.namespaces],
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
        self.coredns = None
        if "kube-system" in args.namespaces:
            self.coredns = managed_coredns(
                name, args.cluster_name, args.coredns_version, [self.profile], self, fargate=True
            )
        self.register_outputs({})
