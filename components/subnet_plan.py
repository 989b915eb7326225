"""Deterministic subnet layout carved from the VPC CIDR with ``ipaddress``.

The VPC block is split into eight equal blocks (prefix + 3):

- blocks 0-5: the *workload* tier, one per Availability Zone: where nodes or Fargate pods run
  (a /19 of a /16 VPC: 8,187 usable addresses per AZ, room for VPC CNI pod IPs);
- block 6: reserved (kept free so a later tier can be added without renumbering);
- block 7: split again into eight (prefix + 6) for the *edge* tier, one per AZ: public subnets for
  NAT gateways and internet-facing load balancers when the workloads are private (a /22 of a /16).

Which tier is public depends on the variant: in ``public`` mode with EC2 nodes the workload tier is
public and there is no edge tier. The same inputs always give the same CIDRs, so adding an AZ never
renumbers an existing subnet.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

MAX_AZS = 6


@dataclass(frozen=True)
class SubnetPlan:
    workload: tuple[str, ...]
    edge: tuple[str, ...]


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1 to {MAX_AZS}, got {az_count}")
    vpc = ipaddress.IPv4Network(vpc_cidr, strict=True)
    blocks = list(vpc.subnets(prefixlen_diff=3))
    edge_blocks = list(blocks[7].subnets(prefixlen_diff=3))
    return SubnetPlan(
        workload=tuple(str(b) for b in blocks[:az_count]),
        edge=tuple(str(b) for b in edge_blocks[:az_count]),
    )
