"""Which Availability Zones a stack uses: chosen by zone ID, never by name, and pinnable.

Zone *names* (``us-east-1a``) map to physical zones differently in every account; zone *IDs*
(``use1-az1``) do not, and EKS's rules are written in IDs. The chosen IDs are exported as the stack
output ``availabilityZoneIds``; copying that list into ``eks-variants:availabilityZoneIds`` pins them, so
a zone that later changes state (or a new zone) never reshuffles which subnet gets which CIDR — and the
set of a cluster's subnet AZs cannot change after creation anyway (EKS User Guide, network-reqs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Sequence

from .errors import StackConfigError

# EKS User Guide, network-reqs ("Subnet requirements and considerations"): "your subnets can't be in
# use1-az3, usw1-az2 or cac1-az3"; CreateCluster rejects them with UnsupportedAvailabilityZoneException.
EKS_UNSUPPORTED_ZONE_IDS: frozenset[str] = frozenset({"use1-az3", "usw1-az2", "cac1-az3"})

ZONE_ID = re.compile(r"^[a-z]+[0-9]+(-[a-z]+)?-az[0-9]+$")


@dataclass(frozen=True)
class Zone:
    name: str
    id: str


def _id_order(zone_id: str) -> tuple[str, int]:
    prefix, _, number = zone_id.rpartition("-az")
    return prefix, int(number) if number.isdigit() else 0


def choose_zones(
    names: Sequence[str],
    ids: Sequence[str],
    count: int,
    pinned: Optional[Sequence[str]],
    region: str,
    namespace: str = "eks-variants",
) -> list[Zone]:
    """The stack's zones, in plan order (position ``i`` gets the ``i``-th CIDR of each subnet tier).

    ``names``/``ids`` are what ``aws.get_availability_zones`` offers (same order). With ``pinned`` IDs,
    exactly those, in that order; otherwise the ``count`` lowest IDs EKS accepts, so every account picks
    the same physical zones. Raises ``StackConfigError`` naming the key when the region cannot satisfy it.
    """
    offered = [Zone(name, zone_id) for name, zone_id in zip(names, ids)]
    by_id = {zone.id: zone for zone in offered}
    if pinned:
        missing = [zone_id for zone_id in pinned if zone_id not in by_id]
        if missing:
            raise StackConfigError([
                f"{namespace}:availabilityZoneIds: {', '.join(missing)} not offered in {region} "
                f"(offered: {', '.join(sorted(by_id, key=_id_order))})"
            ])
        return [by_id[zone_id] for zone_id in pinned]
    usable = sorted((z for z in offered if z.id not in EKS_UNSUPPORTED_ZONE_IDS), key=lambda z: _id_order(z.id))
    if len(usable) < count:
        excluded = sorted(z.id for z in offered if z.id in EKS_UNSUPPORTED_ZONE_IDS)
        note = f"; {', '.join(excluded)} excluded: EKS does not accept subnets there" if excluded else ""
        raise StackConfigError([
            f"{namespace}:availabilityZones: {count} requested but {region} offers {len(usable)} zones "
            f"EKS accepts ({', '.join(z.id for z in usable)}){note}"
        ])
    return usable[:count]
