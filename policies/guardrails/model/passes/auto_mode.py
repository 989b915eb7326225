"""Builder pass: EKS Auto Mode clusters as data planes.

Auto Mode launches EC2 nodes itself; there is no node group resource. Where they land (EKS User Guide,
create-node-class and set-builtin-node-pools; eksctl User Guide, auto-mode: "if the cluster ... uses public
subnets as cluster subnets, Auto Mode will launch nodes in public subnets"):

- the built-in node pools (`general-purpose`, `system`) use the default NodeClass, which places nodes in the
  cluster's subnets (`vpcConfig.subnetIds`; for a pulumi-eks `Cluster`, `subnetIds` or
  `publicSubnetIds` + `privateSubnetIds`, nodejs/eks/cluster/cluster.ts);
- a NodeClass (`eks.amazonaws.com/v1`, registered through pulumi-kubernetes) places the nodes of the node
  pools that use it in the subnets its `spec.subnetSelectorTerms` select: by `id`, or by `tags` matched
  here against the subnets of the stack.

Each becomes a NodeGroup whose `res` is the resource that launches the nodes (the cluster) or decides their
subnets (the NodeClass), so the node-subnet, egress, PrivateLink and ordering rules judge them like any
other data plane. Runs before node_groups.py, which reads `Cluster.auto_mode`.
"""
from __future__ import annotations

import json
from typing import Any, List, Optional, Tuple

from .. import types as T
from ..entities import Cluster, NodeGroup, Res, Subnet, Vpc
from ..values import UNKNOWN, as_list, get, is_unknown, plain, proxy_target, tri_bool
from .context import BuildContext

# pulumi-eks sets these node pools unless autoMode.computeConfig.nodePools says otherwise (cluster.ts)
PULUMI_EKS_DEFAULT_NODE_POOLS = ["general-purpose", "system"]


def auto_mode_settings(m, res: Res) -> Tuple[Any, Any]:
    """(enabled, node pools) of a cluster: raw `computeConfig`, or pulumi-eks `autoMode`.

    pulumi-eks computes its child's `computeConfig` in an apply (with the node role it creates), so at preview
    the raw child's value is unknown: the inputs of the component that owns it decide then."""
    if res.type == T.EKS_CLUSTER:
        cc = res.p("computeConfig")
        if cc is UNKNOWN:
            owner = next((m.by_urn.get(p) for p in m.ancestors(res.urn) if m.type_of_urn.get(p) == T.C_CLUSTER), None)
            return auto_mode_settings(m, owner) if owner is not None else (UNKNOWN, UNKNOWN)
        enabled = tri_bool(get(cc, "enabled"), False) if isinstance(cc, dict) or cc is None else UNKNOWN
        pools = get(cc, "nodePools") if isinstance(cc, dict) else None
        return enabled, ([] if pools is None else pools)
    am = res.p("autoMode")
    if am is UNKNOWN:
        return UNKNOWN, UNKNOWN
    if not isinstance(am, dict):
        return False, []
    enabled = tri_bool(am.get("enabled"), False)
    cc = am.get("computeConfig")
    if cc is UNKNOWN:
        return enabled, UNKNOWN
    pools = get(cc, "nodePools") if isinstance(cc, dict) else None
    return enabled, (list(PULUMI_EKS_DEFAULT_NODE_POOLS) if pools is None else pools)


def _has_pools(pools: Any) -> Any:
    if pools is UNKNOWN:
        return UNKNOWN
    vals = as_list(pools)
    if vals is UNKNOWN:
        return UNKNOWN
    return bool(vals)


def _add(m, ng: NodeGroup) -> None:
    ng.dependency_roots.insert(0, ng.res)
    m.node_groups.append(ng)
    if ng.cluster is not None:
        ng.cluster.node_groups.append(ng)


def _node_class_cluster(ctx: BuildContext, r: Res, only_auto: Optional[Cluster]) -> Optional[Cluster]:
    """The cluster a NodeClass belongs to: the one its dependencies or its Kubernetes provider's reach, else the
    only Auto Mode cluster of the stack (`only_auto`; the NodeClass kind exists only in Auto Mode clusters)."""
    m = ctx.model
    starts = [r.urn]
    provider = getattr(m.graph.get(r.urn), "provider", None)
    if getattr(provider, "urn", None):
        starts.append(provider.urn)
    found = {}
    for s in starts:
        for u in (s, *m.dependencies_of(s)):
            c = m.cluster_alias.get(u)
            if c is not None:
                found[id(c)] = c
    if len(found) == 1:
        return next(iter(found.values()))
    return only_auto if not found else None


def _tags_match(want: Any, have: Any) -> Any:
    if want is UNKNOWN or have is UNKNOWN or not isinstance(want, dict):
        return UNKNOWN
    have = have if isinstance(have, dict) else {}
    result: Any = True
    for k, v in want.items():
        hv = have.get(k)
        if is_unknown(v) or is_unknown(hv):
            result = UNKNOWN
        elif hv is None or (v != "*" and hv != v):  # "*" matches any value (Karpenter selector terms)
            return False
    return result


def _provider_default_tags(m) -> Any:
    """The AWS providers' `defaultTags.tags` (merged), UNKNOWN if any is unknown."""
    out: dict = {}
    for urn, pr in m.graph.items():
        if m.type_of_urn.get(urn) != "pulumi:providers:aws":
            continue
        dt = get(plain(proxy_target(getattr(pr, "props", None))) or {}, "defaultTags")
        if isinstance(dt, str) and not is_unknown(dt):  # provider inputs arrive JSON-encoded
            try:
                dt = json.loads(dt)
            except ValueError:
                return UNKNOWN
        tags = get(dt, "tags") if isinstance(dt, dict) else (UNKNOWN if is_unknown(dt) else None)
        if tags is UNKNOWN or (tags is not None and not isinstance(tags, dict)):
            return UNKNOWN
        out.update(tags or {})
    return out


