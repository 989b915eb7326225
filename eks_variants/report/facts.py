"""What a report shows about one recorded stack: its cluster, network and data planes.

Read from the recorded resources only (raw `aws:*` types, pulumi-eks components), the way a reader of
`pulumi preview` output would: relations between resources come from ids where they are known (an
export of a deployed stack) and from `propertyDependencies` URNs where they are not (a preview).
This is deliberately small: the policy pack has its own, complete network model and is not imported
here (preflight never imports the pack it drives).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Optional

from preflight.sentinels import UNKNOWN_VALUE as UNKNOWN
from .shapes import report_properties

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
ROUTE = "aws:ec2/route:Route"
ASSOCIATION = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
KMS_KEY = "aws:kms/key:Key"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
FARGATE_PROFILE = "aws:eks/fargateProfile:FargateProfile"
ASG = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
PULUMI_EKS_CLUSTER = "eks:index:Cluster"
PULUMI_EKS_MANAGED = "eks:index:ManagedNodeGroup"
PULUMI_EKS_NODE_GROUP_V2 = "eks:index:NodeGroupV2"
PULUMI_EKS_NODE_GROUP = "eks:index:NodeGroup"
AWS_PROVIDER = "pulumi:providers:aws"
OPEN_TO_WORLD = "0.0.0.0/0"


def known(value: Any) -> bool:
    return value is not None and value != UNKNOWN


@dataclasses.dataclass
class Subnet:
    urn: str
    name: str
    cidr: Optional[str]
    az: Optional[str]
    map_public_ip: bool
    route: Optional[str]  # "internet gateway" | "NAT gateway" | None (no default route)
    nat: Optional[str] = None  # the NAT gateway's name when `route` is a NAT gateway

    @property
    def tier(self) -> str:
        """public (default route to an internet gateway), private (to a NAT gateway) or isolated."""
        return {"internet gateway": "public", "NAT gateway": "private"}.get(self.route or "", "isolated")


@dataclasses.dataclass
class Endpoint:
    name: str
    service: str  # short name: ec2, ecr.api, s3, ...
    kind: str  # Interface | Gateway
    azs: int  # AZs with an ENI (interface endpoints); 0 when unknown
    subnets: tuple = ()  # URNs of the subnets its ENIs are in


@dataclasses.dataclass
class DataPlane:
    urn: str
    name: str
    kind: str  # "managed node group" | "self-managed nodes" | "Fargate" | "EKS Auto Mode"
    instance_types: list = dataclasses.field(default_factory=list)
    desired: int = 0
    disk_gib: int = 0
    capacity_type: str = "ON_DEMAND"
    public_ip: bool = False  # nodes get a public IPv4 address
    subnets: list = dataclasses.field(default_factory=list)  # Subnet
    namespaces: list = dataclasses.field(default_factory=list)  # Fargate selectors


@dataclasses.dataclass
class Cluster:
    urn: str
    name: str
    version: Optional[str]
    public_endpoint: bool
    private_endpoint: bool
    public_access_cidrs: Optional[list]  # None: not known at preview
    log_types: list
    auto_mode: bool = False


@dataclasses.dataclass
class StackFacts:
    stack: str
    region: Optional[str]
    resources: int
    variant: Optional[str]
    cluster: Optional[Cluster]
    vpc_cidr: Optional[str]
    subnets: list  # Subnet, sorted by AZ then tier
    internet_gateways: list  # names
    nat_gateways: list  # (name, az or None)
    elastic_ips: list  # names
    endpoints: list  # Endpoint
    data_planes: list  # DataPlane
    kms_keys: list  # names

    @property
    def azs(self) -> list[str]:
        return sorted({s.az for s in self.subnets if s.az})

    @property
    def interface_endpoints(self) -> list[Endpoint]:
        return [e for e in self.endpoints if e.kind == "Interface"]

    @property
    def endpoint_mode(self) -> str:
        c = self.cluster
        if c is None:
            return "no cluster"
        if c.public_endpoint and c.private_endpoint:
            return "public-private"
        return "public" if c.public_endpoint else ("private" if c.private_endpoint else "none")

    @property
    def workload_subnets(self) -> list[Subnet]:
        seen: dict[str, Subnet] = {}
        for plane in self.data_planes:
            for s in plane.subnets:
                seen[s.urn] = s
        return sorted(seen.values(), key=_subnet_order)

    @property
    def nodes_run_in(self) -> str:
        tiers = sorted({s.tier for s in self.workload_subnets})
        if not tiers:
            return "unknown subnets" if self.data_planes else "no data plane"
        return " and ".join(tiers) + " subnets"

    @property
    def egress(self) -> str:
        tiers = {s.tier for s in self.workload_subnets}
        parts = []
        if "public" in tiers:
            parts.append("internet gateway (public IPs)")
        if "private" in tiers:
            parts.append(f"NAT gateway{'s' if len(self.nat_gateways) != 1 else ''}")
        if "isolated" in tiers:
            parts.append("none (PrivateLink)" if self.interface_endpoints else "none")
        return ", ".join(parts) or "unknown"

    @property
    def kubectl_from(self) -> str:
        c = self.cluster
        if c is None:
            return "no cluster"
        if not c.public_endpoint:
            return "a connected network only" if c.private_endpoint else "nowhere"
        outside = ("allowed CIDRs (computed at deploy)" if c.public_access_cidrs is None
                   else "internet" if OPEN_TO_WORLD in c.public_access_cidrs
                   else "allowed CIDRs: " + ", ".join(c.public_access_cidrs))
        return outside + (" and the VPC" if c.private_endpoint else "")


def _subnet_order(s: Subnet):
    return (s.az or "", {"public": 0, "private": 1, "isolated": 2}[s.tier], s.name)


class _Index:
    """URN and id lookups over one stack's resources."""

    def __init__(self, resources: list):
        self.resources = resources
        self.by_urn = {r.urn: r for r in resources}
        self.by_id = {r.id: r for r in resources if known(r.id) and r.id}

    def refs(self, res, key: str, types: Iterable[str], value: Any = None) -> list:
        """The resources of `types` that `res`'s input `key` names: by id where the value is known,
        by the key's propertyDependencies URNs otherwise (in URN order, so output is stable). `value`:
        the ids to look at when they sit deeper than the top-level input (`vpcConfig.subnetIds`)."""
        types = set(types)
        found: dict[str, Any] = {}
        value = res.inputs.get(key) if value is None else value
        for v in value if isinstance(value, list) else [value]:
            target = self.by_id.get(v) if isinstance(v, str) and known(v) else None
            if target is not None and target.type in types:
                found[target.urn] = target
        for urn in sorted(res.property_dependencies.get(key) or []):
            target = self.by_urn.get(urn)
            if target is not None and target.type in types:
                found[target.urn] = target
        return [found[u] for u in sorted(found)]

    def of(self, *types: str) -> list:
        return [r for r in self.resources if r.type in types]


