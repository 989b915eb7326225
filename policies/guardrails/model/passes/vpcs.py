"""Builder pass: VPCs and their subnets."""
from __future__ import annotations

from .. import types as T
from ..entities import Subnet, Vpc
from .context import BuildContext


def build(ctx: BuildContext) -> None:
    m = ctx.model
    for r in ctx.each(T.VPC):
        m.vpcs[r.urn] = Vpc(r)
    for r in ctx.each(T.SUBNET):
        s = Subnet(r)
        s.vpc = ctx.vpc(r, "vpcId")
        m.subnets[r.urn] = s
