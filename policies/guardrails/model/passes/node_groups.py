"""Builder pass: node groups of every kind (managed, Fargate, auto scaling groups, pulumi-eks components)."""
from __future__ import annotations

from typing import Any, Optional

from .. import types as T
from ..entities import Cluster, NodeGroup, Res
from ..values import UNKNOWN, as_list, decode_base64, get, is_unknown, tri_bool
from .context import BuildContext


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
        ng.subnets, ng.subnets_complete = ctx.subnets(r, "subnetIds", r.p("subnetIds"))
        _lt_public_ip(ctx, ng, _launch_template(ctx, r, "launchTemplate", r.p("launchTemplate")))
        add(ng)
    for r in ctx.each(T.FARGATE_PROFILE):
        ng = NodeGroup(r, "fargate")
        ng.cluster = _cluster_by_ref(ctx, r, "clusterName", r.p("clusterName")) or _cluster_from_ancestors(ctx, r.urn)
        ng.subnets, ng.subnets_complete = ctx.subnets(r, "subnetIds", r.p("subnetIds"))
        add(ng)
    for r in ctx.each(T.ASG):
        ng = NodeGroup(r, "asg")
        ng.cluster = _asg_cluster(ctx, r)
        if ng.cluster is None:
            continue  # not a node group of any cluster in this stack
        ng.subnets, ng.subnets_complete = ctx.subnets(r, "vpcZoneIdentifiers", r.p("vpcZoneIdentifiers"))
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
        _component_node_subnets(ctx, ng, r, "subnetIds")
        _lt_public_ip(ctx, ng, _launch_template(ctx, r, "launchTemplate", r.p("launchTemplate")))
        add(ng)
    for t, kind in ((T.C_NODE_GROUP_V2, "eks-nodegroup-v2"), (T.C_NODE_GROUP, "eks-nodegroup")):
        for r in ctx.each(t):
            if r.urn in realized:
                continue
            ng = NodeGroup(r, kind)
            ng.cluster = _cluster_by_ref(ctx, r, "cluster", r.p("cluster"))
            _component_node_subnets(ctx, ng, r, "nodeSubnetIds")
            v = tri_bool(r.p("nodeAssociatePublicIpAddress"), True)  # pulumi-eks default: true
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
        if has_fargate:
            ng = NodeGroup(r, "eks-fargate")
            ng.cluster = c
            if isinstance(fargate, dict) and (fargate.get("subnetIds") is not None):
                ng.subnets, ng.subnets_complete = ctx.subnets(r, "fargate", fargate.get("subnetIds"))
            else:
                _default_node_subnets(ctx, ng, r, fargate=True)
            add(ng)
        if not has_fargate and skip_default is not True:
            ng = NodeGroup(r, "eks-default")
            ng.cluster = c
            _default_node_subnets(ctx, ng, r, fargate=False)
            opts = r.p("nodeGroupOptions") if isinstance(r.p("nodeGroupOptions"), dict) else {}
            raw = opts.get("nodeAssociatePublicIpAddress", r.p("nodeAssociatePublicIpAddress"))
            v = tri_bool(raw, True)
            if skip_default is UNKNOWN:
                v = UNKNOWN if v is not False else v
            if v is not False:
                ng.public_ip = v
                ng.public_ip_source = ("nodeAssociatePublicIpAddress" if raw is not None else
                                       "nodeAssociatePublicIpAddress of the default node group (not set; pulumi-eks defaults it to true)")
            add(ng)


def _component_node_subnets(ctx: BuildContext, ng: NodeGroup, r: Res, key: str) -> None:
    if r.p(key) is not None or r.pdeps.get(key):
        ng.subnets, ng.subnets_complete = ctx.subnets(r, key, r.p(key))
        return
    c = ng.cluster
    if c is not None and c.kind == "component":
        _default_node_subnets(ctx, ng, c.res, fargate=False)
    elif c is not None:
        ng.subnets, ng.subnets_complete = list(c.subnets), c.subnets_complete
    else:
        ng.subnets_complete = False


def _default_node_subnets(ctx: BuildContext, ng: NodeGroup, r: Res, fargate: bool) -> None:
    """pulumi-eks: nodes go to nodeSubnetIds, else the private subnets, else all cluster subnets."""
    keys = ("privateSubnetIds", "subnetIds") if fargate else ("nodeSubnetIds", "privateSubnetIds", "subnetIds")
    for k in keys:
        if r.p(k) is not None or r.pdeps.get(k):
            ng.subnets, ng.subnets_complete = ctx.subnets(r, k, r.p(k))
            return
    if ng.cluster is not None:
        ng.subnets, ng.subnets_complete = list(ng.cluster.subnets), ng.cluster.subnets_complete
    else:
        ng.subnets_complete = False


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