def _region(stack, index: _Index) -> Optional[str]:
    for p in index.of(AWS_PROVIDER):
        if known(p.inputs.get("region")):
            return p.inputs["region"]
    region = (stack.config or {}).get("aws:region")
    return region if isinstance(region, str) else None


def _int(value, default: int = 0) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return default


def _template_disk(lt: dict) -> int:
    """GiB of EBS a launch template gives each instance (0 when it sets none)."""
    return sum(_int((m.get("ebs") or {}).get("volumeSize")) for m in lt.get("blockDeviceMappings") or []
               if isinstance(m, dict))


def _subnets(index: _Index) -> dict[str, Subnet]:
    """Every subnet with the default route of its route table (explicit association only)."""
    default_route: dict[str, tuple[str, Optional[str]]] = {}  # route table URN -> (kind, NAT name)
    for route in index.of(ROUTE):
        if route.inputs.get("destinationCidrBlock") != OPEN_TO_WORLD:
            continue
        for table in index.refs(route, "routeTableId", [ROUTE_TABLE]):
            if index.refs(route, "natGatewayId", [NAT]):
                default_route[table.urn] = ("NAT gateway", index.refs(route, "natGatewayId", [NAT])[0].name)
            elif index.refs(route, "gatewayId", [IGW]):
                default_route[table.urn] = ("internet gateway", None)
    for table in index.of(ROUTE_TABLE):  # inline routes
        for r in table.inputs.get("routes") or []:
            if isinstance(r, dict) and r.get("cidrBlock") == OPEN_TO_WORLD:
                kind = "NAT gateway" if known(r.get("natGatewayId")) else "internet gateway" \
                    if known(r.get("gatewayId")) else None
                if kind:
                    default_route.setdefault(table.urn, (kind, None))
    table_of: dict[str, str] = {}
    for assoc in index.of(ASSOCIATION):
        subnets = index.refs(assoc, "subnetId", [SUBNET])
        tables = index.refs(assoc, "routeTableId", [ROUTE_TABLE])
        if subnets and tables:
            table_of[subnets[0].urn] = tables[0].urn
    out = {}
    for s in index.of(SUBNET):
        route, nat = default_route.get(table_of.get(s.urn, ""), (None, None))
        # A subnet names its zone by name or by zone ID (`use1-az1`: the same in every account).
        zone = next((s.inputs[k] for k in ("availabilityZone", "availabilityZoneId") if known(s.inputs.get(k))), None)
        out[s.urn] = Subnet(urn=s.urn, name=s.name,
                            cidr=s.inputs.get("cidrBlock") if known(s.inputs.get("cidrBlock")) else None,
                            az=zone, map_public_ip=s.inputs.get("mapPublicIpOnLaunch") is True, route=route, nat=nat)
    return out


