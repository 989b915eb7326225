"""EKS add-ons beside EC2 node groups: the Pod Identity agent, the EBS CSI driver, and the VPC CNI's
IAM role through Pod Identity (``eks-variants:addons``). Not used with Auto Mode, which has block
storage and the Pod Identity agent built in, nor with Fargate (no EBS volumes, no DaemonSets)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from stack_config.kubernetes_versions import pins_for

POD_IDENTITY_AGENT = "eks-pod-identity-agent"
EBS_CSI_DRIVER = "aws-ebs-csi-driver"

# The service accounts the add-ons run as (EKS User Guide, ebs-csi; cni-iam-role).
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"
VPC_CNI_SERVICE_ACCOUNT = "aws-node"


@dataclass(frozen=True)
class AddonsArgs:
    """Inputs of ``Addons``.

    - ``cluster_name``: the cluster (an Output carrying the dependency on it).
    - ``kubernetes_version``: picks the pinned add-on versions.
    - ``pod_identity_agent`` / ``ebs_csi_driver``: which add-ons to install (the EBS CSI driver and the
      CNI role need the agent; stack_config checks).
    - ``partition``: for managed-policy ARNs.
    - ``nodes``: the node group component; add-ons wait for it, as EKS reports an add-on ACTIVE only
      once its pods run.
    """

    cluster_name: pulumi.Input[str]
    kubernetes_version: str
    pod_identity_agent: bool
    ebs_csi_driver: bool
    partition: str
    nodes: Sequence[pulumi.Resource] = ()


def pod_identity_role(name: str, policy: str, partition: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """A role EKS Pod Identity can hand to a service account: trusted by ``pods.eks.amazonaws.com`` for
    ``sts:AssumeRole`` and ``sts:TagSession`` (EKS User Guide, pod-id-role), with one AWS-managed policy.
    Returns its ARN as an Output that also depends on the policy attachment, so whatever takes it comes
    after the permissions."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "pods.eks.amazonaws.com"},
             "Action": ["sts:AssumeRole", "sts:TagSession"]}
        ],
    }
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(name, assume_role_policy=json.dumps(trust), opts=child)
    attachment = aws.iam.RolePolicyAttachment(
        f"{name}-{policy}", role=role.name, policy_arn=f"arn:{partition}:iam::aws:policy/{policy}", opts=child
    )
    return pulumi.Output.all(role.arn, attachment.id).apply(lambda values: values[0])


class Addons(pulumi.ComponentResource):
    """The Pod Identity agent add-on; the EBS CSI driver add-on whose controller gets
    ``AmazonEBSCSIDriverPolicy`` through a Pod Identity association; and a Pod Identity association giving
    the VPC CNI (``kube-system/aws-node``) ``AmazonEKS_CNI_Policy`` (EKS User Guide, cni-iam-role)."""

    pod_identity_agent: Optional[aws.eks.Addon]
    ebs_csi_driver: Optional[aws.eks.Addon]
    vpc_cni_association: Optional[aws.eks.PodIdentityAssociation]

    def __init__(self, name: str, args: AddonsArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:addons:Addons", name, None, opts)
        pins = pins_for(args.kubernetes_version)
        after_nodes = pulumi.ResourceOptions(parent=self, depends_on=list(args.nodes))
        self.pod_identity_agent = self.ebs_csi_driver = self.vpc_cni_association = None
        if args.pod_identity_agent:
            self.pod_identity_agent = aws.eks.Addon(
                f"{name}-pod-identity-agent",
                cluster_name=args.cluster_name,
                addon_name=POD_IDENTITY_AGENT,
                addon_version=pins.pod_identity_agent,
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                opts=after_nodes,
            )
            cni_role_arn = pod_identity_role(f"{name}-vpc-cni", "AmazonEKS_CNI_Policy", args.partition, self)
            self.vpc_cni_association = aws.eks.PodIdentityAssociation(
                f"{name}-vpc-cni",
                cluster_name=args.cluster_name,
                namespace="kube-system",
                service_account=VPC_CNI_SERVICE_ACCOUNT,
                role_arn=cni_role_arn,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.pod_identity_agent]),
            )
        if args.ebs_csi_driver:
            ebs_role_arn = pod_identity_role(f"{name}-ebs-csi", "AmazonEBSCSIDriverPolicy", args.partition, self)
            self.ebs_csi_driver = aws.eks.Addon(
                f"{name}-ebs-csi-driver",
                cluster_name=args.cluster_name,
                addon_name=EBS_CSI_DRIVER,
                addon_version=pins.ebs_csi_driver,
                pod_identity_associations=[
                    aws.eks.AddonPodIdentityAssociationArgs(role_arn=ebs_role_arn, service_account=EBS_CSI_SERVICE_ACCOUNT)
                ],
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                opts=pulumi.ResourceOptions(
                    parent=self, depends_on=[*args.nodes, *([self.pod_identity_agent] if self.pod_identity_agent else [])]
                ),
            )
        self.register_outputs({})
