"""VPC, subnets, gateways and routes for one EKS variant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional, Sequence

import pulumi
import pulumi_aws as aws

from stack_config import Zone

from .subnet_plan import plan_subnets

# Load-balancer discovery tags read by the AWS Load Balancer Controller (EKS User Guide, network-reqs).
PUBLIC_ELB_TAG = {"kubernetes.io/role/elb": "1"}
INTERNAL_ELB_TAG = {"kubernetes.io/role/internal-elb": "1"}


@dataclass(frozen=True)
class NetworkArgs:
    """Inputs of ``Network``.

    - ``cidr``: the VPC's IPv4 block (``eks-variants:vpcCidr``).
    - ``availability_zones``: the stack's zones (name and ID) in plan order, one subnet per tier in
      each; subnets are placed and named by zone ID.
    - ``workload_tier``: ``public`` (nodes on auto-assigned public IPs behind the internet gateway)
      or ``private`` (no public IPs; egress through NAT, or none at all).
    - ``edge_subnets``: public subnets for NAT gateways and internet-facing load balancers beside a
      private workload tier.
    - ``nat``: ``single`` or ``per-az`` NAT gateways for the private workload tier, or ``None``.
    - ``endpoint_subnets``: small private subnets (the plan's endpoint tier) for the ENIs of interface
      VPC endpoints, so turning PrivateLink on or off adds or removes only those.
    """

    cidr: str
    availability_zones: Sequence[Zone]
    workload_tier: Literal["public", "private"]
    edge_subnets: bool
    nat: Optional[Literal["single", "per-az"]]
    endpoint_subnets: bool = False

    @property
    def internet_gateway(self) -> bool:
        return self.workload_tier == "public" or self.edge_subnets


class Network(pulumi.ComponentResource):
    """A VPC with DNS support and hostnames on (required by the private endpoint), one subnet per AZ
    and tier, and the routes of the variant: internet gateway, NAT gateways, or no default route."""

    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    workload_subnets: list[aws.ec2.Subnet]
    workload_route_tables: list[aws.ec2.RouteTable]
    endpoint_subnets: list[aws.ec2.Subnet]
    nat_eips: list[aws.ec2.Eip]

    def __init__(self, name: str, args: NetworkArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:network:Network", name, None, opts)
        if args.nat and not (args.edge_subnets and args.workload_tier == "private"):
            raise ValueError("NAT gateways need public edge subnets beside a private workload tier")
        child = pulumi.ResourceOptions(parent=self)
        azs = [zone.id for zone in args.availability_zones]
        plan = plan_subnets(args.cidr, len(azs))

        # EKS User Guide, cluster-endpoint / network-reqs: without DNS support and hostnames nodes
        # cannot resolve the private API endpoint and never register.
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={"Name": f"{name}-vpc"},
            opts=child,
        )

        self.internet_gateway: Optional[aws.ec2.InternetGateway] = None
        if args.internet_gateway:
            self.internet_gateway = aws.ec2.InternetGateway(
                f"{name}-igw", vpc_id=self.vpc.id, tags={"Name": f"{name}-igw"}, opts=child
            )

        self.public_subnets = []
        self.private_subnets = []
        self.public_route_table: Optional[aws.ec2.RouteTable] = None
        # Each tier at its fixed place of the plan, whatever the mode (components/subnet_plan.py).
        if args.workload_tier == "public" or args.edge_subnets:
            self.public_subnets = self._public_tier(name, "public", azs, plan.public, child)

        self.nat_gateways: list[aws.ec2.NatGateway] = []
        self.nat_eips = []
        self.private_route_tables: list[aws.ec2.RouteTable] = []
        if args.workload_tier == "private":
            if args.nat:
                self._nat_gateways(name, azs, args.nat, child)
            self.private_subnets = self._private_tier(name, azs, plan.private, child)

        self.endpoint_subnets = self._endpoint_tier(name, azs, plan.endpoint, child) if args.endpoint_subnets else []

        self.workload_subnets = self.public_subnets if args.workload_tier == "public" else self.private_subnets
        self.workload_route_tables = (
            [self.public_route_table] if args.workload_tier == "public" else self.private_route_tables
        )
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "publicSubnetIds": [s.id for s in self.public_subnets],
                "privateSubnetIds": [s.id for s in self.private_subnets],
            }
        )

    def _public_tier(self, name, tier, azs, cidrs, child) -> list[aws.ec2.Subnet]:
        assert self.internet_gateway is not None
        self.public_route_table = aws.ec2.RouteTable(
            f"{name}-public-rt", vpc_id=self.vpc.id, tags={"Name": f"{name}-public"}, opts=child
        )
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=self.public_route_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=self.internet_gateway.id,
            opts=child,
        )
        subnets = []
        for az, cidr in zip(azs, cidrs):
            # EKS User Guide, managed-node-groups: nodes in public subnets get a public IPv4 address
            # only from the subnet's MapPublicIpOnLaunch; NAT gateways need it too.
            subnet = aws.ec2.Subnet(
                f"{name}-{tier}-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone_id=az,
                map_public_ip_on_launch=True,
                tags={"Name": f"{name}-{tier}-{az}", **PUBLIC_ELB_TAG},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-{tier}-{az}", subnet_id=subnet.id, route_table_id=self.public_route_table.id, opts=child
            )
            subnets.append(subnet)
        return subnets

    def _nat_gateways(self, name, azs, mode, child) -> None:
        for az, subnet in list(zip(azs, self.public_subnets))[: 1 if mode == "single" else len(azs)]:
            eip = aws.ec2.Eip(f"{name}-nat-{az}", domain="vpc", tags={"Name": f"{name}-nat-{az}"}, opts=child)
            nat = aws.ec2.NatGateway(
                f"{name}-nat-{az}",
                allocation_id=eip.allocation_id,
                subnet_id=subnet.id,
                tags={"Name": f"{name}-nat-{az}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.internet_gateway]),
            )
            self.nat_eips.append(eip)
            self.nat_gateways.append(nat)

    def _private_tier(self, name, azs, cidrs, child) -> list[aws.ec2.Subnet]:
        subnets = []
        for index, (az, cidr) in enumerate(zip(azs, cidrs)):
            subnet = aws.ec2.Subnet(
                f"{name}-private-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone_id=az,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-private-{az}", **INTERNAL_ELB_TAG},
                opts=child,
            )
            # One route table per AZ: per-AZ NAT routes and the S3 gateway endpoint attach here.
            route_table = aws.ec2.RouteTable(
                f"{name}-private-{az}", vpc_id=self.vpc.id, tags={"Name": f"{name}-private-{az}"}, opts=child
            )
            if self.nat_gateways:
                nat = self.nat_gateways[index if len(self.nat_gateways) > 1 else 0]
                aws.ec2.Route(
                    f"{name}-private-{az}-default",
                    route_table_id=route_table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat.id,
                    opts=child,
                )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{az}", subnet_id=subnet.id, route_table_id=route_table.id, opts=child
            )
            subnets.append(subnet)
            self.private_route_tables.append(route_table)
        return subnets

    def _endpoint_tier(self, name, azs, cidrs, child) -> list[aws.ec2.Subnet]:
        # No route table of their own: endpoint ENIs only answer traffic from inside the VPC (local route).
        return [
            aws.ec2.Subnet(
                f"{name}-endpoint-{az}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone_id=az,
                map_public_ip_on_launch=False,
                tags={"Name": f"{name}-endpoint-{az}"},
                opts=child,
            )
            for az, cidr in zip(azs, cidrs)
        ]