def _cluster(index: _Index) -> Optional[Cluster]:
    for r in index.of(PULUMI_EKS_CLUSTER, EKS_CLUSTER):
        vpc_config = r.inputs.get("vpcConfig") if r.type == EKS_CLUSTER else r.inputs
        vpc_config = vpc_config if isinstance(vpc_config, dict) else {}
        # Both default to public on, private off (aws_eks_cluster vpc_config; pulumi-eks ClusterOptions).
        public = vpc_config.get("endpointPublicAccess")
        private = vpc_config.get("endpointPrivateAccess")
        cidrs = vpc_config.get("publicAccessCidrs")
        if cidrs is None:
            cidrs = [OPEN_TO_WORLD]
        elif not isinstance(cidrs, list) or not all(known(c) for c in cidrs):
            cidrs = None
        auto = r.inputs.get("autoMode") if r.type == PULUMI_EKS_CLUSTER else r.inputs.get("computeConfig")
        name = r.inputs.get("name")
        return Cluster(urn=r.urn, name=name if known(name) and name else r.name,
                       version=r.inputs.get("version") if known(r.inputs.get("version")) else None,
                       public_endpoint=public is not False, private_endpoint=private is True,
                       public_access_cidrs=cidrs,
                       log_types=list(r.inputs.get("enabledClusterLogTypes") or []),
                       auto_mode=isinstance(auto, dict) and auto.get("enabled") is True)
    return None


def _data_planes(index: _Index, subnets: dict[str, Subnet], cluster: Optional[Cluster]) -> list[DataPlane]:
    def subnets_of(res, *keys: str) -> list[Subnet]:
        found = {s.urn: subnets[s.urn] for k in keys for s in index.refs(res, k, [SUBNET])}
        return sorted(found.values(), key=_subnet_order)

    def template_of(res) -> dict:
        spec = res.inputs.get("launchTemplate")
        spec = spec if isinstance(spec, dict) else {}
        found = index.refs(res, "launchTemplate", [LAUNCH_TEMPLATE], value=[spec.get("id"), spec.get("name")])
        return found[0].inputs if found else {}

    planes = []
    for r in index.of(PULUMI_EKS_MANAGED, EKS_NODE_GROUP):
        scaling = r.inputs.get("scalingConfig") or {}
        on = subnets_of(r, "subnetIds")
        lt = template_of(r)
        # The node group's own instanceTypes/diskSize, else its launch template's; else the EKS
        # defaults (t3.medium, 20 GiB: CreateNodegroup API reference).
        types = r.inputs.get("instanceTypes") or ([lt["instanceType"]] if known(lt.get("instanceType")) else [])
        planes.append(DataPlane(urn=r.urn, name=r.name, kind="managed node group",
                                instance_types=list(types or ["t3.medium"]),
                                desired=_int(scaling.get("desiredSize"), 2),
                                disk_gib=_int(r.inputs.get("diskSize")) or _template_disk(lt) or 20,
                                capacity_type=r.inputs.get("capacityType") or "ON_DEMAND",
                                public_ip=any(s.map_public_ip for s in on), subnets=on))
    for r in index.of(PULUMI_EKS_NODE_GROUP_V2, PULUMI_EKS_NODE_GROUP):
        on = subnets_of(r, "nodeSubnetIds")
        # pulumi-eks defaults nodeAssociatePublicIpAddress to true (nodejs/eks/nodes/nodegroup.ts).
        public = r.inputs.get("nodeAssociatePublicIpAddress")
        planes.append(DataPlane(urn=r.urn, name=r.name, kind="self-managed nodes",
                                instance_types=[r.inputs.get("instanceType") or "t3.medium"],
                                desired=_int(r.inputs.get("desiredCapacity"), 2),
                                disk_gib=_int(r.inputs.get("nodeRootVolumeSize"), 20),
                                capacity_type="SPOT" if r.inputs.get("spotPrice") else "ON_DEMAND",
                                public_ip=public is not False and public != "false", subnets=on))
    for r in index.of(ASG):
        mixed = r.inputs.get("mixedInstancesPolicy")
        mixed = mixed if isinstance(mixed, dict) else None
        if mixed is not None:  # the launch template sits in the policy, the types in its overrides
            spec = ((mixed.get("launchTemplate") or {}).get("launchTemplateSpecification") or {})
            found = index.refs(r, "mixedInstancesPolicy", [LAUNCH_TEMPLATE],
                               value=[spec.get("launchTemplateId"), spec.get("launchTemplateName")])
            lt = found[0].inputs if found else {}
        else:
            lt = template_of(r)
        types = [o.get("instanceType") for o in ((mixed or {}).get("launchTemplate") or {}).get("overrides") or []
                 if isinstance(o, dict) and known(o.get("instanceType"))]
        if not types and known(lt.get("instanceType")):
            types = [lt["instanceType"]]
        distribution = (mixed or {}).get("instancesDistribution") or {}
        spot = _int(distribution.get("onDemandPercentageAboveBaseCapacity"), 100) == 0 and mixed is not None
        on = subnets_of(r, "vpcZoneIdentifiers")
        nics = lt.get("networkInterfaces") or [{}]
        public = nics[0].get("associatePublicIpAddress") if isinstance(nics[0], dict) else None
        planes.append(DataPlane(urn=r.urn, name=r.name, kind="self-managed nodes", instance_types=types,
                                desired=_int(r.inputs.get("desiredCapacity"), _int(r.inputs.get("minSize"))),
                                capacity_type="SPOT" if spot else "ON_DEMAND",
                                disk_gib=_template_disk(lt), public_ip=public in (True, "true") or (
                                    public is None and any(s.map_public_ip for s in on)), subnets=on))
    for r in index.of(FARGATE_PROFILE):
        namespaces = [s.get("namespace") for s in r.inputs.get("selectors") or [] if isinstance(s, dict)]
        planes.append(DataPlane(urn=r.urn, name=r.name, kind="Fargate", subnets=subnets_of(r, "subnetIds"),
                                namespaces=[n for n in namespaces if n]))
    if cluster is not None and cluster.auto_mode:
        # Auto Mode's built-in node pools use the default NodeClass: the cluster's subnets (EKS User
        # Guide, set-builtin-node-pools; eksctl docs, auto-mode: public cluster subnets get nodes too).
        res = index.by_urn[cluster.urn]
        if res.type == PULUMI_EKS_CLUSTER:
            on = subnets_of(res, "privateSubnetIds", "subnetIds", "publicSubnetIds")
        else:
            vpc_config = res.inputs.get("vpcConfig") if isinstance(res.inputs.get("vpcConfig"), dict) else {}
            found = index.refs(res, "vpcConfig", [SUBNET], value=vpc_config.get("subnetIds") or [])
            on = sorted((subnets[s.urn] for s in found), key=_subnet_order)
        planes.append(DataPlane(urn=cluster.urn, name=cluster.name, kind="EKS Auto Mode", subnets=on))
    return planes


