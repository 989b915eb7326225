"""Builder pass: node groups of every kind (managed, Fargate, auto scaling groups, pulumi-eks components)."""
from __future__ import annotations

from typing import Any, Optional

from .. import types as T
from ..entities import Cluster, NodeGroup, Res
from ..values import UNKNOWN, as_list, decode_base64, get, is_unknown, tri_bool
from .context import BuildContext, SubnetRef


def _cluster_by_ref(ctx: BuildContext, r: Res, key: str, value: Any) -> Optional[Cluster]:
    m = ctx.model
    v = value
    if isinstance(v, dict):
        v = v.get("urn") or v.get("cluster") or v.get("name")
        if isinstance(v, dict):
            v = v.get("urn") or v.get("name")
    if isinstance(v, str) and not is_unknown(v):
        if v in m.cluster_alias:
            return m.cluster_alias[v]
        if v in m.clusters_by_name:
            return m.clusters_by_name[v]
        for x in m.by_id.get(v, ()):
            if x.urn in m.cluster_alias:
                return m.cluster_alias[x.urn]
    for u in r.pdeps.get(key, ()):
        if u in m.cluster_alias:
            return m.cluster_alias[u]
    return None


def _cluster_from_ancestors(ctx: BuildContext, urn: str) -> Optional[Cluster]:
    m = ctx.model
    for p in m.ancestors(urn):
        if p in m.cluster_alias:
            return m.cluster_alias[p]
        pr = m.by_urn.get(p)
        if pr is not None and pr.type in (T.C_MANAGED_NG, T.C_NODE_GROUP_V2, T.C_NODE_GROUP):
            c = _cluster_by_ref(ctx, pr, "cluster", pr.p("cluster"))
            if c is not None:
                return c
    return None


def _launch_template(ctx: BuildContext, r: Res, key: str, spec: Any) -> Any:
    """The launch template (Res) a spec points to, UNKNOWN, or None."""
    if spec is None and not r.pdeps.get(key):
        return None
    m = ctx.model
    if isinstance(spec, dict):
        for k in ("id", "launchTemplateId", "name", "launchTemplateName"):
            x = m.find(spec.get(k), (T.LAUNCH_TEMPLATE,))
            if x is not None:
                return x
    elif isinstance(spec, str):
        x = m.find(spec, (T.LAUNCH_TEMPLATE, T.LAUNCH_CONFIG))
        if x is not None:
            return x
    found = m.deps_of_type(r, key, (T.LAUNCH_TEMPLATE, T.LAUNCH_CONFIG))
    return found[0] if len(found) == 1 else UNKNOWN


def _lt_public_ip(ctx: BuildContext, ng: NodeGroup, lt: Any) -> None:
    if lt is None:
        return
    if lt is UNKNOWN:
        ng.public_ip, ng.public_ip_source = UNKNOWN, "an unresolved launch template"
        return
    m = ctx.model
    if lt.type == T.LAUNCH_CONFIG:
        v = tri_bool(lt.p("associatePublicIpAddress"), False)
        ng.public_ip_set = lt.p("associatePublicIpAddress") is not None
        src = f"launch configuration {lt.label}: associatePublicIpAddress"
        for x in m.deps_of_type(lt, "securityGroups", T.SECURITY_GROUPS):
            ng.security_group_urns.add(x.urn)
    else:
        nics = lt.p("networkInterfaces")
        v, src = False, ""
        if nics is UNKNOWN:
            v, src = UNKNOWN, f"launch template {lt.label}: networkInterfaces"
        else:
            for i, nic in enumerate(as_list(nics)):
                a = tri_bool(get(nic, "associatePublicIpAddress"), False) if isinstance(nic, dict) else UNKNOWN
                if i == 0 and (not isinstance(nic, dict) or get(nic, "associatePublicIpAddress") is not None):
                    ng.public_ip_set = True  # the primary interface's setting overrides the subnet's
                if a is True or (a is UNKNOWN and v is False):
                    v = a
                    src = f"launch template {lt.label}: networkInterfaces[{i}].associatePublicIpAddress"
                for sg in as_list(get(nic, "securityGroups")) if isinstance(nic, dict) and get(nic, "securityGroups") is not UNKNOWN else []:
                    x = m.find(sg, T.SECURITY_GROUPS)
                    if x is not None:
                        ng.security_group_urns.add(x.urn)
        for sg in as_list(lt.p("vpcSecurityGroupIds")) if lt.p("vpcSecurityGroupIds") is not UNKNOWN else []:
            x = m.find(sg, T.SECURITY_GROUPS)
            if x is not None:
                ng.security_group_urns.add(x.urn)
        for k in ("vpcSecurityGroupIds", "networkInterfaces"):
            for x in m.deps_of_type(lt, k, T.SECURITY_GROUPS):
                ng.security_group_urns.add(x.urn)
    if v is not False:
        ng.public_ip, ng.public_ip_source = v, src
    ng.dependency_roots.append(lt)


