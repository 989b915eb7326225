"""Self-managed nodes: a launch template and an Auto Scaling group, built by pulumi-eks NodeGroupV2 for one
On-Demand instance type, or with a mixed-instances policy (``mixed_instances.py``) for several types or Spot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from .iam import node_role
from .mixed_instances import MixedInstancesArgs, MixedInstancesNodeGroup
from .node_capacity import NodeCapacity
from .node_launch import tag_specifications


@dataclass(frozen=True)
class SelfManagedNodesArgs:
    """Inputs of ``SelfManagedNodes``.

    - ``cluster`` / ``cluster_name``: the pulumi-eks cluster and its name (for the access entry).
    - ``subnet_ids``: node subnets (an Output that may carry a dependency on PrivateLink).
    - ``associate_public_ip_address``: only ``True`` in ``public`` mode, where nodes sit in public
      subnets; pulumi-eks defaults it to true, so it is always set explicitly.
    - ``instance_types``, ``capacity``: instance types (one architecture) and group sizes / disk.
    - ``partition``: AWS partition for managed-policy ARNs.
    - ``ami_id``: the pinned EKS-optimized AMI (an SSM parameter of one AMI release), so an unrelated
      ``pulumi up`` never rolls the nodes onto a newer image.
    - ``tags``: the stack's tags, put on the Auto Scaling group (propagated at launch) and, through the
      launch template, on the instances, volumes and ENIs.
    - ``capacity_type``: ``on-demand`` or ``spot``.
    - ``cluster_name_value``: the cluster name as plain text (bootstrap data of the mixed-instances group).
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

    @property
    def mixed_instances(self) -> bool:
        """Several instance types or Spot need a mixed-instances policy; one On-Demand type keeps NodeGroupV2."""
        return len(self.instance_types) > 1 or self.capacity_type == "spot"


class SelfManagedNodes(pulumi.ComponentResource):
    """An ``eks:index:NodeGroupV2`` (EKS-optimized AL2023 AMI) with an instance profile, and the
    ``EC2_LINUX`` access entry for the node role ARN that authentication mode ``API`` requires
    (the role ARN, not the instance-profile ARN; EKS User Guide, access-entries).

    Instance metadata: pulumi-eks 4.4.0 does not expose ``metadataOptions`` on ``NodeGroupV2`` (its
    schema has no such input; ``nodegroup.ts`` passes an internal ``metadataOptions`` only), so the
    launch template carries none and the AL2023 AMI's own setting applies (``ImdsSupport: v2.0``: tokens
    required, hop limit 2). Hop limit 1 is enforced for managed nodes and the mixed-instances group (whose
    launch template is ours); see the README."""

    role: aws.iam.Role
    instance_profile: aws.iam.InstanceProfile
    access_entry: aws.eks.AccessEntry
    node_group: Union[eks.NodeGroupV2, MixedInstancesNodeGroup]

    def __init__(self, name: str, args: SelfManagedNodesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:nodes:SelfManagedNodes", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.role, attachments = node_role(f"{name}-node", args.partition, self)
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
        if args.mixed_instances:
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
        else:
            self.node_group = self._node_group_v2(name, args, boot_after)
        self.register_outputs({})

    def _node_group_v2(self, name: str, args: SelfManagedNodesArgs, boot_after: list) -> eks.NodeGroupV2:
        return eks.NodeGroupV2(
            name,
            cluster=args.cluster,
            instance_profile=self.instance_profile,
            node_subnet_ids=args.subnet_ids,
            node_associate_public_ip_address=args.associate_public_ip_address,
            instance_type=args.instance_types[0],
            ami_id=args.ami_id,
            min_size=args.capacity.min_size,
            desired_capacity=args.capacity.desired_size,
            max_size=args.capacity.max_size,
            ignore_scaling_changes=True,
            node_root_volume_size=args.capacity.disk_size_gib,
            node_root_volume_encrypted=True,
            operating_system=eks.OperatingSystem.AL2023,
            # pulumi-eks writes these as ASG tags with propagateAtLaunch (nodegroup.ts, tagsToAsgTags).
            auto_scaling_group_tags=dict(args.tags),
            launch_template_tag_specifications=tag_specifications(args.tags),
            # Nodes that boot before their access entry or their role's policies exist are refused and
            # never retry joining.
            opts=pulumi.ResourceOptions(parent=self, depends_on=boot_after),
        )