def _endpoints(index: _Index, subnets: dict[str, Subnet]) -> list[Endpoint]:
    out = []
    for r in index.of(ENDPOINT):
        service = r.inputs.get("serviceName") or ""
        short = service.split(".", 3)[-1] if service.startswith("com.amazonaws.") else service or r.name
        kind = r.inputs.get("vpcEndpointType") or "Gateway"
        on = index.refs(r, "subnetIds", [SUBNET])
        azs = {subnets[s.urn].az for s in on}
        out.append(Endpoint(name=r.name, service=short, kind=kind, azs=len(azs - {None}),
                            subnets=tuple(s.urn for s in on)))
    return sorted(out, key=lambda e: (e.kind != "Interface", e.service))


def stack_facts(stack) -> StackFacts:
    index = _Index([dataclasses.replace(r, inputs=report_properties(r.type, r.inputs),
                                       outputs=report_properties(r.type, r.outputs))
                    for r in stack.resources])
    subnets = _subnets(index)
    cluster = _cluster(index)
    vpcs = [v for v in index.of(VPC) if known(v.inputs.get("cidrBlock"))]
    nat_azs = []
    for n in index.of(NAT):
        where = index.refs(n, "subnetId", [SUBNET])
        nat_azs.append((n.name, subnets[where[0].urn].az if where else None))
    variant = stack.outputs().get("variant") if hasattr(stack, "outputs") else None
    return StackFacts(stack=stack.name, region=_region(stack, index), resources=len(stack.resources),
                      variant=variant if isinstance(variant, str) and known(variant) else None,
                      cluster=cluster, vpc_cidr=vpcs[0].inputs["cidrBlock"] if vpcs else None,
                      subnets=sorted(subnets.values(), key=_subnet_order),
                      internet_gateways=sorted(g.name for g in index.of(IGW)),
                      nat_gateways=sorted(nat_azs, key=lambda n: (n[1] or "", n[0])),
                      elastic_ips=sorted(e.name for e in index.of(EIP)), endpoints=_endpoints(index, subnets),
                      data_planes=sorted(_data_planes(index, subnets, cluster), key=lambda p: (p.kind, p.name)),
                      kms_keys=sorted(k.name for k in index.of(KMS_KEY)))
