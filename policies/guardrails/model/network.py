"""The network model: built once per stack analysis from the resources, indexed by id and by URN.

Every reference (a subnet's `vpcId`, a node group's `subnetIds`, a route's `gatewayId`, ...) is resolved
by id where the id is known (existing stack, state export) and through the resource's
`propertyDependencies` URNs where it is not (preview of a new stack). Anything that cannot be resolved is
kept as UNKNOWN / incomplete so the rules can say "cannot decide" instead of guessing.
"""
from __future__ import annotations

import base64
import gc
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from . import types as T
from .values import UNKNOWN, as_list, get, is_unknown, network, plain, tri_bool


class Res:
    """One stack resource with plain props and dependency URNs."""
    __slots__ = ("urn", "type", "name", "props", "deps", "pdeps", "parent")

    def __init__(self, urn: str, type_: str, name: str, props: Dict[str, Any], deps: List[str],
                 pdeps: Dict[str, List[str]], parent: Optional[str]) -> None:
        self.urn, self.type, self.name, self.props = urn, type_, name, props
        self.deps, self.pdeps, self.parent = deps, pdeps, parent

    def p(self, *path: Any) -> Any:
        return get(self.props, *path)

    @property
    def label(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def rid(self) -> Any:
        v = self.props.get("id")
        return v if isinstance(v, str) else None


# ---------------------------------------------------------------------------------------------- entities

class Vpc:
    def __init__(self, res: Res) -> None:
        self.res = res
        self.cidrs: List[Any] = [res.p("cidrBlock")] if res.p("cidrBlock") is not None else []
        self.dns_support = tri_bool(res.p("enableDnsSupport"), True)     # AWS default: true
        self.dns_hostnames = tri_bool(res.p("enableDnsHostnames"), False)  # AWS default: false
        self.main_route_table: Any = None   # RouteTable, UNKNOWN, or None (implicit main table: local only)
        self.endpoints: List["Endpoint"] = []


class Subnet:
    def __init__(self, res: Res) -> None:
        self.res = res
        self.vpc: Any = None
        az = res.p("availabilityZone")
        if az is None:
            az = res.p("availabilityZoneId")
        self.az = az  # str, UNKNOWN, or None (AWS picks one: unknown to us)
        self.cidr = res.p("cidrBlock")
        self.map_public = tri_bool(res.p("mapPublicIpOnLaunch"), False)
        self.route_table: Any = None  # RouteTable | UNKNOWN; None -> use the VPC's main table
        self.rt_explicit = False

    def effective_route_table(self) -> Any:
        if self.rt_explicit:
            return self.route_table
        if self.vpc is None or self.vpc is UNKNOWN:
            return UNKNOWN
        return self.vpc.main_route_table  # None = implicit main table with only the local route


class Route:
    __slots__ = ("v4_default", "v6_default", "kind", "targets", "source")

    def __init__(self, v4_default: Any, v6_default: Any, kind: Any, targets: List[Res], source: Res) -> None:
        self.v4_default = v4_default  # True / False / UNKNOWN
        self.v6_default = v6_default
        self.kind = kind              # "igw" | "nat" | "other" | UNKNOWN
        self.targets = targets
        self.source = source


class RouteTable:
    def __init__(self, res: Res) -> None:
        self.res = res
        self.vpc: Any = None
        self.routes: List[Route] = []

    def default_routes(self) -> List[Route]:
        return [r for r in self.routes if r.v4_default is not False]

    def igw_route(self) -> Any:
        """True if a default route (0.0.0.0/0 or ::/0) goes to an internet gateway, UNKNOWN if maybe."""
        result: Any = False
        for r in self.routes:
            if r.v4_default is False and r.v6_default is False:
                continue
            if r.kind == "igw" and (r.v4_default is True or r.v6_default is True):
                return True
            if r.kind is UNKNOWN or r.kind == "igw":
                result = UNKNOWN
        return result


class Nat:
    def __init__(self, res: Res) -> None:
        self.res = res
        self.public = res.p("connectivityType") != "private"
        self.eips: List[Res] = []
        self.eip_complete = True

    def public_ips(self) -> Tuple[List[str], bool]:
        """Known public IPs of this NAT's EIPs, and whether every one is known."""
        ips, complete = [], self.eip_complete
        for e in self.eips:
            ip = e.p("publicIp")
            if isinstance(ip, str) and not is_unknown(ip):
                ips.append(ip)
            else:
                complete = False
        return ips, complete and bool(self.eips)


class Endpoint:
    def __init__(self, res: Res) -> None:
        self.res = res
        t = res.p("vpcEndpointType")
        self.type = UNKNOWN if t is UNKNOWN else (t or "Gateway")  # AWS default: Gateway
        self.service = service_short_name(res.p("serviceName"))
        self.private_dns = tri_bool(res.p("privateDnsEnabled"), False)
        self.vpc: Any = None
        self.subnets: List[Subnet] = []
        self.subnets_complete = True
        self.route_tables: List[RouteTable] = []
        self.route_tables_complete = True
        self.security_groups: List["SecurityGroup"] = []
        self.sgs_complete = True


class IngressRule:
    __slots__ = ("protocol", "from_port", "to_port", "cidrs", "sources", "self_ref", "source_unknown", "origin")

    def __init__(self, protocol: Any, from_port: Any, to_port: Any, cidrs: List[Any], sources: List[Res],
                 self_ref: bool, source_unknown: bool, origin: Res) -> None:
        self.protocol, self.from_port, self.to_port = protocol, from_port, to_port
        self.cidrs, self.sources, self.self_ref = cidrs, sources, self_ref
        self.source_unknown, self.origin = source_unknown, origin

    def allows_tcp(self, port: int) -> Any:
        proto = self.protocol
        if proto is UNKNOWN or proto is None:
            return UNKNOWN
        proto = str(proto).lower()
        if proto in ("-1", "all"):
            return True
        if proto not in ("tcp", "6"):
            return False
        if self.from_port is UNKNOWN or self.to_port is UNKNOWN:
            return UNKNOWN
        try:
            return int(self.from_port) <= port <= int(self.to_port)
        except (TypeError, ValueError):
            return UNKNOWN


class SecurityGroup:
    def __init__(self, res: Res) -> None:
        self.res = res
        self.vpc: Any = None
        self.ingress: List[IngressRule] = []
        self.ingress_complete = True


class Cluster:
    def __init__(self, res: Res, kind: str) -> None:
        self.res = res
        self.kind = kind  # "raw" | "component"
        self.name: Any = None
        self.public: Any = True
        self.private: Any = False
        self.public_cidrs: Any = None  # list (may hold UNKNOWN), UNKNOWN, or None (= AWS default 0.0.0.0/0)
        self.cidrs_deps: List[str] = []  # URNs the CIDR list was computed from
        self.subnets: List[Subnet] = []
        self.subnets_complete = True
        self.vpc: Any = None
        self.security_group_urns: set = set()
        self.node_groups: List["NodeGroup"] = []

    @property
    def private_only(self) -> Any:
        if self.public is UNKNOWN or self.private is UNKNOWN:
            return UNKNOWN
        return self.private is True and self.public is False

    @property
    def public_only(self) -> Any:
        if self.public is UNKNOWN or self.private is UNKNOWN:
            return UNKNOWN
        return self.public is True and self.private is False


class NodeGroup:
    def __init__(self, res: Res, kind: str) -> None:
        self.res = res
        self.kind = kind  # managed | asg | fargate | eks-managed | eks-nodegroup-v2 | eks-nodegroup | eks-default | eks-fargate
        self.cluster: Optional[Cluster] = None
        self.subnets: List[Subnet] = []
        self.subnets_complete = True
        self.public_ip: Any = False     # asks for a public IP: True / False / UNKNOWN
        self.public_ip_source = ""     # where the request comes from (for messages)
        self.security_group_urns: set = set()
        self.dependency_roots: List[Res] = []  # resources whose dependencies order this node group

    @property
    def is_fargate(self) -> bool:
        return self.kind in ("fargate", "eks-fargate")

    @property
    def self_managed(self) -> bool:
        return self.kind in ("asg", "eks-nodegroup-v2", "eks-nodegroup", "eks-default")

    @property
    def label(self) -> str:
        return self.res.label


def endpoint_access(res: Res) -> Tuple[Any, Any, Any]:
    """(public, private, publicAccessCidrs) of a cluster: from `vpcConfig` of a raw `aws:eks/cluster`, from
    the inputs of a pulumi-eks `Cluster`. AWS defaults: public on, private off; CIDRs None when not set."""
    if res.type == T.EKS_CLUSTER:
        vc = res.p("vpcConfig")
        if vc is UNKNOWN:
            return UNKNOWN, UNKNOWN, UNKNOWN
        return (tri_bool(get(vc, "endpointPublicAccess"), True), tri_bool(get(vc, "endpointPrivateAccess"), False),
                get(vc, "publicAccessCidrs"))
    return (tri_bool(res.p("endpointPublicAccess"), True), tri_bool(res.p("endpointPrivateAccess"), False),
            res.p("publicAccessCidrs"))


def service_short_name(service: Any) -> Any:
    """com.amazonaws.us-east-1.ecr.dkr -> ecr.dkr (also handles cn and vpce-svc names)."""
    if service is UNKNOWN or not isinstance(service, str):
        return UNKNOWN if service is UNKNOWN else None
    parts = service.split(".")
    if len(parts) >= 4 and parts[0] in ("com", "cn") and parts[1] == "amazonaws":
        return ".".join(parts[3:])
    return service


# ---------------------------------------------------------------------------------------------- the model

class NetworkModel:
    def __init__(self) -> None:
        self.by_urn: Dict[str, Res] = {}
        self.by_id: Dict[str, List[Res]] = {}
        self.type_of_urn: Dict[str, str] = {}
        self.graph: Dict[str, Any] = {}  # urn -> PolicyResource-like (for dependency walks)
        self.parent_of: Dict[str, Optional[str]] = {}
        self.vpcs: Dict[str, Vpc] = {}
        self.subnets: Dict[str, Subnet] = {}
        self.route_tables: Dict[str, RouteTable] = {}
        self.nats: Dict[str, Nat] = {}
        self.endpoints: Dict[str, Endpoint] = {}
        self.security_groups: Dict[str, SecurityGroup] = {}
        self.clusters: Dict[str, Cluster] = {}        # urn -> Cluster (only the ones that are judged)
        self.cluster_alias: Dict[str, Cluster] = {}   # any cluster URN (raw or component) -> judged Cluster
        self.clusters_by_name: Dict[str, Cluster] = {}
        self.node_groups: List[NodeGroup] = []
        self.launch_templates: Dict[str, Res] = {}
        self._dep_cache: Dict[str, frozenset] = {}
        self.results_cache: Dict[Any, Any] = {}

    # -- lookups ------------------------------------------------------------------------------------
    def find(self, value: Any, types: Sequence[str]) -> Optional[Res]:
        if not isinstance(value, str) or is_unknown(value):
            return None
        if value.startswith("urn:pulumi:"):
            r = self.by_urn.get(value)
            return r if r is not None and r.type in types else None
        for r in self.by_id.get(value, ()):
            if r.type in types:
                return r
        return None

    def deps_of_type(self, res: Res, key: str, types: Sequence[str]) -> List[Res]:
        out = []
        for u in res.pdeps.get(key, ()):
            r = self.by_urn.get(u)
            if r is not None and r.type in types:
                out.append(r)
        return out

    def resolve(self, res: Res, key: str, value: Any, types: Sequence[str]) -> Tuple[List[Res], bool]:
        """Resolve a reference (or list of references) to resources of `types`.

        Returns (resources, complete). Known ids match by id; unknown elements are covered by the
        resource's propertyDependencies[key]; anything else (an id of a resource outside the stack,
        an unknown without dependencies) makes the result incomplete."""
        vals = as_list(value)
        if vals is UNKNOWN:
            found = self.deps_of_type(res, key, types)
            return found, bool(found)
        out: Dict[str, Res] = {}
        need_deps = False
        for v in vals:
            if isinstance(v, dict):  # a resource reference object
                v = v.get("urn") or v.get("id")
            r = self.find(v, types)
            if r is not None:
                out[r.urn] = r
            else:
                need_deps = True
        complete = True
        if need_deps:
            found = self.deps_of_type(res, key, types)
            for r in found:
                out[r.urn] = r
            n_unresolved = sum(1 for v in vals if self.find(v.get("urn") if isinstance(v, dict) else v, types) is None)
            complete = len(found) >= n_unresolved and bool(found)
        return list(out.values()), complete

    def resolve_one(self, res: Res, key: str, value: Any, types: Sequence[str]) -> Any:
        """One resource, or UNKNOWN (cannot tell), or None (no reference given)."""
        if value is None and not res.pdeps.get(key):
            return None
        found, complete = self.resolve(res, key, value, types)
        if found:
            return found[0]
        return UNKNOWN

    # -- dependency closure ---------------------------------------------------------------------------
    def depends_on(self, start_urns: Iterable[str], targets: Iterable[str]) -> set:
        """The subset of `targets` reachable from `start_urns` through dependencies/propertyDependencies."""
        targets = set(targets)
        found: set = set()
        for s in start_urns:
            found |= self._closure(s) & targets
        return found

    def _closure(self, urn: str) -> frozenset:
        """All URNs `urn` depends on (transitively). Memoised, iterative; linear over the stack."""
        cache = self._dep_cache
        if urn in cache:
            return cache[urn]
        stack: List[Tuple[str, bool]] = [(urn, False)]
        on_stack: set = set()
        while stack:
            u, done = stack.pop()
            if done:
                acc = set()
                for d in self._edges(u):
                    acc.add(d)
                    acc |= cache.get(d, frozenset())
                cache[u] = frozenset(acc)
                on_stack.discard(u)
                continue
            if u in cache or u in on_stack:
                continue
            on_stack.add(u)
            stack.append((u, True))
            for d in self._edges(u):
                if d not in cache and d not in on_stack:
                    stack.append((d, False))
        return cache[urn]

    def _edges(self, urn: str) -> List[str]:
        pr = self.graph.get(urn)
        if pr is None:
            return []
        return pr_dep_urns(pr)


def pr_dep_urns(pr: Any) -> List[str]:
    out = [d.urn if hasattr(d, "urn") else d for d in (pr.dependencies or [])]
    for v in (pr.property_dependencies or {}).values():
        out.extend(d.urn if hasattr(d, "urn") else d for d in v)
    return out


def _raw_props(pr: Any) -> Any:
    p = pr.props
    try:
        return p["__target"] if not isinstance(p, dict) else p
    except Exception:  # noqa: BLE001
        return p


def build_model(resources: Sequence[Any], component_inputs: Optional[Mapping[str, Dict[str, Any]]] = None
                ) -> NetworkModel:
    """Build the model from pulumi_policy.PolicyResource objects (or anything shaped like them) and the
    inputs Analyze saw for the pulumi-eks components among them (``analysis.Analysis``).

    The cyclic garbage collector is paused while the (acyclic, allocation-heavy) indexes are built, so
    the build stays linear in the number of resources."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_model(resources, component_inputs or {})
    finally:
        if enabled:
            gc.enable()


def _build_model(resources: Sequence[Any], component_inputs: Mapping[str, Dict[str, Any]]) -> NetworkModel:
    m = NetworkModel()
    buckets: Dict[str, List[Res]] = {}
    for pr in resources:
        urn = pr.urn
        m.graph[urn] = pr
        m.type_of_urn[urn] = pr.resource_type
        parent = pr.parent.urn if getattr(pr, "parent", None) is not None else None
        m.parent_of[urn] = parent
        if pr.resource_type not in T.MODELLED:
            continue
        props = plain(_raw_props(pr))
        if not isinstance(props, dict):
            props = {}
        if pr.resource_type in T.COMPONENTS:
            seen = component_inputs.get(urn)
            if seen:
                props = {**seen, **props}
        pdeps = {k: [d.urn if hasattr(d, "urn") else d for d in v]
                 for k, v in (pr.property_dependencies or {}).items()}
        deps = [d.urn if hasattr(d, "urn") else d for d in (pr.dependencies or [])]
        res = Res(urn, pr.resource_type, pr.name, props, deps, pdeps, parent)
        m.by_urn[urn] = res
        for key in ("id", "arn", "allocationId"):
            v = props.get(key)
            if isinstance(v, str) and v:
                m.by_id.setdefault(v, []).append(res)
        if res.type in (T.LAUNCH_TEMPLATE, T.LAUNCH_CONFIG):
            n = props.get("name")
            if isinstance(n, str):
                m.by_id.setdefault(n, []).append(res)
        buckets.setdefault(res.type, []).append(res)
    _Builder(m, buckets).build()
    return m


class _Builder:
    def __init__(self, m: NetworkModel, buckets: Dict[str, List[Res]]) -> None:
        self.m, self.b = m, buckets
        self._unplaced_routes: List[Route] = []
        self._unplaced_assocs = False

    def each(self, t: str) -> List[Res]:
        return self.b.get(t, [])

    def build(self) -> None:
        m = self.m
        for r in self.each(T.VPC):
            m.vpcs[r.urn] = Vpc(r)
        for r in self.each(T.SUBNET):
            s = Subnet(r)
            s.vpc = self._vpc(r, "vpcId")
            m.subnets[r.urn] = s
        self._route_tables()
        self._nats()
        self._security_groups()
        self._endpoints()
        for r in self.each(T.LAUNCH_TEMPLATE) + self.each(T.LAUNCH_CONFIG):
            m.launch_templates[r.urn] = r
        self._clusters()
        self._node_groups()

    # -- helpers -------------------------------------------------------------------------------------
    def _vpc(self, r: Res, key: str, value: Any = None) -> Any:
        v = r.p(key) if value is None else value
        found = self.m.resolve_one(r, key, v, (T.VPC,))
        if found is None or found is UNKNOWN:
            return found
        return self.m.vpcs.get(found.urn, UNKNOWN)

    def _subnets(self, r: Res, key: str, value: Any) -> Tuple[List[Subnet], bool]:
        found, complete = self.m.resolve(r, key, value, (T.SUBNET,))
        return [self.m.subnets[x.urn] for x in found], complete

    # -- routing -------------------------------------------------------------------------------------
    def _route_tables(self) -> None:
        m = self.m
        for r in self.each(T.ROUTE_TABLE):
            rt = RouteTable(r)
            rt.vpc = self._vpc(r, "vpcId")
            m.route_tables[r.urn] = rt
            for route in as_list(r.p("routes")) if r.p("routes") is not UNKNOWN else []:
                rt.routes.append(self._route(r, "routes", route))
            if r.p("routes") is UNKNOWN:
                rt.routes.append(Route(UNKNOWN, UNKNOWN, UNKNOWN, [], r))
        for r in self.each(T.DEFAULT_ROUTE_TABLE):
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
                rt.routes.append(self._route(r, "routes", route))
        for r in self.each(T.ROUTE):
            rt_res = m.resolve_one(r, "routeTableId", r.p("routeTableId"), T.ROUTE_TABLES)
            if isinstance(rt_res, Res):
                m.route_tables[rt_res.urn].routes.append(self._route(r, None, r.props))
            else:
                # a route we cannot place: every route table of its VPC might have it
                self._unplaced_routes.append(self._route(r, None, r.props))
        for r in self.each(T.MAIN_RT_ASSOC):
            vpc = self._vpc(r, "vpcId")
            rt_res = m.resolve_one(r, "routeTableId", r.p("routeTableId"), T.ROUTE_TABLES)
            if isinstance(vpc, Vpc):
                vpc.main_route_table = m.route_tables[rt_res.urn] if isinstance(rt_res, Res) else UNKNOWN
        for r in self.each(T.RT_ASSOC):
            if r.p("subnetId") is None and not r.pdeps.get("subnetId"):
                continue  # gateway (edge) association
            sn = m.resolve_one(r, "subnetId", r.p("subnetId"), (T.SUBNET,))
            rt_res = m.resolve_one(r, "routeTableId", r.p("routeTableId"), T.ROUTE_TABLES)
            if isinstance(sn, Res):
                s = m.subnets[sn.urn]
                s.rt_explicit = True
                s.route_table = m.route_tables[rt_res.urn] if isinstance(rt_res, Res) else UNKNOWN
            else:
                self._unplaced_assocs = True
        if self._unplaced_routes:
            for rt in m.route_tables.values():
                rt.routes.append(Route(UNKNOWN, UNKNOWN, UNKNOWN, [], self._unplaced_routes[0].source))
        if self._unplaced_assocs:
            for s in m.subnets.values():
                if not s.rt_explicit:
                    s.rt_explicit, s.route_table = True, UNKNOWN

    def _route(self, owner: Res, pdep_key: Optional[str], route: Any) -> Route:
        m = self.m
        if not isinstance(route, dict):
            return Route(UNKNOWN, UNKNOWN, UNKNOWN, [], owner)
        v4 = route.get("cidrBlock", route.get("destinationCidrBlock"))
        v6 = route.get("ipv6CidrBlock", route.get("destinationIpv6CidrBlock"))
        v4_default: Any = UNKNOWN if v4 is UNKNOWN else (isinstance(v4, str) and _is_default(v4))
        v6_default: Any = UNKNOWN if v6 is UNKNOWN else (isinstance(v6, str) and _is_default(v6))
        if route.get("destinationPrefixListId") not in (None,) and v4 is None and v6 is None:
            v4_default = v6_default = False
        kind: Any = "other"
        targets: List[Res] = []

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
        elif nat is not None and nat != "":
            r = m.find(nat, (T.NAT,))
            if r is not None:
                kind, targets = "nat", [r]
            else:
                kind, targets = "nat", deps_for("natGatewayId", (T.NAT,))
        elif any(route.get(k) not in (None, "") for k in (
                "transitGatewayId", "networkInterfaceId", "vpcPeeringConnectionId", "egressOnlyGatewayId",
                "carrierGatewayId", "localGatewayId", "coreNetworkArn", "vpcEndpointId", "instanceId")):
            kind = "other"
        else:
            kind = UNKNOWN
        return Route(v4_default, v6_default, kind, targets, owner)

    def _nats(self) -> None:
        m = self.m
        for r in self.each(T.NAT):
            n = Nat(r)
            if n.public:
                eips, complete = m.resolve(r, "allocationId", r.p("allocationId"), (T.EIP,))
                n.eips, n.eip_complete = eips, complete
            m.nats[r.urn] = n

    # -- security groups -------------------------------------------------------------------------------
    def _security_groups(self) -> None:
        m = self.m
        for r in self.each(T.SG) + self.each(T.DEFAULT_SG):
            sg = SecurityGroup(r)
            sg.vpc = self._vpc(r, "vpcId")
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
                    sources, unk = self._sg_refs(r, "ingress", rule.get("securityGroups"))
                    sg.ingress.append(IngressRule(
                        rule.get("protocol"), rule.get("fromPort"), rule.get("toPort"),
                        _cidrs(rule.get("cidrBlocks")) + _cidrs(rule.get("ipv6CidrBlocks")),
                        sources, tri_bool(rule.get("self"), False) is True, unk, r))
            m.security_groups[r.urn] = sg
        for r in self.each(T.SG_RULE):
            if r.p("type") != "ingress":
                continue
            target = m.resolve_one(r, "securityGroupId", r.p("securityGroupId"), T.SECURITY_GROUPS)
            sources, unk = self._sg_refs(r, "sourceSecurityGroupId", r.p("sourceSecurityGroupId"))
            rule = IngressRule(r.p("protocol"), r.p("fromPort"), r.p("toPort"),
                               _cidrs(r.p("cidrBlocks")) + _cidrs(r.p("ipv6CidrBlocks")), sources,
                               tri_bool(r.p("self"), False) is True, unk, r)
            self._attach_rule(target, rule)
        for r in self.each(T.SG_INGRESS_RULE):
            target = m.resolve_one(r, "securityGroupId", r.p("securityGroupId"), T.SECURITY_GROUPS)
            sources, unk = self._sg_refs(r, "referencedSecurityGroupId", r.p("referencedSecurityGroupId"))
            rule = IngressRule(r.p("ipProtocol"), r.p("fromPort"), r.p("toPort"),
                               _cidrs(r.p("cidrIpv4")) + _cidrs(r.p("cidrIpv6")), sources, False, unk, r)
            self._attach_rule(target, rule)

    def _attach_rule(self, target: Any, rule: IngressRule) -> None:
        if isinstance(target, Res):
            self.m.security_groups[target.urn].ingress.append(rule)
        else:  # a rule we cannot place could belong to any group
            for sg in self.m.security_groups.values():
                sg.ingress_complete = False

    def _sg_refs(self, r: Res, key: str, value: Any) -> Tuple[List[Res], bool]:
        """Source security groups of a rule. Cluster URNs stand for the EKS cluster security group."""
        if value is None or value == [] or value == "":
            return [], False
        types = T.SECURITY_GROUPS + T.CLUSTERS
        vals = as_list(value)
        found, complete = self.m.resolve(r, key, value, types)
        if not complete and vals is not UNKNOWN:
            # a known id outside the stack, e.g. an EKS-created cluster security group id from an export
            for v in vals:
                if isinstance(v, str) and v.startswith("sg-") and self.m.find(v, types) is None:
                    for c in self.m.by_id.get("@clustersg:" + v, ()):
                        found.append(c)
        return found, not complete

    # -- endpoints -------------------------------------------------------------------------------------
    def _endpoints(self) -> None:
        m = self.m
        for r in self.each(T.VPCE):
            e = Endpoint(r)
            e.vpc = self._vpc(r, "vpcId")
            if isinstance(e.vpc, Vpc):
                e.vpc.endpoints.append(e)
            e.subnets, e.subnets_complete = self._subnets(r, "subnetIds", r.p("subnetIds"))
            rts, e.route_tables_complete = m.resolve(r, "routeTableIds", r.p("routeTableIds"), T.ROUTE_TABLES)
            e.route_tables = [m.route_tables[x.urn] for x in rts]
            sgs, e.sgs_complete = m.resolve(r, "securityGroupIds", r.p("securityGroupIds"), T.SECURITY_GROUPS)
            e.security_groups = [m.security_groups[x.urn] for x in sgs]
            m.endpoints[r.urn] = e
        for t, key, attr, types in (
                (T.VPCE_RT_ASSOC, "routeTableId", "route_tables", T.ROUTE_TABLES),
                (T.VPCE_SUBNET_ASSOC, "subnetId", "subnets", (T.SUBNET,)),
                (T.VPCE_SG_ASSOC, "securityGroupId", "security_groups", T.SECURITY_GROUPS)):
            for r in self.each(t):
                ep = m.resolve_one(r, "vpcEndpointId", r.p("vpcEndpointId"), (T.VPCE,))
                target = m.resolve_one(r, key, r.p(key), types)
                if not isinstance(ep, Res):
                    for e in m.endpoints.values():  # could be any endpoint's
                        setattr(e, attr.replace("security_groups", "sgs") + "_complete", False)
                    continue
                e = m.endpoints[ep.urn]
                if isinstance(target, Res):
                    coll = {"route_tables": m.route_tables, "subnets": m.subnets,
                            "security_groups": m.security_groups}[attr]
                    getattr(e, attr).append(coll[target.urn])
                else:
                    setattr(e, attr.replace("security_groups", "sgs") + "_complete", False)

    # -- clusters --------------------------------------------------------------------------------------
    def _clusters(self) -> None:
        m = self.m
        realized: Dict[str, Res] = {}  # component Cluster URN -> raw child cluster
        for r in self.each(T.EKS_CLUSTER):
            anc = self._ancestor_of_type(r.urn, (T.C_CLUSTER,))
            if anc is not None:
                realized[anc] = r
        for r in self.each(T.EKS_CLUSTER):
            c = Cluster(r, "raw")
            vc = r.p("vpcConfig")
            c.public, c.private, pc = endpoint_access(r)
            if vc is UNKNOWN:
                c.subnets_complete = False
            else:
                vc = vc or {}
                c.public_cidrs = pc if pc is UNKNOWN or pc is None else as_list(pc)
                c.subnets, c.subnets_complete = self._subnets(r, "vpcConfig", get(vc, "subnetIds"))
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
            c.vpc = self._cluster_vpc(c, r, get(r.props, "vpcConfig", "vpcId"), "vpcConfig")
            self._register_cluster(c, r)
        for r in self.each(T.C_CLUSTER):
            if r.urn in realized:
                m.cluster_alias[r.urn] = m.clusters[realized[r.urn].urn]
                continue
            c = Cluster(r, "component")
            c.public, c.private, pc = endpoint_access(r)
            c.public_cidrs = pc if pc is UNKNOWN or pc is None else as_list(pc)
            c.cidrs_deps = list(r.pdeps.get("publicAccessCidrs", ()))
            sub_ids, key = self._component_cluster_subnets(r)
            if key is None:
                c.subnets, c.subnets_complete = [], False  # default VPC: outside the stack
            else:
                subs, comp = [], True
                for k, v in sub_ids:
                    s, ok = self._subnets(r, k, v)
                    subs.extend(s)
                    comp = comp and ok
                c.subnets, c.subnets_complete = _uniq(subs), comp
            c.name = r.p("name")
            c.vpc = self._cluster_vpc(c, r, r.p("vpcId"), "vpcId")
            for k in ("clusterSecurityGroup", "nodeSecurityGroup"):
                for x in m.deps_of_type(r, k, T.SECURITY_GROUPS):
                    c.security_group_urns.add(x.urn)
            self._register_cluster(c, r)

    def _register_cluster(self, c: Cluster, r: Res) -> None:
        m = self.m
        m.clusters[r.urn] = c
        m.cluster_alias[r.urn] = c
        c.security_group_urns.add(r.urn)  # the EKS-created cluster security group stands for the cluster
        if isinstance(c.name, str):
            m.clusters_by_name[c.name] = c

    def _component_cluster_subnets(self, r: Res) -> Tuple[List[Tuple[str, Any]], Optional[str]]:
        if r.p("subnetIds") is not None or r.pdeps.get("subnetIds"):
            return [("subnetIds", r.p("subnetIds"))], "subnetIds"
        parts = [(k, r.p(k)) for k in ("publicSubnetIds", "privateSubnetIds")
                 if r.p(k) is not None or r.pdeps.get(k)]
        return parts, ("split" if parts else None)

    def _cluster_vpc(self, c: Cluster, r: Res, vpc_value: Any, key: str) -> Any:
        for s in c.subnets:
            if isinstance(s.vpc, Vpc):
                return s.vpc
        if vpc_value is not None:
            found = self.m.resolve_one(r, key, vpc_value, (T.VPC,))
            if isinstance(found, Res):
                return self.m.vpcs[found.urn]
        return UNKNOWN

    def _ancestor_of_type(self, urn: str, types: Sequence[str]) -> Optional[str]:
        p = self.m.parent_of.get(urn)
        seen = 0
        while p is not None and seen < 64:
            if self.m.type_of_urn.get(p) in types:
                return p
            p = self.m.parent_of.get(p)
            seen += 1
        return None

    # -- node groups -----------------------------------------------------------------------------------
    def _cluster_by_ref(self, r: Res, key: str, value: Any) -> Optional[Cluster]:
        m = self.m
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

    def _cluster_from_ancestors(self, urn: str) -> Optional[Cluster]:
        m = self.m
        p = m.parent_of.get(urn)
        seen = 0
        while p is not None and seen < 64:
            if p in m.cluster_alias:
                return m.cluster_alias[p]
            pr = m.by_urn.get(p)
            if pr is not None and pr.type in (T.C_MANAGED_NG, T.C_NODE_GROUP_V2, T.C_NODE_GROUP):
                c = self._cluster_by_ref(pr, "cluster", pr.p("cluster"))
                if c is not None:
                    return c
            p = m.parent_of.get(p)
            seen += 1
        return None

    def _launch_template(self, r: Res, key: str, spec: Any) -> Any:
        """The launch template (Res) a spec points to, UNKNOWN, or None."""
        if spec is None and not r.pdeps.get(key):
            return None
        m = self.m
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

    def _lt_public_ip(self, ng: NodeGroup, lt: Any) -> None:
        if lt is None:
            return
        if lt is UNKNOWN:
            ng.public_ip, ng.public_ip_source = UNKNOWN, "an unresolved launch template"
            return
        m = self.m
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

    def _node_groups(self) -> None:
        m = self.m
        realized: set = set()
        for t in (T.EKS_NODE_GROUP, T.ASG, T.FARGATE_PROFILE, T.EKS_CLUSTER):
            for r in self.each(t):
                p = m.parent_of.get(r.urn)
                seen = 0
                while p is not None and seen < 64:
                    if m.type_of_urn.get(p) in (T.C_MANAGED_NG, T.C_NODE_GROUP_V2, T.C_NODE_GROUP, T.C_CLUSTER):
                        realized.add(p)
                    p = m.parent_of.get(p)
                    seen += 1

        def add(ng: NodeGroup) -> None:
            ng.dependency_roots.insert(0, ng.res)
            m.node_groups.append(ng)
            if ng.cluster is not None:
                ng.cluster.node_groups.append(ng)

        for r in self.each(T.EKS_NODE_GROUP):
            ng = NodeGroup(r, "managed")
            ng.cluster = self._cluster_by_ref(r, "clusterName", r.p("clusterName")) or self._cluster_from_ancestors(r.urn)
            ng.subnets, ng.subnets_complete = self._subnets(r, "subnetIds", r.p("subnetIds"))
            self._lt_public_ip(ng, self._launch_template(r, "launchTemplate", r.p("launchTemplate")))
            add(ng)
        for r in self.each(T.FARGATE_PROFILE):
            ng = NodeGroup(r, "fargate")
            ng.cluster = self._cluster_by_ref(r, "clusterName", r.p("clusterName")) or self._cluster_from_ancestors(r.urn)
            ng.subnets, ng.subnets_complete = self._subnets(r, "subnetIds", r.p("subnetIds"))
            add(ng)
        for r in self.each(T.ASG):
            ng = NodeGroup(r, "asg")
            ng.cluster = self._asg_cluster(r)
            if ng.cluster is None:
                continue  # not a node group of any cluster in this stack
            ng.subnets, ng.subnets_complete = self._subnets(r, "vpcZoneIdentifiers", r.p("vpcZoneIdentifiers"))
            lt = self._launch_template(r, "launchTemplate", r.p("launchTemplate"))
            if lt is None:
                spec = r.p("mixedInstancesPolicy", "launchTemplate", "launchTemplateSpecification")
                lt = self._launch_template(r, "mixedInstancesPolicy", spec)
            if lt is None:
                lt = self._launch_template(r, "launchConfiguration", r.p("launchConfiguration"))
            self._lt_public_ip(ng, lt)
            add(ng)
        # pulumi-eks components that have no raw children in the stack (e.g. a preview of a new stack)
        for r in self.each(T.C_MANAGED_NG):
            if r.urn in realized:
                continue
            ng = NodeGroup(r, "eks-managed")
            ng.cluster = self._cluster_by_ref(r, "cluster", r.p("cluster"))
            if ng.cluster is None:
                ng.cluster = self._cluster_by_ref(r, "clusterName", r.p("clusterName"))
            self._component_node_subnets(ng, r, "subnetIds")
            self._lt_public_ip(ng, self._launch_template(r, "launchTemplate", r.p("launchTemplate")))
            add(ng)
        for t, kind in ((T.C_NODE_GROUP_V2, "eks-nodegroup-v2"), (T.C_NODE_GROUP, "eks-nodegroup")):
            for r in self.each(t):
                if r.urn in realized:
                    continue
                ng = NodeGroup(r, kind)
                ng.cluster = self._cluster_by_ref(r, "cluster", r.p("cluster"))
                self._component_node_subnets(ng, r, "nodeSubnetIds")
                v = tri_bool(r.p("nodeAssociatePublicIpAddress"), True)  # pulumi-eks default: true
                if v is not False:
                    ng.public_ip = v
                    ng.public_ip_source = ("nodeAssociatePublicIpAddress" if r.p("nodeAssociatePublicIpAddress") is not None
                                           else "nodeAssociatePublicIpAddress (not set; pulumi-eks defaults it to true)")
                for x in m.deps_of_type(r, "nodeSecurityGroup", T.SECURITY_GROUPS):
                    ng.security_group_urns.add(x.urn)
                add(ng)
        for r in self.each(T.C_CLUSTER):
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
                    ng.subnets, ng.subnets_complete = self._subnets(r, "fargate", fargate.get("subnetIds"))
                else:
                    self._default_node_subnets(ng, r, fargate=True)
                add(ng)
            if not has_fargate and skip_default is not True:
                ng = NodeGroup(r, "eks-default")
                ng.cluster = c
                self._default_node_subnets(ng, r, fargate=False)
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

    def _component_node_subnets(self, ng: NodeGroup, r: Res, key: str) -> None:
        if r.p(key) is not None or r.pdeps.get(key):
            ng.subnets, ng.subnets_complete = self._subnets(r, key, r.p(key))
            return
        c = ng.cluster
        if c is not None and c.kind == "component":
            self._default_node_subnets(ng, c.res, fargate=False)
        elif c is not None:
            ng.subnets, ng.subnets_complete = list(c.subnets), c.subnets_complete
        else:
            ng.subnets_complete = False

    def _default_node_subnets(self, ng: NodeGroup, r: Res, fargate: bool) -> None:
        """pulumi-eks: nodes go to nodeSubnetIds, else the private subnets, else all cluster subnets."""
        keys = ("privateSubnetIds", "subnetIds") if fargate else ("nodeSubnetIds", "privateSubnetIds", "subnetIds")
        for k in keys:
            if r.p(k) is not None or r.pdeps.get(k):
                ng.subnets, ng.subnets_complete = self._subnets(r, k, r.p(k))
                return
        if ng.cluster is not None:
            ng.subnets, ng.subnets_complete = list(ng.cluster.subnets), ng.cluster.subnets_complete
        else:
            ng.subnets_complete = False

    def _asg_cluster(self, r: Res) -> Optional[Cluster]:
        m = self.m
        c = self._cluster_from_ancestors(r.urn)
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
        lt = self._launch_template(r, "launchTemplate", lt_spec)
        for x in ([r] + ([lt] if isinstance(lt, Res) else [])):
            for u in list(x.deps) + [u for v in x.pdeps.values() for u in v]:
                if u in m.cluster_alias:
                    return m.cluster_alias[u]
            if x.type == T.LAUNCH_TEMPLATE:
                ud = x.p("userData")
                if isinstance(ud, str) and m.clusters_by_name:
                    text = _b64(ud)
                    for name, c in m.clusters_by_name.items():
                        if name and name in text:
                            return c
        return None


def _b64(s: str) -> str:
    try:
        return base64.b64decode(s, validate=False).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001
        return s


def _is_default(c: str) -> bool:
    n = network(c)
    return n is not None and n.prefixlen == 0


def _cidrs(v: Any) -> List[Any]:
    if v is None:
        return []
    if v is UNKNOWN:
        return [UNKNOWN]
    return list(as_list(v))


def _uniq(items: List[Any]) -> List[Any]:
    seen, out = set(), []
    for i in items:
        if id(i) not in seen:
            seen.add(id(i))
            out.append(i)
    return out
