"""Builder pass: EKS clusters, raw `aws:eks/cluster` and pulumi-eks `Cluster` components."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from .. import types as T
from ..entities import Cluster, Res, Vpc, endpoint_access
from ..values import UNKNOWN, as_list, get, unique_by_identity
from .context import BuildContext


def build(ctx: BuildContext) -> None:
    m = ctx.model
    realized: Dict[str, Res] = {}  # component Cluster URN -> raw child cluster
    for r in ctx.each(T.EKS_CLUSTER):
        anc = next((p for p in m.ancestors(r.urn) if m.type_of_urn.get(p) == T.C_CLUSTER), None)
        if anc is not None:
            realized[anc] = r
    for r in ctx.each(T.EKS_CLUSTER):
        c = Cluster(r, "raw")
        vc = r.p("vpcConfig")
        c.public, c.private, pc = endpoint_access(r)
        if vc is UNKNOWN:
            c.subnets_complete = False
        else:
            vc = vc or {}
            c.public_cidrs = pc if pc is UNKNOWN or pc is None else as_list(pc)
            c.subnets, c.subnets_complete = ctx.subnets(r, "vpcConfig", get(vc, "subnetIds"))
            for sgid in as_list(get(vc, "securityGroupIds")) if get(vc, "securityGroupIds") is not UNKNOWN else []:
                x = m.find(sgid, T.SECURITY_GROUPS)
                if x is not None:
                    c.security_group_urns.add(x.urn)
            for x in m.deps_of_type(r, "vpcConfig", T.SECURITY_GROUPS):
                c.security_group_urns.add(x.urn)
            csg = get(vc, "clusterSecurityGroupId")
            if isinstance(csg, str) and csg:
                m.by_id.setdefault("@clustersg:" + csg, []).append(r)
        c.cidrs_deps = list(r.pdeps.get("vpcConfig", ()))
        c.name = r.p("name")
        c.vpc = _cluster_vpc(ctx, c, r, get(r.props, "vpcConfig", "vpcId"), "vpcConfig")
        _register_cluster(ctx, c, r)
    for r in ctx.each(T.C_CLUSTER):
        if r.urn in realized:
            m.cluster_alias[r.urn] = m.clusters[realized[r.urn].urn]
            continue
        c = Cluster(r, "component")
        c.public, c.private, pc = endpoint_access(r)
        c.public_cidrs = pc if pc is UNKNOWN or pc is None else as_list(pc)
        c.cidrs_deps = list(r.pdeps.get("publicAccessCidrs", ()))
        sub_ids, key = _component_cluster_subnets(ctx, r)
        if key is None:
            c.subnets, c.subnets_complete = [], False  # default VPC: outside the stack
        else:
            subs, comp = [], True
            for k, v in sub_ids:
                s, ok = ctx.subnets(r, k, v)
                subs.extend(s)
                comp = comp and ok
            c.subnets, c.subnets_complete = unique_by_identity(subs), comp
        c.name = r.p("name")
        c.vpc = _cluster_vpc(ctx, c, r, r.p("vpcId"), "vpcId")
        for k in ("clusterSecurityGroup", "nodeSecurityGroup"):
            for x in m.deps_of_type(r, k, T.SECURITY_GROUPS):
                c.security_group_urns.add(x.urn)
        _register_cluster(ctx, c, r)


def _register_cluster(ctx: BuildContext, c: Cluster, r: Res) -> None:
    m = ctx.model
    m.clusters[r.urn] = c
    m.cluster_alias[r.urn] = c
    c.security_group_urns.add(r.urn)  # the EKS-created cluster security group stands for the cluster
    if isinstance(c.name, str):
        m.clusters_by_name[c.name] = c


def _component_cluster_subnets(ctx: BuildContext, r: Res) -> Tuple[List[Tuple[str, Any]], Optional[str]]:
    if r.p("subnetIds") is not None or r.pdeps.get("subnetIds"):
        return [("subnetIds", r.p("subnetIds"))], "subnetIds"
    parts = [(k, r.p(k)) for k in ("publicSubnetIds", "privateSubnetIds")
             if r.p(k) is not None or r.pdeps.get(k)]
    return parts, ("split" if parts else None)


def _cluster_vpc(ctx: BuildContext, c: Cluster, r: Res, vpc_value: Any, key: str) -> Any:
    for s in c.subnets:
        if isinstance(s.vpc, Vpc):
            return s.vpc
    if vpc_value is not None:
        found = ctx.model.resolve_one(r, key, vpc_value, (T.VPC,))
        if isinstance(found, Res):
            return ctx.model.vpcs[found.urn]
    return UNKNOWN
