"""EKS Auto Mode: AWS launches, scales and patches the nodes (built-in node pools), and runs load
balancing, block storage, pod networking, cluster DNS and the Pod Identity agent itself (EKS User Guide,
automode)."""

from __future__ import annotations

import json
from typing import Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

# The built-in node pools (EKS User Guide, set-builtin-node-pools): `system` (CriticalAddonsOnly taint)
# and `general-purpose`, both on the default NodeClass.
BUILT_IN_NODE_POOLS: tuple[str, ...] = ("general-purpose", "system")

# The node role of the EKS User Guide's Auto Mode set-up (create-auto, auto-learn-iam) and of pulumi-eks
# (`nodejs/eks/cluster/cluster.ts`, createNodeRole).
AUTO_MODE_NODE_POLICIES: tuple[str, ...] = ("AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly")


def auto_mode_node_role(name: str, partition: str, parent: pulumi.Resource) -> tuple[aws.iam.Role, pulumi.Output[str]]:
    """The role Auto Mode gives its EC2 managed instances. Built here rather than by pulumi-eks
    (``createNodeRole``) so it is a visible, tagged resource of the stack; EKS creates its access entry
    (type EC2, AmazonEKSAutoNodePolicy) when the cluster is created (EKS User Guide, create-node-class).

    Returns the role and its ARN as an Output that also depends on the policy attachments, so the
    cluster that takes it (and every node it launches) comes after them."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    child = pulumi.ResourceOptions(parent=parent)
    role = aws.iam.Role(name, assume_role_policy=json.dumps(trust), opts=child)
    attachments = [
        aws.iam.RolePolicyAttachment(
            f"{name}-{policy}",
            role=role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/{policy}",
            opts=child,
        )
        for policy in AUTO_MODE_NODE_POLICIES
    ]
    return role, pulumi.Output.all(role.arn, *[a.id for a in attachments]).apply(lambda values: values[0])


def auto_mode_options(
    node_role_arn: pulumi.Input[str], node_pools: Sequence[str] = BUILT_IN_NODE_POOLS
) -> eks.AutoModeOptionsArgs:
    """pulumi-eks's Auto Mode input: with it the cluster gets ``computeConfig`` (enabled, node pools,
    node role), ``storageConfig.blockStorage`` and ``kubernetesNetworkConfig.elasticLoadBalancing``
    enabled, the compute/block-storage/load-balancing/networking policies on the cluster role, and
    no vpc-cni or kube-proxy add-on (``nodejs/eks/cluster/cluster.ts``)."""
    return eks.AutoModeOptionsArgs(
        enabled=True,
        create_node_role=False,
        compute_config=aws.eks.ClusterComputeConfigArgs(
            enabled=True, node_pools=list(node_pools), node_role_arn=node_role_arn
        ),
    )