def build(ctx: BuildContext) -> None:
    m = ctx.model
    for r in ctx.each(T.LAUNCH_TEMPLATE) + ctx.each(T.LAUNCH_CONFIG):
        m.launch_templates[r.urn] = r
    realized: set = set()
    for t in (T.EKS_NODE_GROUP, T.ASG, T.FARGATE_PROFILE, T.EKS_CLUSTER):
        for r in ctx.each(t):
            realized.update(p for p in m.ancestors(r.urn) if m.type_of_urn.get(p) in T.COMPONENTS)

    def add(ng: NodeGroup) -> None:
        ng.dependency_roots.insert(0, ng.res)
        m.node_groups.append(ng)
        if ng.cluster is not None:
            ng.cluster.node_groups.append(ng)

    for r in ctx.each(T.EKS_NODE_GROUP):
        ng = NodeGroup(r, "managed")
        ng.cluster = _cluster_by_ref(ctx, r, "clusterName", r.p("clusterName")) or _cluster_from_ancestors(ctx, r.urn)
        _set_subnets(ng, ctx.subnet_ref(r, "subnetIds", r.p("subnetIds")))
        _lt_public_ip(ctx, ng, _launch_template(ctx, r, "launchTemplate", r.p("launchTemplate")))
        add(ng)
    for r in ctx.each(T.FARGATE_PROFILE):
        ng = NodeGroup(r, "fargate")
        ng.cluster = _cluster_by_ref(ctx, r, "clusterName", r.p("clusterName")) or _cluster_from_ancestors(ctx, r.urn)
        _set_subnets(ng, ctx.subnet_ref(r, "subnetIds", r.p("subnetIds")))
        add(ng)
    for r in ctx.each(T.ASG):
        ng = NodeGroup(r, "asg")
        ng.cluster = _asg_cluster(ctx, r)
        if ng.cluster is None:
            continue  # not a node group of any cluster in this stack
        _set_subnets(ng, ctx.subnet_ref(r, "vpcZoneIdentifiers", r.p("vpcZoneIdentifiers")))
        lt = _launch_template(ctx, r, "launchTemplate", r.p("launchTemplate"))
        if lt is None:
            spec = r.p("mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification")
            lt = _launch_template(ctx, r, "mixedInstancesPolicy", spec)
        if lt is None:
            lt = _launch_template(ctx, r, "launchConfiguration", r.p("launchConfiguration"))
        _lt_public_ip(ctx, ng, lt)
        add(ng)
    # pulumi-eks components that have no raw children in the stack (e.g. a preview of a new stack)
    for r in ctx.each(T.C_MANAGED_NG):
        if r.urn in realized:
            continue
        ng = NodeGroup(r, "eks-managed")
        ng.cluster = _cluster_by_ref(ctx, r, "cluster", r.p("cluster"))
        if ng.cluster is None:
            ng.cluster = _cluster_by_ref(ctx, r, "clusterName", r.p("clusterName"))
        if r.p("subnetIds") is not None or r.pdeps.get("subnetIds"):
            _set_subnets(ng, ctx.subnet_ref(r, "subnetIds", r.p("subnetIds")))
        else:
            _cluster_subnets(ng)  # pulumi-eks: every subnet of the cluster (core.subnetIds)
        _lt_public_ip(ctx, ng, _launch_template(ctx, r, "launchTemplate", r.p("launchTemplate")))
        add(ng)
    for t, kind in ((T.C_NODE_GROUP_V2, "eks-nodegroup-v2"), (T.C_NODE_GROUP, "eks-nodegroup")):
        for r in ctx.each(t):
            if r.urn in realized:
                continue
            ng = NodeGroup(r, kind)
            ng.cluster = _cluster_by_ref(ctx, r, "cluster", r.p("cluster"))
            if r.p("nodeSubnetIds") is not None or r.pdeps.get("nodeSubnetIds"):
                _set_subnets(ng, ctx.subnet_ref(r, "nodeSubnetIds", r.p("nodeSubnetIds")))
            elif ng.cluster is not None and ng.cluster.kind == "component":
                _self_managed_subnets(ctx, ng, ng.cluster.res)
            else:
                _cluster_subnets(ng)
            v = tri_bool(r.p("nodeAssociatePublicIpAddress"), True)  # pulumi-eks default: true
            ng.public_ip_set = True
            if v is not False:
                ng.public_ip = v
                ng.public_ip_source = ("nodeAssociatePublicIpAddress" if r.p("nodeAssociatePublicIpAddress") is not None
                                       else "nodeAssociatePublicIpAddress (not set; pulumi-eks defaults it to true)")
            for x in m.deps_of_type(r, "nodeSecurityGroup", T.SECURITY_GROUPS):
                ng.security_group_urns.add(x.urn)
            add(ng)
    for r in ctx.each(T.C_CLUSTER):
        if r.urn in realized or r.urn not in m.clusters:
            continue
        c = m.clusters[r.urn]
        fargate = r.p("fargate")
        has_fargate = fargate is not None and tri_bool(fargate, True) is not False if not isinstance(fargate, dict) else True
        if fargate is UNKNOWN:
            has_fargate = True
        skip_default = tri_bool(r.p("skipDefaultNodeGroup"), False)
        if c.auto_mode is True:
            skip_default = True  # pulumi-eks creates no default node group with Auto Mode (cluster.ts)
        if has_fargate:
            ng = NodeGroup(r, "eks-fargate")
            ng.cluster = c
            if isinstance(fargate, dict) and (fargate.get("subnetIds") is not None):
                _worker_subnets(ng, ctx.subnet_ref(r, "fargate", fargate.get("subnetIds")))
            else:
                _worker_subnets(ng, _cluster_ref(c))
            add(ng)
        if not has_fargate and skip_default is not True:
            ng = NodeGroup(r, "eks-default")
            ng.cluster = c
            _self_managed_subnets(ctx, ng, r)
            opts = r.p("nodeGroupOptions") if isinstance(r.p("nodeGroupOptions"), dict) else {}
            raw = opts.get("nodeAssociatePublicIpAddress", r.p("nodeAssociatePublicIpAddress"))
            v = tri_bool(raw, True)
            ng.public_ip_set = True
            if skip_default is UNKNOWN:
                v = UNKNOWN if v is not False else v
            if v is not False:
                ng.public_ip = v
                ng.public_ip_source = ("nodeAssociatePublicIpAddress" if raw is not None else
                                       "nodeAssociatePublicIpAddress of the default node group (not set; pulumi-eks defaults it to true)")
            add(ng)


