"""Builder pass: security groups and their ingress rules (inline, SecurityGroupRule, SecurityGroupIngressRule)."""
from __future__ import annotations

from typing import Any, List, Tuple

from .. import types as T
from ..entities import IngressRule, Res, SecurityGroup
from ..values import UNKNOWN, as_list, cidr_list, tri_bool
from .context import BuildContext


def build(ctx: BuildContext) -> None:
    m = ctx.model
    for r in ctx.each(T.SG) + ctx.each(T.DEFAULT_SG):
        sg = SecurityGroup(r)
        sg.vpc = ctx.vpc(r, "vpcId")
        ing = r.p("ingress")
        if ing is UNKNOWN:
            sg.ingress_complete = False
        elif r.type == T.DEFAULT_SG and ing is None:
            sg.ingress.append(IngressRule("-1", 0, 0, [], [], True, False, r))
        else:
            for rule in as_list(ing):
                if not isinstance(rule, dict):
                    sg.ingress_complete = False
                    continue
                sources, unk = _sg_refs(ctx, r, "ingress", rule.get("securityGroups"))
                sg.ingress.append(IngressRule(
                    rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"),
                    cidr_list(rule.get("cidrBlocks")) + cidr_list(rule.get("ipv6CidrBlocks")),
                    sources, tri_bool(rule.get("self"), False) is True, unk, r))
        m.security_groups[r.urn] = sg
    for r in ctx.each(T.SG_RULE):
        if r.p("type") != "ingress":
            continue
        target = m.resolve_one(r, "securityGroupId", r.p("securityGroupId"), T.SECURITY_GROUPS)
        sources, unk = _sg_refs(ctx, r, "sourceSecurityGroupId", r.p("sourceSecurityGroupId"))
        rule = IngressRule(r.p("protocol"), r.p("fromPort"), r.p("toPort"),
                           cidr_list(r.p("cidrBlocks")) + cidr_list(r.p("ipv6CidrBlocks")), sources,
                           tri_bool(r.p("self"), False) is True, unk, r)
        _attach_rule(ctx, target, rule)
    for r in ctx.each(T.SG_INGRESS_RULE):
        target = m.resolve_one(r, "securityGroupId", r.p("securityGroupId"), T.SECURITY_GROUPS)
        sources, unk = _sg_refs(ctx, r, "referencedSecurityGroupId", r.p("referencedSecurityGroupId"))
        rule = IngressRule(r.p("ipProtocol"), r.p("fromPort"), r.p("toPort"),
                           cidr_list(r.p("cidrIpv4")) + cidr_list(r.p("cidrIpv6")), sources, False, unk, r)
        _attach_rule(ctx, target, rule)


def _attach_rule(ctx: BuildContext, target: Any, rule: IngressRule) -> None:
    if isinstance(target, Res):
        ctx.model.security_groups[target.urn].ingress.append(rule)
    else:  # a rule we cannot place could belong to any group
        for sg in ctx.model.security_groups.values():
            sg.ingress_complete = False


def _sg_refs(ctx: BuildContext, r: Res, key: str, value: Any) -> Tuple[List[Res], bool]:
    """Source security groups of a rule. Cluster URNs stand for the EKS cluster security group."""
    if value is None or value == [] or value == "":
        return [], False
    types = T.SECURITY_GROUPS + T.CLUSTERS
    vals = as_list(value)
    found, complete = ctx.model.resolve(r, key, value, types)
    if not complete and vals is not UNKNOWN:
        # a known id outside the stack, e.g. an EKS-created cluster security group id from an export
        for v in vals:
            if isinstance(v, str) and v.startswith("sg-") and ctx.model.find(v, types) is None:
                for c in ctx.model.by_id.get("@clustersg:" + v, ()):
                    found.append(c)
    return found, not complete

# -- endpoints -------------------------------------------------------------------------------------
