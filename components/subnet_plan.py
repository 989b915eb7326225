"""Deterministic subnet layout carved from the VPC CIDR with ``ipaddress``: every tier at a fixed place.

The VPC block is split into sixteen equal blocks (prefix + 4); each tier owns fixed blocks whatever the
endpoint mode or data plane, so switching ``endpointAccess`` only adds or removes whole tiers and never
renumbers a subnet that stays (a subnet's CIDR cannot change in place: AWS would have to replace it,
and the new one would collide with the old during create-before-delete):

- blocks 0-5: the **private** tier, one per Availability Zone (a /20 of a /16: 4,091 usable addresses
  per AZ, room for VPC CNI pod IPs);
- blocks 6-7: the **endpoint** tier, split again into eight (prefix + 6, a /22 of a /16, a /28 of a
  /22): the subnets of the interface VPC endpoints' ENIs, where PrivateLink is on (11 usable addresses
  in a /28: one per endpoint);
- blocks 8-13: the **public** tier, one per AZ, the same size as the private tier (nodes of
  ``public`` stacks run there);
- blocks 14-15: reserved.

Position ``i`` of every tier belongs to the ``i``-th zone of the stack's (pinned) zone list, so adding a
zone never renumbers an existing subnet either.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

MAX_AZS = 6


@dataclass(frozen=True)
class SubnetPlan:
    private: tuple[str, ...]
    public: tuple[str, ...]
    endpoint: tuple[str, ...]


def plan_subnets(vpc_cidr: str, az_count: int) -> SubnetPlan:
    if not 1 <= az_count <= MAX_AZS:
        raise ValueError(f"az_count must be 1 to {MAX_AZS}, got {az_count}")
    vpc = ipaddress.IPv4Network(vpc_cidr, strict=True)
    sixteenths = list(vpc.subnets(prefixlen_diff=4))
    endpoint_block = list(vpc.subnets(prefixlen_diff=3))[3]  # = sixteenths 6 and 7
    endpoint = list(endpoint_block.subnets(prefixlen_diff=3))
    return SubnetPlan(
        private=tuple(str(b) for b in sixteenths[0:az_count]),
        public=tuple(str(b) for b in sixteenths[8:8 + az_count]),
        endpoint=tuple(str(b) for b in endpoint[:az_count]),
    )