def _subnet_tags(s: Subnet, default_tags: Any) -> Any:
    """A subnet's tags as EC2 holds them (`tagsAll`); at preview `tagsAll` is unknown, so `tags` over the
    providers' default tags."""
    tags, tags_all = s.res.p("tags"), s.res.p("tagsAll")
    if isinstance(tags_all, dict) and not is_unknown(tags_all):
        return tags_all
    if tags is UNKNOWN or default_tags is UNKNOWN:
        return UNKNOWN
    return {**default_tags, **(tags if isinstance(tags, dict) else {})}


class _Subnets:
    """What tag selectors are matched against, computed once per build: the stack's subnets by VPC and the AWS
    providers' default tags."""

    def __init__(self, m) -> None:
        self.by_vpc: dict = {}
        for s in m.subnets.values():
            if isinstance(s.vpc, Vpc):
                self.by_vpc.setdefault(id(s.vpc), []).append(s)
        self.default_tags = _provider_default_tags(m)

    def of(self, vpc: Vpc) -> List[Subnet]:
        return self.by_vpc.get(id(vpc), [])


def _selected_subnets(ctx: BuildContext, r: Res, c: Optional[Cluster], pool: _Subnets
                      ) -> Tuple[List[Subnet], bool, str]:
    """The subnets a NodeClass selects, whether that is all of them, and why not."""
    terms = r.p("spec", "subnetSelectorTerms")
    if terms is None:
        return [], False, "the NodeClass has no spec.subnetSelectorTerms"
    terms = as_list(terms)
    if terms is UNKNOWN:
        return [], False, "its spec.subnetSelectorTerms are unknown"
    ids = [get(t, "id") for t in terms if isinstance(t, dict) and get(t, "id") is not None]
    out: List[Subnet] = []
    complete, why = True, ""
    if ids:
        ref = ctx.subnet_ref(r, "spec", ids)
        out, complete = list(ref.subnets), ref.complete and ref.exact
        why = ref.why
    by_tags = [get(t, "tags") for t in terms if isinstance(t, dict) and get(t, "tags") is not None]
    if any(not isinstance(t, dict) or (get(t, "id") is None and get(t, "tags") is None) for t in terms):
        complete, why = False, "a subnetSelectorTerm is neither an id nor tags"
    if by_tags:
        vpc = c.vpc if c is not None else None
        if not isinstance(vpc, Vpc):
            # the tag selector picks from the subnets of the cluster's VPC: not knowing it, pick nothing
            return out, False, "the cluster's VPC, whose subnets the tag selector picks from, is unknown"
        chosen = {id(x) for x in out}
        for s in pool.of(vpc):
            hit = False
            for want in by_tags:
                ok = _tags_match(want, _subnet_tags(s, pool.default_tags))
                if ok is True:
                    hit = True
                    break
                if ok is UNKNOWN:
                    complete, why = False, f"the tags of subnet {s.res.label} (or of the selector) are unknown"
            if hit and id(s) not in chosen:
                chosen.add(id(s))
                out.append(s)
        if complete and not out:
            complete, why = False, "its tag selector matches no subnet of this stack"
    return out, complete, why


def build(ctx: BuildContext) -> None:
    m = ctx.model
    for c in m.clusters.values():
        c.auto_mode, c.auto_node_pools = auto_mode_settings(m, c.res)
        if c.auto_mode is False or _has_pools(c.auto_node_pools) is False:
            continue  # no Auto Mode, or no built-in node pool: nodes only where a NodeClass says
        ng = NodeGroup(c.res, "auto")
        ng.cluster = c
        if c.auto_mode is UNKNOWN or _has_pools(c.auto_node_pools) is UNKNOWN:
            # maybe no Auto Mode nodes at all: judging the cluster's subnets as theirs could be a wrong failure
            ng.subnets_complete = False
            ng.subnets_why = "whether the cluster runs EKS Auto Mode node pools (computeConfig) is unknown"
        else:
            ng.subnets, ng.subnets_complete = list(c.subnets), c.subnets_complete
            ng.subnets_exact, ng.subnets_why = c.subnets_exact, c.subnets_why
        ng.security_group_urns = set(c.security_group_urns)  # the default NodeClass uses the cluster security group
        _add(m, ng)
    node_classes = ctx.each(T.NODE_CLASS)
    if not node_classes:
        return
    auto = [c for c in m.clusters.values() if c.auto_mode is not False]
    only_auto = auto[0] if len(auto) == 1 else None
    pool = _Subnets(m)
    for r in node_classes:
        ng = NodeGroup(r, "auto-nodeclass")
        ng.cluster = _node_class_cluster(ctx, r, only_auto)
        ng.subnets, ng.subnets_complete, ng.subnets_why = _selected_subnets(ctx, r, ng.cluster, pool)
        # spec.advancedNetworking.associatePublicIPAddress can only take the subnet's public IP away (EKS User
        # Guide, create-node-class and auto-controls); unset, the subnet decides
        public_ip = tri_bool(r.p("spec", "advancedNetworking", "associatePublicIPAddress"), None)
        if public_ip is False or public_ip is UNKNOWN:
            ng.public_ip, ng.public_ip_set = public_ip, True
            ng.public_ip_source = "NodeClass spec.advancedNetworking.associatePublicIPAddress"
        if ng.cluster is not None:
            ng.dependency_roots.append(ng.cluster.res)  # the cluster launches the nodes
            ng.security_group_urns = set(ng.cluster.security_group_urns)
        _add(m, ng)
