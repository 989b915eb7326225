"""Managed node groups: EKS creates and drains the Auto Scaling group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from .iam import node_role
from .node_capacity import NodeCapacity


@dataclass(frozen=True)
class ManagedNodesArgs:
    """Inputs of ``ManagedNodes``.

    - ``cluster``: the pulumi-eks cluster.
    - ``subnet_ids``: node subnets (an Output that may carry a dependency on PrivateLink).
    - ``instance_types``, ``capacity``: instance types and group sizes / disk.
    - ``partition``: AWS partition for managed-policy ARNs.
    """

    cluster: eks.Cluster
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    instance_types: Sequence[str]
    capacity: NodeCapacity
    partition: str


class ManagedNodes(pulumi.ComponentResource):
    """An ``eks:index:ManagedNodeGroup`` with its node role and IMDSv2 required.

    With authentication mode ``API`` EKS creates the node role's ``EC2_LINUX`` access entry itself
    for managed node groups. Public IPs come only from the subnets' ``MapPublicIpOnLaunch``
    (EKS User Guide, managed-node-groups)."""

    role: aws.iam.Role
    node_group: eks.ManagedNodeGroup

    def __init__(self, name: str, args: ManagedNodesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:nodes:ManagedNodes", name, None, opts)
        self.role = node_role(f"{name}-node", args.partition, self)
        self.node_group = eks.ManagedNodeGroup(
            name,
            cluster=args.cluster,
            node_role=self.role,
            subnet_ids=args.subnet_ids,
            instance_types=list(args.instance_types),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=args.capacity.min_size,
                desired_size=args.capacity.desired_size,
                max_size=args.capacity.max_size,
            ),
            disk_size=args.capacity.disk_size_gib,
            # httpTokens=required, hop limit 2 (pods behind the VPC CNI still reach IMDS).
            enable_imd_sv2=True,
            operating_system=eks.OperatingSystem.AL2023,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})
