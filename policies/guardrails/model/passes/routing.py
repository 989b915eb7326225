"""Builder pass: route tables, routes, route table associations (explicit and main), NAT gateways."""
from __future__ import annotations

from typing import Any, List, Optional, Sequence

from .. import types as T
from ..entities import Nat, Res, Route, RouteTable, Vpc
from ..values import UNKNOWN, as_list, is_open_cidr
from .context import BuildContext


def build(ctx: BuildContext) -> None:
    _route_tables(ctx)
    _nats(ctx)


def _route_tables(ctx: BuildContext) -> None:
    m = ctx.model
    unplaced_routes: List[Route] = []
    unplaced_assocs = False
    for r in ctx.each(T.ROUTE_TABLE):
        rt = RouteTable(r)
        rt.vpc = ctx.vpc(r, "vpcId")
        m.route_tables[r.urn] = rt
        for route in as_list(r.p("routes")) if r.p("routes") is not UNKNOWN else []:
            rt.routes.append(_route(ctx, r, "routes", route))
        if r.p("routes") is UNKNOWN:
            rt.routes.append(Route(UNKNOWN, UNKNOWN, UNKNOWN, [], r))
    for r in ctx.each(T.DEFAULT_ROUTE_TABLE):
        rt = RouteTable(r)
        m.route_tables[r.urn] = rt
        vpc_res = m.resolve_one(r, "defaultRouteTableId", r.p("defaultRouteTableId"), (T.VPC,))
        if vpc_res is None or vpc_res is UNKNOWN:
            # match by the VPC's defaultRouteTableId output
            for v in m.vpcs.values():
                if v.res.p("defaultRouteTableId") == r.p("defaultRouteTableId") and isinstance(r.p("defaultRouteTableId"), str):
                    vpc_res = v.res
        vpc = m.vpcs.get(vpc_res.urn) if isinstance(vpc_res, Res) else None
        rt.vpc = vpc if vpc is not None else UNKNOWN
        if vpc is not None:
            vpc.main_route_table = rt
        for route in as_list(r.p("routes")) if r.p("routes") is not UNKNOWN else []:
            rt.routes.append(_route(ctx, r, "routes", route))
    for r in ctx.each(T.ROUTE):
        rt_res = m.resolve_one(r, "routeTableId", r.p("routeTableId"), T.ROUTE_TABLES)
        if isinstance(rt_res, Res):
            m.route_tables[rt_res.urn].routes.append(_route(ctx, r, None, r.props))
        else:
            # a route we cannot place: every route table of its VPC might have it
            unplaced_routes.append(_route(ctx, r, None, r.props))
    for r in ctx.each(T.MAIN_RT_ASSOC):
        vpc = ctx.vpc(r, "vpcId")
        rt_res = m.resolve_one(r, "routeTableId", r.p("routeTableId"), T.ROUTE_TABLES)
        if isinstance(vpc, Vpc):
            vpc.main_route_table = m.route_tables[rt_res.urn] if isinstance(rt_res, Res) else UNKNOWN
    for r in ctx.each(T.RT_ASSOC):
        if r.p("subnetId") is None and not r.pdeps.get("subnetId"):
            continue  # gateway (edge) association
        sn = m.resolve_one(r, "subnetId", r.p("subnetId"), (T.SUBNET,))
        rt_res = m.resolve_one(r, "routeTableId", r.p("routeTableId"), T.ROUTE_TABLES)
        if isinstance(sn, Res):
            s = m.subnets[sn.urn]
            s.rt_explicit = True
            s.route_table = m.route_tables[rt_res.urn] if isinstance(rt_res, Res) else UNKNOWN
        else:
            unplaced_assocs = True
    if unplaced_routes:
        for rt in m.route_tables.values():
            rt.routes.append(Route(UNKNOWN, UNKNOWN, UNKNOWN, [], unplaced_routes[0].source))
    if unplaced_assocs:
        for s in m.subnets.values():
            if not s.rt_explicit:
                s.rt_explicit, s.route_table = True, UNKNOWN


