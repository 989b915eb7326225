"""IAM roles the data planes need (EKS User Guide: create-node-role, pod-execution-role)."""

from __future__ import annotations

import json
from typing import Sequence

import pulumi
import pulumi_aws as aws

NODE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    # Session Manager instead of SSH (needs the ssm/ssmmessages/ec2messages endpoints in a private VPC).
    "AmazonSSMManagedInstanceCore",
)

FARGATE_POLICIES = ("AmazonEKSFargatePodExecutionRolePolicy",)


def _managed_policy_arn(partition: str, policy: str) -> str:
    return f"arn:{partition}:iam::aws:policy/{policy}"


def _role_with_policies(
    name: str, trust: dict, policies: Sequence[str], partition: str, parent: pulumi.Resource
) -> aws.iam.Role:
    role = aws.iam.Role(
        name, assume_role_policy=json.dumps(trust), opts=pulumi.ResourceOptions(parent=parent)
    )
    for policy in policies:
        aws.iam.RolePolicyAttachment(
            f"{name}-{policy}",
            role=role.name,
            policy_arn=_managed_policy_arn(partition, policy),
            opts=pulumi.ResourceOptions(parent=parent),
        )
    return role


def node_role(name: str, partition: str, parent: pulumi.Resource) -> aws.iam.Role:
    """The role EC2 nodes assume: join the cluster, run the VPC CNI, pull from ECR."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    return _role_with_policies(name, trust, NODE_POLICIES, partition, parent)


def fargate_pod_execution_role(
    name: str, partition: str, region: str, account_id: str, cluster_name: str, parent: pulumi.Resource
) -> aws.iam.Role:
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
