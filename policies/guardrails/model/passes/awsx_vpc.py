"""Network facts of `awsx:ec2:Vpc` components (pulumi-awsx), one model pass.

awsx builds its VPC in the awsx provider plugin, so a program checked under mocks (and the engine's
AnalyzeStack of a stack whose component has not been created) shows only the component: its inputs and, once
deployed, its id outputs. Where the component's children are in the stack (a deployed stack's export, or a real
preview, which runs the plugin), they are modelled like any raw resources and this pass only records which
subnets and VPC belong to the component. Otherwise it builds the layout the inputs and pulumi-awsx's documented
defaults imply (pulumi-awsx 3.11, `awsx/ec2/vpc.ts`):

- zones: `availabilityZoneNames`, else `numberOfAvailabilityZones` (default 3) zones of the region;
- in every zone one subnet per `subnetSpecs` entry (default: one Public, one Private; `Unused` makes none),
  each with its own route table; Public subnets map public IPs on launch and route 0.0.0.0/0 to the VPC's
  internet gateway; Private subnets route 0.0.0.0/0 to a NAT gateway (strategy `OnePerAz` (default): the
  zone's own; `Single`: the first zone's; `None`: no route); Isolated subnets have no default route;
- `enableDnsSupport` / `enableDnsHostnames` as given (AWS defaults true / false), except that strategy `Auto`
  with an interface endpoint using private DNS turns both on;
- `vpcEndpointSpecs`: type `vpcEndpointType` (default Gateway); with `vpcEndpointStrategy: Auto`, interface
  endpoints get one subnet per zone (Private, else Isolated, else Public), private DNS, and a security group
  admitting TCP 443 from the VPC CIDR; gateway endpoints get every route table. With `Legacy` (default) they
  get what the spec gives.

The id outputs (`vpcId`, `publicSubnetIds`, `privateSubnetIds`, `isolatedSubnetIds`; zone-major order), when
known, become the ids of the synthesized resources, so cluster inputs holding those ids (an export) resolve
exactly. At preview the ids are unknown, but each id list depends on the subnets it is made from (the engine
hands the component's output dependencies on: `<vpc name>-private-1`, ... under the component's `aws:ec2/vpc:Vpc`),
so an input given `private_subnet_ids` depends on exactly those: the synthesized subnets answer to those URNs too,
and the tier is judged. An input that depends on the component alone (its URN, nothing more) resolves to every
subnet of the component as *candidates* (`NetworkModel.component_subnets`).
"""
from __future__ import annotations

from typing import Any, Dict, List

from .. import types as T
from ..entities import Endpoint, IngressRule, Nat, Res, Route, RouteTable, SecurityGroup, Subnet, Vpc
from ..values import UNKNOWN, as_list, get, tri_bool
from .context import BuildContext

_ID_LISTS = {"Public": "publicSubnetIds", "Private": "privateSubnetIds", "Isolated": "isolatedSubnetIds"}
_ORDER = {"Public": 0, "Private": 1, "Isolated": 2}


def _spec_types(props: Dict[str, Any]) -> Any:
    specs = props.get("subnetSpecs")
    if specs is None:
        return [("Public", None), ("Private", None)]
    if specs is UNKNOWN or not isinstance(specs, list):
        return UNKNOWN
    out = []
    for s in specs:
        t = get(s, "type") if isinstance(s, dict) else UNKNOWN
        if not isinstance(t, str):
            return UNKNOWN
        if t.lower() != "unused":
            out.append((t.capitalize(), get(s, "name")))
    return sorted(out, key=lambda x: _ORDER.get(x[0], 3))  # awsx creates public, then private, then isolated


def _zones(props: Dict[str, Any], name: str) -> Any:
    names = props.get("availabilityZoneNames")
    if names is not None:
        return list(names) if isinstance(names, list) and all(isinstance(z, str) for z in names) else UNKNOWN
    n = props.get("numberOfAvailabilityZones", 3)
    if not isinstance(n, (int, float)):
        return UNKNOWN
    # Zone names come from the region's getAvailabilityZones at run time; stand-ins keep them apart.
    return [f"{name} zone {i + 1}" for i in range(int(n))]


