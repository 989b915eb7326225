"""Network facts of the account's default VPC, one model pass.

A pulumi-eks `Cluster` given neither `vpcId` nor any subnet ids runs in the region's default VPC, on all of its
subnets (pulumi-eks 4.4 `nodejs/eks/cluster/cluster.ts`: `aws.ec2.getVpc({default: true})` and
`aws.ec2.getSubnets` of that VPC). The default VPC's layout is documented, so it is a fact, not an unknown
(Amazon VPC User Guide, "Default VPCs"): a default subnet in each Availability Zone of the region (every region
has at least two; two stand-ins represent them here), instances launched there get a public IPv4 address
(MapPublicIpOnLaunch), the main route table sends 0.0.0.0/0 to the VPC's internet gateway, and both DNS
attributes (enableDnsSupport, enableDnsHostnames) are on.
"""
from __future__ import annotations

from .. import types as T
from ..entities import Res, Route, RouteTable, Subnet, Vpc
from .context import BuildContext

CIDR = "172.31.0.0/16"
STAND_IN_ZONES = ("default VPC zone 1", "default VPC zone 2")


def uses_default_vpc(cluster: Res) -> bool:
    """A pulumi-eks Cluster whose inputs name no VPC and no subnets (not even through unknown values)."""
    keys = ("vpcId", "subnetIds", "publicSubnetIds", "privateSubnetIds")
    return all(cluster.p(k) is None and not cluster.pdeps.get(k) for k in keys)


def build(ctx: BuildContext) -> None:
    """Records the default VPC and its subnets for every pulumi-eks Cluster that runs there
    (`component_vpcs` / `component_subnets`, keyed by the cluster's URN); built once, anchored to the first."""
    m = ctx.model
    built = None
    for r in ctx.each(T.C_CLUSTER):
        if not uses_default_vpc(r):
            continue
        if built is None:
            built = _build(ctx, r)
        m.component_vpcs[r.urn], m.component_subnets[r.urn] = built


def _build(ctx: BuildContext, anchor: Res):
    m = ctx.model
    vpc = Vpc(ctx.inferred_res(anchor, T.VPC, "default VPC", {"cidrBlock": CIDR, "enableDnsSupport": True,
                                                                "enableDnsHostnames": True}))
    igw = ctx.inferred_res(anchor, T.IGW, "default VPC internet gateway", {})
    main = RouteTable(ctx.inferred_res(anchor, T.ROUTE_TABLE, "default VPC main route table", {}))
    main.vpc = vpc
    main.routes.append(Route(True, False, "igw", [igw], main.res))
    vpc.main_route_table = main
    m.vpcs[vpc.res.urn] = vpc
    m.route_tables[main.res.urn] = main
    subnets = []
    for zone in STAND_IN_ZONES:
        s = Subnet(ctx.inferred_res(anchor, T.SUBNET, f"default subnet ({zone})",
                                    {"availabilityZone": zone, "mapPublicIpOnLaunch": True}))
        s.vpc = vpc  # implicitly associated with the main route table
        m.subnets[s.res.urn] = s
        subnets.append(s)
    return vpc, subnets
