"""The network model's entities: one stack resource (Res) and the network facts built from them.

A fact that cannot be known at preview is UNKNOWN (model/values.py); a reference that cannot be resolved
leaves its entity incomplete (`*_complete = False`) so the rules can say "cannot decide" instead of guessing.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from . import types as T
from .values import UNKNOWN, get, is_unknown, tri_bool


# In the URN of a stand-in for existing infrastructure (model/existing_network.py): not in the stack, it exists.
EXISTING_MARK = "#existing:"


class Res:
    """One stack resource with plain props and dependency URNs."""
    __slots__ = ("urn", "type", "name", "props", "deps", "pdeps", "parent", "anchor")

    def __init__(self, urn: str, type_: str, name: str, props: Dict[str, Any], deps: List[str],
                 pdeps: Dict[str, List[str]], parent: Optional[str], anchor: Optional[str] = None) -> None:
        self.urn, self.type, self.name, self.props = urn, type_, name, props
        self.deps, self.pdeps, self.parent = deps, pdeps, parent
        # The stack resource that stands for this one in reports and dependency checks: itself, or for a
        # resource a model pass infers (an awsx VPC's subnets, the default VPC) the component it comes from.
        self.anchor = anchor or urn

    def p(self, *path: Any) -> Any:
        return get(self.props, *path)

    @property
    def label(self) -> str:
        return self.name if self.existing else f"{self.name} ({self.anchor})"

    @property
    def existing(self) -> bool:
        """A stand-in for infrastructure that exists outside the stack (given as AWS facts)."""
        return EXISTING_MARK in self.urn

    @property
    def inferred(self) -> bool:
        return self.anchor != self.urn


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
        self.kind: Optional[str] = None  # awsx subnet type (Public / Private / Isolated) where known

    def effective_route_table(self) -> Any:
        if self.rt_explicit:
            return self.route_table
        if self.vpc is None or self.vpc is UNKNOWN:
            return UNKNOWN
        return self.vpc.main_route_table  # None = implicit main table with only the local route


class Route:
    __slots__ = ("v4_default", "v6_default", "kind", "targets", "source", "target")

    def __init__(self, v4_default: Any, v6_default: Any, kind: Any, targets: List[Res], source: Res,
                 target: str = "") -> None:
        self.v4_default = v4_default  # True / False / UNKNOWN
        self.v6_default = v6_default
        self.kind = kind              # "igw" | "nat" | "other" | UNKNOWN
        self.targets = targets
        self.source = source
        self.target = target          # what an "other" route goes to, for messages ("a transit gateway")


class RouteTable:
    def __init__(self, res: Res) -> None:
        self.res = res
        self.vpc: Any = None
        self.routes: List[Route] = []

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
        self.subnets_exact = True  # False: `subnets` are candidates (see NodeGroup)
        self.subnets_why = ""      # why the subnets are incomplete or candidates, for notes
        self.vpc: Any = None
        self.security_group_urns: set = set()
        self.node_groups: List["NodeGroup"] = []
        # EKS Auto Mode (model/passes/auto_mode.py): True / False / UNKNOWN, and the built-in node pools it
        # runs (a list, or UNKNOWN)
        self.auto_mode: Any = False
        self.auto_node_pools: Any = []

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
        # managed | asg | fargate | eks-managed | eks-nodegroup-v2 | eks-nodegroup | eks-default | eks-fargate |
        # auto (EKS Auto Mode nodes in the cluster's subnets; res is the cluster) | auto-nodeclass (res is a NodeClass)
        self.kind = kind
        self.cluster: Optional[Cluster] = None
        self.subnets: List[Subnet] = []
        self.subnets_complete = True
        # False when `subnets` are the candidates an input may hold, not the subnets it holds: an input
        # wired from a component's output (an awsx VPC's id lists) names only the component at preview.
        self.subnets_exact = True
        self.subnets_why = ""  # why the subnets are incomplete or candidates, for notes
        self.public_ip: Any = False     # asks for a public IP: True / False / UNKNOWN
        self.public_ip_set = False      # the launch template / pulumi-eks input decides (else the subnet does)
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
    def is_auto(self) -> bool:
        return self.kind in ("auto", "auto-nodeclass")

    @property
    def label(self) -> str:
        if self.kind == "auto":
            return f"{self.res.name} (EKS Auto Mode nodes in the cluster's subnets; {self.res.urn})"
        if self.kind == "auto-nodeclass":
            return f"{self.res.name} (EKS Auto Mode NodeClass; {self.res.urn})"
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