def _set_subnets(ng: NodeGroup, ref: SubnetRef) -> None:
    ng.subnets, ng.subnets_complete, ng.subnets_exact, ng.subnets_why = ref


def _cluster_ref(c: Optional[Cluster]) -> SubnetRef:
    if c is None:
        return SubnetRef([], False, True, "the node group's cluster is not in this stack")
    return SubnetRef(list(c.subnets), c.subnets_complete, c.subnets_exact, c.subnets_why)


def _cluster_subnets(ng: NodeGroup) -> None:
    _set_subnets(ng, _cluster_ref(ng.cluster))


def _self_managed_subnets(ctx: BuildContext, ng: NodeGroup, cluster: Res) -> None:
    """pulumi-eks self-managed nodes (the default node group, NodeGroupV2): `nodeSubnetIds`, else the cluster's
    `privateSubnetIds`, else its `publicSubnetIds`, else the worker subnets among its subnets
    (pulumi-eks 4.4 `nodejs/eks/nodes/nodegroup.ts`, createNodeGroupV2)."""
    opts = cluster.p("nodeGroupOptions") if isinstance(cluster.p("nodeGroupOptions"), dict) else {}
    if opts.get("nodeSubnetIds") is not None:
        _set_subnets(ng, ctx.subnet_ref(cluster, "nodeGroupOptions", opts.get("nodeSubnetIds")))
        return
    for k in ("nodeSubnetIds", "privateSubnetIds", "publicSubnetIds"):
        if cluster.p(k) is not None or cluster.pdeps.get(k):
            _set_subnets(ng, ctx.subnet_ref(cluster, k, cluster.p(k)))
            return
    _worker_subnets(ng, _cluster_ref(ng.cluster))