def build(ctx: BuildContext) -> None:
    """The inferred layout of every awsx VPC whose children are not in the stack."""
    m = ctx.model
    with_children = {p for p in m.parent_of.values() if p is not None}
    for comp in ctx.each(T.AWSX_VPC):
        if comp.urn not in with_children:
            _Layout(ctx, comp).build()


def link_children(ctx: BuildContext) -> None:
    """For awsx VPCs whose children are in the stack (a real preview, which runs the awsx plugin, or an export):
    the VPC and subnets among their descendants, modelled by the raw passes."""
    m = ctx.model
    comps = {c.urn for c in ctx.each(T.AWSX_VPC)} - set(m.component_vpcs)
    if not comps:
        return
    for kind, coll in ((T.VPC, m.vpcs), (T.SUBNET, m.subnets)):
        for r in ctx.each(kind):
            owner = next((p for p in m.ancestors(r.urn) if p in comps), None)
            if owner is None:
                continue
            if kind == T.VPC:
                m.component_vpcs.setdefault(owner, coll[r.urn])
            else:
                m.component_subnets.setdefault(owner, []).append(coll[r.urn])


class _Layout:
    """The layout an awsx VPC's inputs and pulumi-awsx's defaults imply (see the module docstring)."""

    def __init__(self, ctx: BuildContext, comp: Res) -> None:
        self.ctx, self.m, self.comp = ctx, ctx.model, comp

    # -- synthesized layout ---------------------------------------------------------------------------
    def _res(self, type_: str, name: str, props: Dict[str, Any]) -> Res:
        return self.ctx.inferred_res(self.comp, type_, name, props)

    def _child(self, type_: str, name: str, props: Dict[str, Any], chain: str) -> Res:
        """An inferred child that awsx creates under `chain` (the qualified types between the component and it):
        also found by the URN the real child has, the URN a preview gives inputs wired from the component's id
        outputs as their dependencies (preflight/program/remote_outputs.py, awsx_preview_outputs)."""
        res = self._res(type_, name, props)
        head = self.comp.urn.rsplit("::", 1)[0]
        self.m.by_urn.setdefault(f"{head}{chain}${type_}::{name}", res)
        return res

    def build(self) -> None:
        m, comp, p = self.m, self.comp, self.comp.props
        strategy = p.get("vpcEndpointStrategy") or "Legacy"
        specs = [s for s in as_list(p.get("vpcEndpointSpecs")) if isinstance(s, dict)] \
            if p.get("vpcEndpointSpecs") is not UNKNOWN else []
        auto_dns = strategy == "Auto" and any(
            self._endpoint_type(s) == "Interface" and tri_bool(s.get("privateDnsEnabled"), True) is True for s in specs)
        cidr = p.get("cidrBlock") if p.get("cidrBlock") is not None else (
            UNKNOWN if p.get("ipv4IpamPoolId") is not None else "10.0.0.0/16")
        vpc_props = {"id": p.get("vpcId"), "cidrBlock": cidr,
                     "enableDnsSupport": p.get("enableDnsSupport", True if auto_dns else None),
                     "enableDnsHostnames": p.get("enableDnsHostnames", True if auto_dns else None)}
        vpc = Vpc(self._child(T.VPC, comp.name, vpc_props, ""))
        m.vpcs[vpc.res.urn] = vpc
        m.component_vpcs[comp.urn] = vpc
        igw = self._res(T.IGW, comp.name, {})
        zones, types = _zones(p, comp.name), _spec_types(p)
        nat_strategy = get(p, "natGateways", "strategy")
        nat_strategy = "OnePerAz" if nat_strategy is None else nat_strategy
        if zones is UNKNOWN or types is UNKNOWN or nat_strategy is UNKNOWN:
            m.component_subnets[comp.urn] = None  # layout unknown: inputs wired from it stay unresolved
            m.opaque_components[comp.urn] = "its zones, subnetSpecs or NAT strategy are unknown"
            return
        ids = {kind: p.get(key) for kind, key in _ID_LISTS.items()}
        counters = {kind: 0 for kind in _ID_LISTS}
        subnets, route_tables, nats = [], [], []
        by_zone: Dict[int, List[Any]] = {}
        for zi, zone in enumerate(zones):
            for kind, spec_name in types:
                label = (spec_name or kind.lower())
                name = f"{comp.name}-{label}-{zi + 1}"
                k = counters.setdefault(kind, 0)
                counters[kind] = k + 1
                id_list = ids.get(kind)
                sid = id_list[k] if isinstance(id_list, list) and k < len(id_list) else None
                s = Subnet(self._child(T.SUBNET, name, {"id": sid, "availabilityZone": zone,
                                                        "mapPublicIpOnLaunch": kind == "Public"}, f"${T.VPC}"))
                s.vpc, s.kind = vpc, kind
                rt = RouteTable(self._res(T.ROUTE_TABLE, name, {}))
                rt.vpc = vpc
                s.route_table, s.rt_explicit = rt, True
                if kind == "Public":
                    rt.routes.append(Route(True, False, "igw", [igw], rt.res))
                    if self._makes_nat(nat_strategy, len(nats), zi):
                        nat = Nat(self._res(T.NAT, f"{comp.name}-{zi + 1}", {}))
                        nat.eip_complete = False  # the Elastic IP's address is not an output of the component
                        m.nats[nat.res.urn] = nat
                        nats.append(nat)
                m.subnets[s.res.urn] = s
                m.route_tables[rt.res.urn] = rt
                subnets.append(s)
                route_tables.append(rt)
                by_zone.setdefault(zi, []).append(s)
        for zi, zone_subnets in by_zone.items():  # private subnets route to their NAT (created with the public one)
            for s in zone_subnets:
                if s.kind == "Private" and str(nat_strategy).lower() != "none" and nats:
                    nat = nats[0] if str(nat_strategy).lower() == "single" else nats[min(zi, len(nats) - 1)]
                    s.route_table.routes.append(Route(True, False, "nat", [nat.res], s.route_table.res))
        m.component_subnets[comp.urn] = subnets
        for spec in specs:
            self._endpoint(vpc, spec, strategy, zones, by_zone, route_tables)

    @staticmethod
    def _makes_nat(strategy: str, made: int, zone_index: int) -> bool:
        s = str(strategy).lower()
        return (s == "single" and made < 1) or (s == "oneperaz" and made < zone_index + 1)

    @staticmethod
    def _endpoint_type(spec: Dict[str, Any]) -> Any:
        t = spec.get("vpcEndpointType")
        if t is None:
            return "Gateway"
        return t.capitalize() if isinstance(t, str) else UNKNOWN

    def _endpoint(self, vpc, spec, strategy, zones, by_zone, route_tables) -> None:
        m = self.m
        etype = self._endpoint_type(spec)
        auto = strategy == "Auto"
        service = spec.get("serviceName")
        props = {"serviceName": service, "vpcEndpointType": etype,
                 "privateDnsEnabled": spec.get("privateDnsEnabled",
                                               True if (auto and etype == "Interface") else None)}
        e = Endpoint(self._res(T.VPCE, str(service), props))
        e.vpc = vpc
        vpc.endpoints.append(e)
        if etype == "Interface":
            if spec.get("subnetIds") is None and spec.get("subnetConfigurations") is None:
                if auto:  # one subnet per zone, preferring private, then isolated, then public
                    for zi in range(len(zones)):
                        cands = sorted(by_zone.get(zi, []), key=lambda s: {"Private": 0, "Isolated": 1}.get(s.kind, 2))
                        if cands:
                            e.subnets.append(cands[0])
            else:
                e.subnets_complete = False  # subnet ids computed elsewhere
            if spec.get("securityGroupIds") is None:
                if auto:
                    sg = SecurityGroup(self._res(T.SG, f"{service}-sg", {}))
                    sg.vpc = vpc
                    sg.ingress.append(IngressRule("tcp", 443, 443, [vpc.cidrs[0] if vpc.cidrs else UNKNOWN], [],
                                                    False, False, sg.res))
                    m.security_groups[sg.res.urn] = sg
                    e.security_groups.append(sg)
            else:
                e.sgs_complete = False
        elif etype == "Gateway":
            if spec.get("routeTableIds") is None:
                if auto:
                    e.route_tables.extend(route_tables)
            else:
                e.route_tables_complete = False
        m.endpoints[e.res.urn] = e

