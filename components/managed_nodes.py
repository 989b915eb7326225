"""Managed node groups: EKS creates and drains the Auto Scaling group."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from .iam import node_role
from .node_capacity import NodeCapacity
from .node_launch import METADATA_OPTIONS, tag_specifications

# EKS CreateNodegroup: nodegroupName is 1-63 characters, letters, digits, `-` and `_`, starting with a
# letter or digit. A prefix (pulumi-aws adds 26 characters) keeps replacements possible: a new group is
# created before the old one is deleted, so a fixed name would collide.
NODE_GROUP_NAME_PREFIX = "nodes-"


@dataclass(frozen=True)
class ManagedNodesArgs:
    """Inputs of ``ManagedNodes``.

    - ``cluster``: the pulumi-eks cluster.
    - ``subnet_ids``: node subnets (an Output that may carry a dependency on PrivateLink).
    - ``instance_types``, ``capacity``: instance types and group sizes / disk.
    - ``partition``: AWS partition for managed-policy ARNs.
    - ``tags``: the stack's tags, put on the instances, volumes and ENIs the group launches.
    - ``capacity_type``: ``on-demand`` or ``spot`` (the node group's ``capacityType``).
    - ``kubernetes_version``: the node group's Kubernetes version, the cluster's: a bump updates the group
      in place, and EKS replaces its nodes with the new version's AMI (EKS User Guide, update-managed-node-group).
    - ``session_manager``: attach ``AmazonSSMManagedInstanceCore`` to the node role (where SSM is reachable).
    """

    cluster: eks.Cluster
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    instance_types: Sequence[str]
    capacity: NodeCapacity
    partition: str
    tags: Mapping[str, str] = field(default_factory=dict)
    capacity_type: str = "on-demand"
    session_manager: bool = False
    kubernetes_version: Optional[str] = None


class ManagedNodes(pulumi.ComponentResource):
    """An ``eks:index:ManagedNodeGroup`` on a launch template of ours: IMDSv2 with hop limit 1, the root
    volume encrypted, the stack's tags on what it launches. pulumi-eks's own ``enableIMDSv2`` template
    would set hop limit 2 (``nodegroup.ts``, ``createMNGCustomLaunchTemplate``).

    With authentication mode ``API`` EKS creates the node role's ``EC2_LINUX`` access entry itself
    for managed node groups. Public IPs come only from the subnets' ``MapPublicIpOnLaunch``
    (EKS User Guide, managed-node-groups). ``ignoreScalingChanges``: the desired size belongs to the
    autoscaler once the group exists; ``pulumi up`` does not reset it."""

    role: aws.iam.Role
    launch_template: aws.ec2.LaunchTemplate
    node_group: eks.ManagedNodeGroup

    def __init__(self, name: str, args: ManagedNodesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:nodes:ManagedNodes", name, None, opts)
        self.role, attachments = node_role(f"{name}-node", args.partition, self, args.session_manager)
        # EKS User Guide, launch-templates: with a launch template the disk size goes into its block
        # device mapping (not the node group's diskSize); no AMI id, so EKS keeps choosing the AMI of
        # the cluster version and supplies the bootstrap user data.
        self.launch_template = aws.ec2.LaunchTemplate(
            f"{name}-nodes",
            metadata_options=METADATA_OPTIONS,
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",  # AL2023 root volume
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=args.capacity.disk_size_gib, volume_type="gp3", encrypted="true"
                    ),
                )
            ],
            tag_specifications=tag_specifications(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.node_group = eks.ManagedNodeGroup(
            name,
            cluster=args.cluster,
            node_role=self.role,
            node_group_name_prefix=NODE_GROUP_NAME_PREFIX,
            subnet_ids=args.subnet_ids,
            instance_types=list(args.instance_types),
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=args.capacity.min_size,
                desired_size=args.capacity.desired_size,
                max_size=args.capacity.max_size,
            ),
            ignore_scaling_changes=True,
            # EKS managed node groups: ON_DEMAND or SPOT (Spot groups use capacity-optimized allocation).
            capacity_type=args.capacity_type.upper().replace("-", "_"),
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=self.launch_template.id,
                version=self.launch_template.latest_version.apply(str),
            ),
            operating_system=eks.OperatingSystem.AL2023,
            # Set, not left to the default (the cluster's version at creation only), so a kubernetesVersion
            # bump reaches the nodes: EKS drains and replaces them, honouring pod disruption budgets.
            version=args.kubernetes_version,
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
        self.register_outputs({})
