"""Fargate: pods run on AWS-managed capacity in private subnets."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from .iam import fargate_pod_execution_role


@dataclass(frozen=True)
class FargateArgs:
    """Inputs of ``Fargate``.

    - ``cluster_name``: the cluster (an Output carrying the dependency on it) and
      ``cluster_name_value``, the same name as plain text for the role's trust condition.
    - ``subnet_ids``: **private** subnets only: CreateFargateProfile refuses subnets with a route to
      an internet gateway (AWS Fargate profile docs).
    - ``namespaces``: one selector per namespace (at most five per profile).
    - ``partition``, ``region``, ``account_id``: for ARNs.
    """

    cluster_name: pulumi.Input[str]
    cluster_name_value: str
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    namespaces: Sequence[str]
    partition: str
    region: str
    account_id: str


class Fargate(pulumi.ComponentResource):
    """A Fargate profile with its pod execution role; when ``kube-system`` runs on Fargate, the CoreDNS
    add-on is configured with ``computeType: Fargate`` (otherwise CoreDNS stays Pending: EKS annotates
    it for EC2)."""

    pod_execution_role: aws.iam.Role
    profile: aws.eks.FargateProfile
    coredns: Optional[aws.eks.Addon]

    def __init__(self, name: str, args: FargateArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:fargate:Fargate", name, None, opts)
        self.pod_execution_role = fargate_pod_execution_role(
            f"{name}-pods", args.partition, args.region, args.account_id, args.cluster_name_value, self
        )
        self.profile = aws.eks.FargateProfile(
            name,
            cluster_name=args.cluster_name,
            pod_execution_role_arn=self.pod_execution_role.arn,
            subnet_ids=args.subnet_ids,
            selectors=[aws.eks.FargateProfileSelectorArgs(namespace=ns) for ns in args.namespaces],
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.coredns = None
        if "kube-system" in args.namespaces:
            self.coredns = aws.eks.Addon(
                f"{name}-coredns",
                cluster_name=args.cluster_name,
                addon_name="coredns",
                configuration_values=json.dumps({"computeType": "Fargate"}),
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.profile]),
            )
        self.register_outputs({})