def _route(ctx: BuildContext, owner: Res, pdep_key: Optional[str], route: Any) -> Route:
    m = ctx.model
    if not isinstance(route, dict):
        return Route(UNKNOWN, UNKNOWN, UNKNOWN, [], owner)
    v4 = route.get("cidrBlock", route.get("destinationCidrBlock"))
    v6 = route.get("ipv6CidrBlock", route.get("destinationIpv6CidrBlock"))
    v4_default: Any = UNKNOWN if v4 is UNKNOWN else (isinstance(v4, str) and is_open_cidr(v4))
    v6_default: Any = UNKNOWN if v6 is UNKNOWN else (isinstance(v6, str) and is_open_cidr(v6))
    if route.get("destinationPrefixListId") not in (None,) and v4 is None and v6 is None:
        v4_default = v6_default = False
    kind: Any = "other"
    targets: List[Res] = []
    target = ""

    def deps_for(key: str, types: Sequence[str]) -> List[Res]:
        return m.deps_of_type(owner, pdep_key or key, types)

    gw = route.get("gatewayId")
    nat = route.get("natGatewayId")
    if gw is not None and gw != "":
        r = m.find(gw, (T.IGW,))
        if r is not None:
            kind, targets = "igw", [r]
        elif gw is UNKNOWN:
            igws = deps_for("gatewayId", (T.IGW,))
            others = deps_for("gatewayId", (T.VPCE,))
            if igws and not others:
                kind, targets = "igw", igws
            elif others and not igws:
                kind = "other"
            else:
                kind = UNKNOWN
        elif isinstance(gw, str) and gw.startswith("igw-"):
            kind = "igw"
        else:
            kind = "other"  # local, vgw-, vpce-
            target = _GATEWAY_PREFIXES.get(gw.split("-")[0] if isinstance(gw, str) else "", f"gateway {gw}")
    elif nat is not None and nat != "":
        r = m.find(nat, (T.NAT,))
        if r is not None:
            kind, targets = "nat", [r]
        else:
            kind, targets = "nat", deps_for("natGatewayId", (T.NAT,))
    elif any(route.get(k) not in (None, "") for k in _OTHER_TARGETS):
        kind = "other"
        key = next(k for k in _OTHER_TARGETS if route.get(k) not in (None, ""))
        value = route.get(key)
        target = _OTHER_TARGETS[key] + (f" {value}" if isinstance(value, str) and value != UNKNOWN else "")
    else:
        kind = UNKNOWN
    return Route(v4_default, v6_default, kind, targets, owner, target)


# Default-route targets that are neither an internet nor a NAT gateway: whether traffic reaches the internet
# is decided elsewhere (another VPC, an on-premises network, an appliance), so egress cannot be told here.
_OTHER_TARGETS = {
    "transitGatewayId": "a transit gateway", "vpcPeeringConnectionId": "a VPC peering connection",
    "networkInterfaceId": "a network interface", "instanceId": "an instance",
    "egressOnlyGatewayId": "an egress-only internet gateway (IPv6 only)", "carrierGatewayId": "a carrier gateway",
    "localGatewayId": "a local gateway", "coreNetworkArn": "a Cloud WAN core network",
    "vpcEndpointId": "a Gateway Load Balancer endpoint"}
_GATEWAY_PREFIXES = {"vgw": "a virtual private gateway", "vpce": "a VPC endpoint", "local": "the local route"}


def _nats(ctx: BuildContext) -> None:
    m = ctx.model
    for r in ctx.each(T.NAT):
        n = Nat(r)
        if n.public:
            eips, complete = m.resolve(r, "allocationId", r.p("allocationId"), (T.EIP,))
            n.eips, n.eip_complete = eips, complete
        m.nats[r.urn] = n

# -- security groups -------------------------------------------------------------------------------
