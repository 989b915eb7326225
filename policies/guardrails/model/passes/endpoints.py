"""Builder pass: VPC endpoints and their route table / subnet / security group associations."""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

from .. import types as T
from ..entities import Endpoint, Res, Vpc
from .context import BuildContext


def build(ctx: BuildContext) -> None:
    m = ctx.model
    for r in ctx.each(T.VPCE):
        e = Endpoint(r)
        e.vpc = ctx.vpc(r, "vpcId")
        if isinstance(e.vpc, Vpc):
            e.vpc.endpoints.append(e)
        e.subnets, e.subnets_complete = ctx.subnets(r, "subnetIds", r.p("subnetIds"))
        rts, e.route_tables_complete = m.resolve(r, "routeTableIds", r.p("routeTableIds"), T.ROUTE_TABLES)
        e.route_tables = [m.route_tables[x.urn] for x in rts]
        sgs, e.sgs_complete = m.resolve(r, "securityGroupIds", r.p("securityGroupIds"), T.SECURITY_GROUPS)
        e.security_groups = [m.security_groups[x.urn] for x in sgs]
        m.endpoints[r.urn] = e
    for r in ctx.each(T.VPCE_RT_ASSOC):
        e, target = _association(ctx, r, "routeTableId", T.ROUTE_TABLES)
        if e is None:
            for x in m.endpoints.values():  # could be any endpoint's
                x.route_tables_complete = False
        elif target is None:
            e.route_tables_complete = False
        else:
            e.route_tables.append(m.route_tables[target.urn])
    for r in ctx.each(T.VPCE_SUBNET_ASSOC):
        e, target = _association(ctx, r, "subnetId", (T.SUBNET,))
        if e is None:
            for x in m.endpoints.values():
                x.subnets_complete = False
        elif target is None:
            e.subnets_complete = False
        else:
            e.subnets.append(m.subnets[target.urn])
    for r in ctx.each(T.VPCE_SG_ASSOC):
        e, target = _association(ctx, r, "securityGroupId", T.SECURITY_GROUPS)
        if e is None:
            for x in m.endpoints.values():
                x.sgs_complete = False
        elif target is None:
            e.sgs_complete = False
        else:
            e.security_groups.append(m.security_groups[target.urn])


def _association(ctx: BuildContext, r: Res, key: str, types: Sequence[str]) -> Tuple[Optional[Endpoint], Optional[Res]]:
    """(the endpoint, the resource) an endpoint association joins; None for either that is not resolved."""
    ep = ctx.model.resolve_one(r, "vpcEndpointId", r.p("vpcEndpointId"), (T.VPCE,))
    if not isinstance(ep, Res):
        return None, None
    target = ctx.model.resolve_one(r, key, r.p(key), types)
    return ctx.model.endpoints[ep.urn], (target if isinstance(target, Res) else None)
