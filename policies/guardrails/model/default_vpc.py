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

from typing import Any, List, Optional, Tuple

from . import types as T

CIDR = "172.31.0.0/16"
STAND_IN_ZONES = ("default VPC zone 1", "default VPC zone 2")


class DefaultVpcPass:
    """Builds the default VPC once per stack, on first use, anchored to the first cluster that uses it."""

    def __init__(self, model, entities, make_res) -> None:
        self.m, self.E, self.make_res = model, entities, make_res
        self._built: Optional[Tuple[Any, List[Any]]] = None

    @staticmethod
    def applies_to(cluster_res) -> bool:
        """A pulumi-eks Cluster whose inputs name no VPC and no subnets (not even through unknown values)."""
        keys = ("vpcId", "subnetIds", "publicSubnetIds", "privateSubnetIds")
        return cluster_res.type == T.C_CLUSTER and all(
            cluster_res.p(k) is None and not cluster_res.pdeps.get(k) for k in keys)

    def vpc_and_subnets(self, cluster_res) -> Tuple[Any, List[Any]]:
        if self._built is None:
            self._built = self._build(cluster_res)
        return self._built

    def _build(self, anchor) -> Tuple[Any, List[Any]]:
        E, m = self.E, self.m
        vpc = E.Vpc(self.make_res(anchor, T.VPC, "default VPC", {"cidrBlock": CIDR, "enableDnsSupport": True,
                                                                  "enableDnsHostnames": True}))
        igw = self.make_res(anchor, T.IGW, "default VPC internet gateway", {})
        main = E.RouteTable(self.make_res(anchor, T.ROUTE_TABLE, "default VPC main route table", {}))
        main.vpc = vpc
        main.routes.append(E.Route(True, False, "igw", [igw], main.res))
        vpc.main_route_table = main
        m.vpcs[vpc.res.urn] = vpc
        m.route_tables[main.res.urn] = main
        subnets = []
        for zone in STAND_IN_ZONES:
            s = E.Subnet(self.make_res(anchor, T.SUBNET, f"default subnet ({zone})",
                                       {"availabilityZone": zone, "mapPublicIpOnLaunch": True}))
            s.vpc = vpc  # implicitly associated with the main route table
            m.subnets[s.res.urn] = s
            subnets.append(s)
        return vpc, subnets