def _worker_subnets(ng: NodeGroup, ref: SubnetRef) -> None:
    """pulumi-eks `computeWorkerSubnets`: of the given subnets, those whose route table has no route to an
    internet gateway, or all of them when every one has such a route (used for self-managed nodes given only
    `subnetIds` and for Fargate profiles)."""
    if not ref.complete:
        _set_subnets(ng, ref)
        return
    routes = [(s, s.effective_route_table()) for s in ref.subnets]
    igw = [(s, rt.igw_route() if rt not in (None, UNKNOWN) else (False if rt is None else UNKNOWN)) for s, rt in routes]
    if any(v is UNKNOWN for _, v in igw):
        why = "pulumi-eks keeps the subnets without an internet gateway route, and which ones those are is unknown"
        _set_subnets(ng, SubnetRef(ref.subnets, True, False, "; ".join(x for x in (ref.why, why) if x)))
        return
    private = [s for s, v in igw if v is False]
    _set_subnets(ng, SubnetRef(private or list(ref.subnets), True, ref.exact, ref.why))


def _asg_cluster(ctx: BuildContext, r: Res) -> Optional[Cluster]:
    m = ctx.model
    c = _cluster_from_ancestors(ctx, r.urn)
    if c is not None:
        return c
    tags = r.p("tags")
    for t in as_list(tags) if tags is not UNKNOWN else []:
        key = get(t, "key") if isinstance(t, dict) else None
        if isinstance(key, str) and key.startswith("kubernetes.io/cluster/"):
            c = m.clusters_by_name.get(key[len("kubernetes.io/cluster/"):])
            if c is not None:
                return c
    lt_spec = r.p("launchTemplate")
    lt = _launch_template(ctx, r, "launchTemplate", lt_spec)
    for x in ([r] + ([lt] if isinstance(lt, Res) else [])):
        for u in list(x.deps) + [u for v in x.pdeps.values() for u in v]:
            if u in m.cluster_alias:
                return m.cluster_alias[u]
        if x.type == T.LAUNCH_TEMPLATE:
            ud = x.p("userData")
            if isinstance(ud, str) and m.clusters_by_name:
                text = decode_base64(ud)
                for name, c in m.clusters_by_name.items():
                    if name and name in text:
                        return c
    return None
