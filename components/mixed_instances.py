"""Every self-managed node group: a launch template and an Auto Scaling group with a mixed-instances policy
(one override per instance type, one type included), built from pulumi-aws resources.

pulumi-eks 4.4.0's ``NodeGroupV2`` is not used: its schema has no ``metadataOptions`` input (its launch template
keeps the AL2023 AMI's hop limit 2, so any pod can take the node role), no instance refresh, no way to give
it a launch template of ours, one instance type per group, and Spot only as a bid price. Here one launch
template path serves every self-managed group: IMDSv2 with hop limit 1 as on managed nodes, a rolling
instance refresh when the template changes, Cluster Autoscaler discovery tags."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks
import yaml

from .node_capacity import NodeCapacity
from .node_launch import METADATA_OPTIONS, tag_specifications


# Rolling replacement, launch before terminate: at least 100 % of the desired capacity stays in service
# and up to 150 % may run during the refresh, so a two-node group replaces one node at a time after its
# successor is InService (StartInstanceRefresh API, RefreshPreferences: MinHealthyPercentage default 90,
# MaxHealthyPercentage 100-200 "in service and healthy, or pending"; EC2 Auto Scaling User Guide, instance
# maintenance policy: a minimum of 100 % launches replacements before terminating). skip_matching: a restarted refresh
# leaves nodes already on the new template alone. Auto Scaling does not drain Kubernetes nodes: see the
# README, "Upgrades".
INSTANCE_REFRESH = aws.autoscaling.GroupInstanceRefreshArgs(
    strategy="Rolling",
    preferences=aws.autoscaling.GroupInstanceRefreshPreferencesArgs(
        min_healthy_percentage=100, max_healthy_percentage=150, skip_matching=True,
    ),
)


def autoscaler_discovery_tags(cluster_name: str) -> dict[str, str]:
    """The Auto Scaling group tags Cluster Autoscaler's auto-discovery looks for
    (``--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/<cluster>``;
    kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md, "Auto-Discovery Setup"). EKS puts
    them on the groups of managed node groups itself (EKS User Guide, managed-node-groups); self-managed
    groups need them from us."""
    return {"k8s.io/cluster-autoscaler/enabled": "true", f"k8s.io/cluster-autoscaler/{cluster_name}": "owned"}


@dataclass(frozen=True)
class MixedInstancesArgs:
    """Inputs of ``MixedInstancesNodeGroup``.

    - ``cluster`` / ``cluster_name``: the pulumi-eks cluster and its plain name (bootstrap data, tags).
    - ``instance_profile``: the node role's instance profile.
    - ``subnet_ids``: node subnets (an Output that may carry a dependency on PrivateLink).
    - ``associate_public_ip_address``: only ``True`` in ``public`` mode (nodes in public subnets).
    - ``instance_types``: one architecture (stack_config checks), tried in the order given for On-Demand.
    - ``capacity_type``: ``on-demand`` or ``spot``.
    - ``ami_id``: the pinned EKS-optimized AL2023 AMI of the types' architecture.
    - ``tags``: the stack's tags, put on the group (propagated) and on what the template launches:
      provider default tags do not reach instances an Auto Scaling group launches.
    - ``boot_after``: resources that must exist before any instance boots (the node role's access
      entry); a component's own ``depends_on`` does not hold its children back.
    """

    cluster: eks.Cluster
    cluster_name: str
    instance_profile: aws.iam.InstanceProfile
    subnet_ids: pulumi.Input[Sequence[pulumi.Input[str]]]
    associate_public_ip_address: bool
    instance_types: Sequence[str]
    capacity_type: str
    capacity: NodeCapacity
    ami_id: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)
    boot_after: Sequence[pulumi.Resource] = ()


def nodeadm_user_data(cluster_name: str, endpoint: str, certificate_authority: str, service_cidr: str) -> str:
    """The AL2023 bootstrap document pulumi-eks writes for its node groups (``nodejs/eks/nodes/userdata.ts``,
    ``createNodeadmUserData``): a MIME part with the nodeadm ``NodeConfig``. Endpoint and CA are given so
    nodes never call DescribeCluster (EKS User Guide, private-clusters)."""
    node_config = {
        "apiVersion": "node.eks.aws/v1alpha1",
        "kind": "NodeConfig",
        "spec": {
            "cluster": {
                "name": cluster_name,
                "apiServerEndpoint": endpoint,
                "certificateAuthority": certificate_authority,
                "cidr": service_cidr,
            }
        },
    }
    return (
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="BOUNDARY"\n\n'
        "--BOUNDARY\nContent-Type: application/node.eks.aws\n\n"
        f"---\n{yaml.safe_dump(node_config, sort_keys=False)}\n"
        "--BOUNDARY--\n"
    )


def _encoded_user_data(cluster_name: str, endpoint, certificate_authority, service_cidr):
    if None in (endpoint, certificate_authority, service_cidr):
        return None
    return base64.b64encode(nodeadm_user_data(cluster_name, endpoint, certificate_authority, service_cidr).encode()).decode()


class MixedInstancesNodeGroup(pulumi.ComponentResource):
    """Launch template (AL2023, IMDSv2 required with hop limit 1 as for managed nodes, encrypted gp3 root
    volume, the EKS cluster security group, a public IP only when asked, the stack's tags on what it
    launches) and an Auto Scaling group whose mixed-instances policy overrides the instance type (one
    override per type; On-Demand tries them in the order given); Spot uses the ``price-capacity-optimized``
    strategy and capacity rebalancing (EC2 Auto Scaling User Guide, allocation strategies). A rolling
    instance refresh replaces running nodes when the template changes; the group carries Cluster
    Autoscaler's discovery tags."""

    launch_template: aws.ec2.LaunchTemplate
    group: aws.autoscaling.Group

    def __init__(self, name: str, args: MixedInstancesArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("eks-variants:nodes:MixedInstancesNodeGroup", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # The raw aws:eks/cluster:Cluster pulumi-eks builds (None only where no engine fills a remote
        # component's outputs, such as a mocked deployment).
        control_plane = args.cluster.eks_cluster
        attribute = lambda read: control_plane.apply(lambda c: read(c) if c is not None else None)  # noqa: E731
        user_data = pulumi.Output.all(
            attribute(lambda c: c.endpoint),
            attribute(lambda c: c.certificate_authority.data),
            attribute(lambda c: c.kubernetes_network_config.service_ipv4_cidr),
        ).apply(lambda v: _encoded_user_data(args.cluster_name, *v))
        security_group = attribute(lambda c: c.vpc_config.cluster_security_group_id)
        tags = {**args.tags, "Name": f"{args.cluster_name}-{name}"}
        self.launch_template = aws.ec2.LaunchTemplate(
            name,
            image_id=args.ami_id,
            user_data=user_data,
            iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=args.instance_profile.arn),
            metadata_options=METADATA_OPTIONS,
            network_interfaces=[
                aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                    device_index=0,
                    associate_public_ip_address="true" if args.associate_public_ip_address else "false",
                    delete_on_termination="true",
                    security_groups=[security_group],
                )
            ],
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=args.capacity.disk_size_gib, volume_type="gp3", encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            tag_specifications=tag_specifications(tags),
            update_default_version=True,
            opts=child,
        )
        spot = args.capacity_type == "spot"
        self.group = aws.autoscaling.Group(
            name,
            vpc_zone_identifiers=args.subnet_ids,
            min_size=args.capacity.min_size,
            desired_capacity=args.capacity.desired_size,
            max_size=args.capacity.max_size,
            capacity_rebalance=spot,
            mixed_instances_policy=aws.autoscaling.GroupMixedInstancesPolicyArgs(
                launch_template=aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateArgs(
                    launch_template_specification=aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateLaunchTemplateSpecificationArgs(
                        launch_template_id=self.launch_template.id, version=self.launch_template.latest_version.apply(str)
                    ),
                    overrides=[
                        aws.autoscaling.GroupMixedInstancesPolicyLaunchTemplateOverrideArgs(instance_type=t)
                        for t in args.instance_types
                    ],
                ),
                instances_distribution=aws.autoscaling.GroupMixedInstancesPolicyInstancesDistributionArgs(
                    on_demand_base_capacity=0,
                    on_demand_percentage_above_base_capacity=0 if spot else 100,
                    on_demand_allocation_strategy="prioritized",
                    spot_allocation_strategy="price-capacity-optimized",
                ),
            ),
            # A new launch-template version (AMI or Kubernetes version bump, disk, tags) changes the
            # mixed-instances policy, and that starts a rolling instance refresh (pulumi-aws
            # autoscaling.Group, instance_refresh: "A refresh will always be triggered by a change in any of
            # launch_configuration, launch_template, or mixed_instances_policy"; the version is the
            # template's latest_version, not "$Latest", which would start none).
            instance_refresh=INSTANCE_REFRESH,
            tags=[
                aws.autoscaling.GroupTagArgs(key=key, value=value, propagate_at_launch=True)
                for key, value in {**tags, f"kubernetes.io/cluster/{args.cluster_name}": "owned"}.items()
            ] + [
                aws.autoscaling.GroupTagArgs(key=key, value=value, propagate_at_launch=False)
                for key, value in autoscaler_discovery_tags(args.cluster_name).items()
            ],
            # The desired size belongs to the autoscaler once the group exists (ignoreScalingChanges on
            # managed node groups does the same): `pulumi up` does not reset it.
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=list(args.boot_after), ignore_changes=["desiredCapacity"]
            ),
        )
        self.register_outputs({})
