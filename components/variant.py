"""The top-level component: one EKS variant (endpoint mode x data plane) from validated settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import pulumi
import pulumi_aws as aws

from stack_config import StackSettings, Zone
from stack_config.kubernetes_versions import ami_parameter, pins_for
from stack_config.schema import OPEN_TO_WORLD, instance_architecture

from .access_entries import AccessEntries, AccessEntriesArgs
from .addons import Addons, AddonsArgs
from .auto_mode import auto_mode_node_role, auto_mode_options
from .cluster import Cluster, ClusterArgs
from .coredns import managed_coredns
from .fargate import Fargate, FargateArgs
from .managed_nodes import ManagedNodes, ManagedNodesArgs
from .network import Network, NetworkArgs
from .node_capacity import NodeCapacity
from .privatelink import PrivateLink, PrivateLinkArgs
from .self_managed_nodes import SelfManagedNodes, SelfManagedNodesArgs


@dataclass(frozen=True)
class Environment:
    """What the program learns from AWS at deploy time (invokes), kept apart from the settings."""

    region: str
    partition: str
    account_id: str
    availability_zones: Sequence[Zone]


def cluster_name_for(project: str, stack: str) -> str:
    """EKS cluster names: 1-100 of letters, digits, ``-`` and ``_``, starting alphanumerically."""
    name = re.sub(r"[^A-Za-z0-9_-]", "-", f"{project}-{stack}")
    return name[:100]


def describe(settings: StackSettings) -> str:
    endpoint = {
        "public": "public API endpoint only",
        "public-private": "public and private API endpoints",
        "private": "private API endpoint only",
    }[settings.endpoint_access]
    plane = {
        "managed": "managed node groups",
        "self-managed": "self-managed nodes (launch template + Auto Scaling group)",
        "fargate": "Fargate",
        "auto": "EKS Auto Mode (built-in node pools)",
    }[settings.data_plane]
    where = "public subnets" if settings.workloads_in_public_subnets else "private subnets"
    egress = (
        "no internet egress, AWS services through PrivateLink"
        if settings.endpoint_access == "private"
        else f"{settings.nat_mode} NAT gateway egress"
        if settings.has_nat
        else "internet gateway egress"
    )
    return (
        f"{settings.variant}: EKS {settings.kubernetes_version}, {endpoint}, {plane} in "
        f"{settings.zone_count} {where} ({egress})"
    )


class EksVariant(pulumi.ComponentResource):
    """Network, optional PrivateLink, cluster and data plane of one variant."""

    def __init__(
        self,
        name: str,
        settings: StackSettings,
        env: Environment,
        cluster_name: str,
        opts: Optional[pulumi.ResourceOptions] = None,
        tags: Optional[Mapping[str, str]] = None,
    ):
        super().__init__("eks-variants:index:EksVariant", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.settings = settings
        pins = pins_for(settings.kubernetes_version)
        tags = dict(tags or {})

        self.network = Network(
            name,
            NetworkArgs(
                cidr=settings.vpc_cidr,
                availability_zones=env.availability_zones,
                workload_tier="public" if settings.workloads_in_public_subnets else "private",
                edge_subnets=settings.has_nat,
                nat=settings.nat_mode,
                endpoint_subnets=settings.privatelink_enabled,
            ),
            opts=child,
        )
        workload_subnet_ids = [s.id for s in self.network.workload_subnets]

        self.privatelink: Optional[PrivateLink] = None
        if settings.privatelink_enabled:
            self.privatelink = PrivateLink(
                name,
                PrivateLinkArgs(
                    region=env.region,
                    vpc_id=self.network.vpc.id,
                    vpc_cidr=settings.vpc_cidr,
                    subnet_ids=[s.id for s in self.network.endpoint_subnets],
                    route_table_ids=[rt.id for rt in self.network.workload_route_tables],
                    interface_services=settings.privatelink_services,
                ),
                opts=child,
            )
        # Nodes and Fargate pods take their subnets through the endpoints, so they cannot start
        # before PrivateLink exists (managed nodes that do not join in 15 minutes fail for good).
        data_plane_subnet_ids = (
            self.privatelink.gate(workload_subnet_ids)
            if self.privatelink
            else pulumi.Output.from_input(workload_subnet_ids)
        )

        public_subnet_ids = [s.id for s in self.network.public_subnets]
        private_subnet_ids = [s.id for s in self.network.private_subnets]
        self.auto_mode_node_role = auto_mode_node_role_arn = None
        if settings.nodes_in_cluster_subnets:
            # Auto Mode nodes land in the cluster's subnets: give the cluster the workload tier only, each
            # id through the endpoints so the cluster (and so its nodes) comes after PrivateLink.
            cluster_subnets = [
                self.privatelink.gate(s.id) if self.privatelink else s.id for s in self.network.workload_subnets
            ]
            public_subnet_ids, private_subnet_ids = (
                (cluster_subnets, []) if settings.workloads_in_public_subnets else ([], cluster_subnets)
            )
            self.auto_mode_node_role, auto_mode_node_role_arn = auto_mode_node_role(
                f"{name}-auto-node", env.partition, self
            )

        self.cluster = Cluster(
            name,
            ClusterArgs(
                cluster_name=cluster_name,
                vpc_id=self.network.vpc.id,
                public_subnet_ids=public_subnet_ids,
                private_subnet_ids=private_subnet_ids,
                endpoint_public_access=settings.public_endpoint,
                endpoint_private_access=settings.private_endpoint,
                public_access_cidrs=self._public_access_cidrs(settings),
                kubernetes_version=settings.kubernetes_version,
                log_types=settings.cluster_log_types,
                secrets_encryption=settings.secrets_encryption,
                addon_pins=pins,
                deletion_protection=settings.deletion_protection,
                auto_mode=auto_mode_options(auto_mode_node_role_arn) if auto_mode_node_role_arn else None,
            ),
            opts=child,
        )

        self.managed_nodes: Optional[ManagedNodes] = None
        self.self_managed_nodes: Optional[SelfManagedNodes] = None
        self.fargate: Optional[Fargate] = None
        self.coredns: Optional[aws.eks.Addon] = None
        nodes = settings.effective_nodes
        capacity = NodeCapacity(nodes.min_size, nodes.desired_size, nodes.max_size, nodes.disk_size_gib)
        if settings.data_plane == "managed":
            self.managed_nodes = ManagedNodes(
                name,
                ManagedNodesArgs(
                    cluster=self.cluster.eks_cluster,
                    subnet_ids=data_plane_subnet_ids,
                    instance_types=nodes.instance_types,
                    capacity=capacity,
                    partition=env.partition,
                    tags=tags,
                    capacity_type=nodes.capacity_type,
                    session_manager=settings.session_manager,
                    kubernetes_version=settings.kubernetes_version,
                ),
                opts=child,
            )
            self.coredns = managed_coredns(
                name, self.cluster.cluster_name, pins.coredns, [self.managed_nodes.node_group], self
            )
        elif settings.data_plane == "self-managed":
            self.self_managed_nodes = SelfManagedNodes(
                name,
                SelfManagedNodesArgs(
                    cluster=self.cluster.eks_cluster,
                    cluster_name=self.cluster.cluster_name,
                    subnet_ids=data_plane_subnet_ids,
                    associate_public_ip_address=settings.workloads_in_public_subnets,
                    instance_types=nodes.instance_types,
                    capacity=capacity,
                    partition=env.partition,
                    # Invoked through the stack's provider (inherited from this component).
                    ami_id=aws.ssm.get_parameter_output(
                        name=ami_parameter(
                            settings.kubernetes_version, arch=instance_architecture(nodes.instance_types[0])
                        ),
                        opts=pulumi.InvokeOutputOptions(parent=self),
                    ).value,
                    tags=tags,
                    capacity_type=nodes.capacity_type,
                    cluster_name_value=cluster_name,
                    session_manager=settings.session_manager,
                ),
                opts=child,
            )
            self.coredns = managed_coredns(
                name, self.cluster.cluster_name, pins.coredns, [self.self_managed_nodes.node_group], self
            )
        elif settings.data_plane == "fargate":
            self.fargate = Fargate(
                name,
                FargateArgs(
                    cluster_name=self.cluster.cluster_name,
                    cluster_name_value=cluster_name,
                    subnet_ids=data_plane_subnet_ids,
                    namespaces=settings.effective_fargate.namespaces,
                    partition=env.partition,
                    region=env.region,
                    account_id=env.account_id,
                    coredns_version=pins.coredns,
                ),
                opts=child,
            )
        self._platform(name, settings, env, child)
        self.register_outputs({"description": describe(settings)})

    def _platform(self, name: str, settings: StackSettings, env: Environment, child: pulumi.ResourceOptions) -> None:
        """Add-ons beside EC2 nodes and access entries from config."""
        self.addons: Optional[Addons] = None
        node_groups = [g.node_group for g in (self.managed_nodes, self.self_managed_nodes) if g is not None]
        if settings.installs_addons and (settings.addons.pod_identity_agent or settings.addons.ebs_csi_driver):
            self.addons = Addons(
                name,
                AddonsArgs(
                    cluster_name=self.cluster.cluster_name,
                    kubernetes_version=settings.kubernetes_version,
                    pod_identity_agent=settings.addons.pod_identity_agent,
                    ebs_csi_driver=settings.addons.ebs_csi_driver,
                    partition=env.partition,
                    nodes=node_groups,
                ),
                opts=child,
            )
        self.access_entries: Optional[AccessEntries] = None
        if settings.access_entries:
            self.access_entries = AccessEntries(
                f"{name}-access",
                AccessEntriesArgs(
                    cluster_name=self.cluster.cluster_name, entries=settings.access_entries, partition=env.partition
                ),
                opts=child,
            )

    def _public_access_cidrs(self, settings: StackSettings) -> Optional[pulumi.Input[list[str]]]:
        if not settings.public_endpoint:
            return None
        requested = settings.requested_public_access_cidrs
        if OPEN_TO_WORLD in requested or not self.network.nat_eips:
            return requested
        # Public endpoint only, pods behind NAT (public + fargate): the NAT gateways' addresses must be
        # in the list or the kubelets on Fargate cannot reach the API (EKS User Guide, cluster-endpoint).
        if settings.private_endpoint:
            return requested
        return pulumi.Output.all(*[eip.public_ip for eip in self.network.nat_eips]).apply(
            lambda ips: [*requested, *(f"{ip}/32" for ip in ips)]
        )
