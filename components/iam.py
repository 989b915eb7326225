"""IAM roles the data planes need (EKS User Guide: create-node-role, pod-execution-role)."""

from __future__ import annotations

import json
from typing import NamedTuple, Sequence

import pulumi
import pulumi_aws as aws

NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)
# Session Manager instead of SSH: only where the SSM agent can reach SSM (StackSettings.session_manager).
SESSION_MANAGER_POLICY = "AmazonSSMManagedInstanceCore"

FARGATE_POLICIES = ("AmazonEKSFargatePodExecutionRolePolicy",)


class RoleWithPolicies(NamedTuple):
    """A role and its managed-policy attachments. Whatever uses the role depends on the attachments too,
    not only on the role ARN: otherwise nodes can start before their permissions exist, and on destroy
    the attachments can go while the node group or Fargate profile still runs."""

    role: aws.iam.Role
    attachments: list[aws.iam.RolePolicyAttachment]


def _managed_policy_arn(partition: str, policy: str) -> str:
    return f"arn:{partition}:iam::aws:policy/{policy}"


def _role_with_policies(
    name: str, trust: dict, policies: Sequence[str], partition: str, parent: pulumi.Resource
) -> RoleWithPolicies:
    # Auto-named `<name>-<7 hex>`: IAM role names are at most 64 characters (IAM quotas), so `name`
    # stays short (the callers pass `<component>-node` / `<component>-pods`).
    role = aws.iam.Role(
        name, assume_role_policy=json.dumps(trust), opts=pulumi.ResourceOptions(parent=parent)
    )
    attachments = [
        aws.iam.RolePolicyAttachment(
            f"{name}-{policy}",
            role=role.name,
            policy_arn=_managed_policy_arn(partition, policy),
            opts=pulumi.ResourceOptions(parent=parent),
        )
        for policy in policies
    ]
    return RoleWithPolicies(role, attachments)


def node_role(name: str, partition: str, parent: pulumi.Resource, session_manager: bool = False) -> RoleWithPolicies:
    """The role EC2 nodes assume: join the cluster, run the VPC CNI, pull from ECR; with ``session_manager``
    also ``AmazonSSMManagedInstanceCore`` (the SSM agent registers the node for Session Manager)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    policies = (*NODE_POLICIES, SESSION_MANAGER_POLICY) if session_manager else NODE_POLICIES
    return _role_with_policies(name, trust, policies, partition, parent)


def fargate_pod_execution_role(
    name: str, partition: str, region: str, account_id: str, cluster_name: str, parent: pulumi.Resource
) -> RoleWithPolicies:
    """The pod execution role trusted by ``eks-fargate-pods.amazonaws.com``, limited to this cluster's
    Fargate profiles by ``aws:SourceArn`` (confused-deputy protection, EKS User Guide)."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "eks-fargate-pods.amazonaws.com"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "ArnLike": {
                        "aws:SourceArn": f"arn:{partition}:eks:{region}:{account_id}:fargateprofile/{cluster_name}/*"
                    }
                },
            }
        ],
    }
    return _role_with_policies(name, trust, FARGATE_POLICIES, partition, parent)
