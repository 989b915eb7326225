"""Subnet facts several rules judge: the kinds of a subnet's default routes, and whether it is public."""
from __future__ import annotations

from typing import Any, Iterable

from ..model.entities import Subnet
from ..model.values import UNKNOWN


def route_facts(s: Subnet):
    """(kinds, nats) of a subnet's IPv4 default routes.

    kinds: set of "igw" / "nat" / "other" / "unknown" among its IPv4 default routes, or UNKNOWN when the
    route table cannot be resolved. nats: the NAT gateways (model objects) its default routes use."""
    rt = s.effective_route_table()
    if rt is UNKNOWN:
        return UNKNOWN, []
    if rt is None:
        return set(), []
    kinds, nats = set(), []
    for r in rt.routes:
        if r.v4_default is False:
            continue
        if r.v4_default is UNKNOWN:
            kinds.add("unknown")
            continue
        kinds.add("unknown" if r.kind is UNKNOWN else r.kind)
        if r.kind == "nat":
            nats.extend(r.targets)
            if not r.targets:
                kinds.add("nat-unresolved")
    return kinds, nats


def igw_route(s: Subnet) -> Any:
    rt = s.effective_route_table()
    if rt is UNKNOWN:
        return UNKNOWN
    if rt is None:
        return False
    return rt.igw_route()


def public_subnets(subnets: Iterable[Subnet]):
    """(bad, unsure): labels of the subnets that map public IPs or route 0.0.0.0/0 to an internet gateway,
    each with its reasons, and of those where either fact is unknown."""
    bad, unsure = [], []
    for s in subnets:
        igw, mp = igw_route(s), s.map_public
        reasons = []
        if mp is True:
            reasons.append("mapPublicIpOnLaunch = true")
        if igw is True:
            reasons.append("a default route to an internet gateway")
        if reasons:
            bad.append(f"{s.res.label} has {' and '.join(reasons)}")
        elif igw is UNKNOWN or mp is UNKNOWN:
            unsure.append(s.res.label)
    return bad, unsure
