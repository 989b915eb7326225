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
            _set_subnets(c, ctx.subnet_ref(r, "vpcConfig", get(vc, "subnetIds")))
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
        if key is None and r.urn in m.component_subnets:  # the default VPC (passes/default_vpc.py)
            c.subnets = list(m.component_subnets[r.urn] or [])
        elif key is None:
            c.subnets, c.subnets_complete = [], False
            c.subnets_why = "no subnet ids are given and the VPC's subnets are not in this stack"
        else:
            refs = [ctx.subnet_ref(r, k, v) for k, v in sub_ids]
            c.subnets = unique_by_identity([s for ref in refs for s in ref.subnets])
            c.subnets_complete = all(ref.complete for ref in refs)
            c.subnets_exact = all(ref.exact for ref in refs)
            c.subnets_why = "; ".join(ref.why for ref in refs if ref.why)
        c.name = r.p("name")
        c.vpc = m.component_vpcs.get(r.urn) or _cluster_vpc(ctx, c, r, r.p("vpcId"), "vpcId")
        for k in ("clusterSecurityGroup", "nodeSecurityGroup"):
            for x in m.deps_of_type(r, k, T.SECURITY_GROUPS):
                c.security_group_urns.add(x.urn)
        _register_cluster(ctx, c, r)


def _set_subnets(c: Cluster, ref) -> None:
    c.subnets, c.subnets_complete, c.subnets_exact, c.subnets_why = ref


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
    if vpc_value is not None or r.pdeps.get(key):
        vpc = ctx.vpc(r, key, vpc_value)
        if isinstance(vpc, Vpc):
            return vpc
    return UNKNOWN
