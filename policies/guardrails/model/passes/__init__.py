"""The builder passes, one per source of network facts, run in this order over one BuildContext.

A pass reads the stack's resources (`ctx.each(type)`) and what earlier passes put on `ctx.model`, and adds
its own entities. A new source of facts (an awsx.ec2.Vpc component, the account's default VPC) is one new
module here with a `build(ctx)` function, inserted before the passes that use its facts.
"""
from __future__ import annotations

from typing import Callable, List

from . import auto_mode, awsx_vpc, clusters, default_vpc, endpoints, node_groups, routing, security_groups, vpcs
from .context import BuildContext

Pass = Callable[[BuildContext], None]

PASSES: List[Pass] = [
    awsx_vpc.build,         # awsx:ec2:Vpc components without children: the layout their inputs imply (first, so
                            # raw resources wired from their outputs, e.g. an endpoint's vpcId, resolve to it)
    default_vpc.build,      # the default VPC of pulumi-eks Clusters given no VPC
    vpcs.build,             # VPCs, subnets
    awsx_vpc.link_children,  # awsx:ec2:Vpc components with children in the stack: which VPC and subnets are theirs
    routing.build,          # route tables, routes, associations, NAT gateways
    security_groups.build,  # security groups, ingress rules
    endpoints.build,        # VPC endpoints (need subnets, route tables, security groups)
    clusters.build,         # EKS clusters (need subnets, VPCs, security groups)
    auto_mode.build,        # EKS Auto Mode clusters and NodeClasses as data planes (need clusters, subnets)
    node_groups.build,      # node groups (need clusters, subnets, launch templates)
]

__all__ = ["BuildContext", "Pass", "PASSES"]
