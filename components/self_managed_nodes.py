"""Self-managed nodes: a launch template and an Auto Scaling group with a mixed-instances policy
(``mixed_instances.py``), whatever the number of instance types and the capacity type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from .iam import node_role
from .mixed_instances import MixedInstancesArgs, MixedInstancesNodeGroup
from .node_capacity import NodeCapacity


@dataclass(frozen=True)
class SelfManagedNodesArgs:
    """Inputs of ``SelfManagedNodes``.

    - ``cluster`` / ``cluster_name``: the pulumi-eks cluster and its name (for the access entry).
    - ``subnet_ids``: node subnets (an Output that may carry a dependency on PrivateLink).
    - ``associate_public_ip_address``: only ``True`` in ``public`` mode, where nodes sit in public
      subnets; always set explicitly on the launch template.
    - ``instance_types``, ``capacity``: instance types (one architecture) and group sizes / disk.
    - ``partition``: AWS partition for managed-policy ARNs.
    - ``ami_id``: the pinned EKS-optimized AMI (an SSM parameter of one AMI release), so an unrelated
      ``pulumi up`` never rolls the nodes onto a newer image.
    - ``tags``: the stack's tags, put on the Auto Scaling group (propagated at launch) and, through the
      launch template, on the instances, volumes and ENIs.
    - ``capacity_type``: ``on-demand`` or ``spot``.
    - ``cluster_name_value``: the cluster name as plain text (bootstrap data, Auto Scaling group tags).
    - ``session_manager``: attach ``AmazonSSMManagedInstanceCore`` to the node role (where SSM is reachable).
    """

    cluster: eks.Cluster
    cluster_name: pulumi.Input[str]
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    associate_public_ip_address: bool
    instance_types: Sequence[str]
    capacity: NodeCapacity
    partition: str
    ami_id: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)
    capacity_type: str = "on-demand"
    cluster_name_value: str = ""
    session_manager: bool = False


class SelfManagedNodes(pulumi.ComponentResource):
    """A launch template and Auto Scaling group of ours (EKS-optimized AL2023 AMI, IMDSv2 with hop limit 1,
    rolling instance refresh, Cluster Autoscaler discovery tags; ``mixed_instances.py``) with an instance
    profile, and the ``EC2_LINUX`` access entry for the node role ARN that authentication mode ``API``
    requires (the role ARN, not the instance-profile ARN; EKS User Guide, access-entries)."""

    role: aws.iam.Role
    instance_profile: aws.iam.InstanceProfile
    access_entry: aws.eks.AccessEntry
    node_group: MixedInstancesNodeGroup

    def __init__(self, name: str, args: SelfManagedNodesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:nodes:SelfManagedNodes", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role, attachments = node_role(f"{name}-node", args.partition, self, args.session_manager)
        self.instance_profile = aws.iam.InstanceProfile(f"{name}-node", role=self.role.name, opts=child)
        self.access_entry = aws.eks.AccessEntry(
            f"{name}-node",
            cluster_name=args.cluster_name,
            principal_arn=self.role.arn,
            type="EC2_LINUX",
            opts=child,
        )
        # Nodes that boot before their access entry or their role's policies exist are refused and never
        # retry joining.
        boot_after = [self.access_entry, *attachments]
        self.node_group = MixedInstancesNodeGroup(
            name,
            MixedInstancesArgs(
                cluster=args.cluster,
                cluster_name=args.cluster_name_value,
                instance_profile=self.instance_profile,
                subnet_ids=args.subnet_ids,
                associate_public_ip_address=args.associate_public_ip_address,
                instance_types=args.instance_types,
                capacity_type=args.capacity_type,
                capacity=args.capacity,
                ami_id=args.ami_id,
                tags=args.tags,
                boot_after=boot_after,
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})
