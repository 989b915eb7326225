"""Existing network facts: what `aws ec2 describe-*` says about infrastructure the stack uses but does not
manage (a shared VPC, subnets and route tables looked up by id or tags), as stand-in resources the builder
passes read like the stack's own.

A stack that takes a shared VPC's subnets holds ids of resources outside the stack: the pack sees the ids
and nothing about them, so every verdict that depends on them is undecidable. An organisation can give
the facts in the config of `eks-guardrails-undecidable`, as the AWS CLI prints them (the documents of
`describe-vpcs`, `describe-subnets`, `describe-route-tables`, `describe-security-groups`,
`describe-vpc-endpoints`, `describe-nat-gateways`, merged into one object, and for DNS the
`describe-vpc-attribute` documents under `VpcAttributes`):

    {"eks-guardrails-undecidable": {"existingNetwork": {"Vpcs": [...], "Subnets": [...], ...}}}

The same file works with `pulumi preview --policy-pack-config` and preflight (`--aws-facts DIR` builds it).
Each entry becomes a stand-in resource of the pulumi-aws type with pulumi-aws property names (a route
table's associations become route table associations, its `Main` association a main route table
association), indexed by its id, reported through the stack's root resource. A fact the documents do not
give stays unknown: a VPC's DNS attributes without `describe-vpc-attribute` (except the default VPC's,
which AWS documents as on), a VPC's main route table when no route table of the VPC is marked `Main`.
Ids the stack manages itself are skipped: the stack's own resource is the truth at preview.
Sources: Amazon EC2 API Reference (DescribeVpcs, DescribeSubnets, DescribeRouteTables,
DescribeSecurityGroups, DescribeVpcEndpoints, DescribeNatGateways, DescribeVpcAttribute); Amazon VPC User
Guide, "Default VPCs" (DNS attributes on) and "Route tables" (a subnet without an explicit association uses
the main route table).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Set

from . import types as T
from .entities import EXISTING_MARK, Res
from .values import UNKNOWN

CONFIG_POLICY = "eks-guardrails-undecidable"
CONFIG_KEY = "existingNetwork"
# The list each describe-* document holds, by the key the AWS CLI prints.
DOCUMENT_KEYS = ("Vpcs", "Subnets", "RouteTables", "SecurityGroups", "VpcEndpoints", "NatGateways",
                 "VpcAttributes")
# A route's target keys (EC2 API Route) -> pulumi-aws RouteTable `routes` keys.
_ROUTE_TARGETS = {
    "GatewayId": "gatewayId", "NatGatewayId": "natGatewayId", "TransitGatewayId": "transitGatewayId",
    "VpcPeeringConnectionId": "vpcPeeringConnectionId", "NetworkInterfaceId": "networkInterfaceId",
    "InstanceId": "instanceId", "EgressOnlyInternetGatewayId": "egressOnlyGatewayId",
    "CarrierGatewayId": "carrierGatewayId", "LocalGatewayId": "localGatewayId", "CoreNetworkArn": "coreNetworkArn",
}


def facts_in(policy_config: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    """The existing-network facts of a policy config (None when none are given)."""
    section = (policy_config or {}).get(CONFIG_POLICY)
    facts = section.get(CONFIG_KEY) if isinstance(section, Mapping) else None
    return facts if isinstance(facts, Mapping) and facts else None


def stand_ins(facts: Mapping[str, Any], anchor: str, stack_ids: Set[str]) -> List[Res]:
    """Stand-in resources for every fact (VPCs, subnets, route tables and their associations, NAT gateways,
    security groups, VPC endpoints), in that order and sorted by id; none for an id in `stack_ids`."""
    out: List[Res] = []
    dns = {a.get("VpcId"): a for a in _entries(facts, "VpcAttributes")}
    for v in _sorted(_entries(facts, "Vpcs"), "VpcId", stack_ids):
        out.append(_res(anchor, T.VPC, v["VpcId"], _vpc_props(v, dns.get(v["VpcId"], {}))))
    for s in _sorted(_entries(facts, "Subnets"), "SubnetId", stack_ids):
        out.append(_res(anchor, T.SUBNET, s["SubnetId"], {
            "id": s["SubnetId"], "vpcId": s.get("VpcId"), "availabilityZone": s.get("AvailabilityZone"),
            "availabilityZoneId": s.get("AvailabilityZoneId"), "cidrBlock": s.get("CidrBlock"),
            "mapPublicIpOnLaunch": bool(s.get("MapPublicIpOnLaunch", False)), "tags": _tags(s)}))
    vpcs_with_main: Set[str] = set()
    for rt in _sorted(_entries(facts, "RouteTables"), "RouteTableId", stack_ids):
        rid = rt["RouteTableId"]
        out.append(_res(anchor, T.ROUTE_TABLE, rid, {"id": rid, "vpcId": rt.get("VpcId"), "tags": _tags(rt),
                                                      "routes": [_route(r) for r in _list(rt.get("Routes"))
                                                                 if _active(r)]}))
        for a in _list(rt.get("Associations")):
            if not isinstance(a, Mapping):
                continue
            if a.get("Main") is True:
                vpcs_with_main.add(rt.get("VpcId"))
                out.append(_res(anchor, T.MAIN_RT_ASSOC, f"{rid} main", {"vpcId": rt.get("VpcId"), "routeTableId": rid}))
            elif isinstance(a.get("SubnetId"), str):
                out.append(_res(anchor, T.RT_ASSOC, f"{rid} {a['SubnetId']}", {"subnetId": a["SubnetId"],
                                                                               "routeTableId": rid}))
    for v in _sorted(_entries(facts, "Vpcs"), "VpcId", stack_ids):
        if v["VpcId"] not in vpcs_with_main:  # its main route table is not among the facts: unknown
            out.append(_res(anchor, T.MAIN_RT_ASSOC, f"{v['VpcId']} main", {"vpcId": v["VpcId"],
                                                                            "routeTableId": UNKNOWN}))
    for n in _sorted(_entries(facts, "NatGateways"), "NatGatewayId", stack_ids):
        if n.get("State") in ("deleting", "deleted", "failed"):
            continue
        addresses = [a for a in _list(n.get("NatGatewayAddresses"))
                     if isinstance(a, Mapping) and isinstance(a.get("AllocationId"), str)]
        for a in addresses:
            out.append(_res(anchor, T.EIP, a["AllocationId"], {"id": a["AllocationId"], "allocationId": a["AllocationId"],
                                                               "publicIp": a.get("PublicIp", UNKNOWN)}))
        out.append(_res(anchor, T.NAT, n["NatGatewayId"], {
            "id": n["NatGatewayId"], "subnetId": n.get("SubnetId"),
            "connectivityType": n.get("ConnectivityType") or "public",
            "allocationId": addresses[0]["AllocationId"] if addresses else UNKNOWN}))
    for g in _sorted(_entries(facts, "SecurityGroups"), "GroupId", stack_ids):
        out.append(_res(anchor, T.SG, g["GroupId"], {
            "id": g["GroupId"], "vpcId": g.get("VpcId"), "name": g.get("GroupName"),
            "ingress": [_ingress(p, g["GroupId"]) for p in _list(g.get("IpPermissions")) if isinstance(p, Mapping)]}))
    for e in _sorted(_entries(facts, "VpcEndpoints"), "VpcEndpointId", stack_ids):
        if str(e.get("State", "available")).lower() in ("deleting", "deleted", "rejected", "failed", "expired"):
            continue
        out.append(_res(anchor, T.VPCE, e["VpcEndpointId"], {
            "id": e["VpcEndpointId"], "vpcId": e.get("VpcId"), "serviceName": e.get("ServiceName"),
            "vpcEndpointType": e.get("VpcEndpointType") or "Gateway",
            "privateDnsEnabled": bool(e.get("PrivateDnsEnabled", False)),
            "subnetIds": [x for x in _list(e.get("SubnetIds")) if isinstance(x, str)],
            "routeTableIds": [x for x in _list(e.get("RouteTableIds")) if isinstance(x, str)],
            "securityGroupIds": [g.get("GroupId") for g in _list(e.get("Groups"))
                                 if isinstance(g, Mapping) and isinstance(g.get("GroupId"), str)]}))
    return out


def _vpc_props(v: Mapping[str, Any], attrs: Mapping[str, Any]) -> Dict[str, Any]:
    default = v.get("IsDefault") is True
    props: Dict[str, Any] = {"id": v["VpcId"], "cidrBlock": v.get("CidrBlock"), "tags": _tags(v)}
    for key, attr in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
        given = attrs.get(attr)
        value = given.get("Value") if isinstance(given, Mapping) else None
        props[key] = value if isinstance(value, bool) else (True if default else UNKNOWN)
    return props


def _route(r: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    if r.get("DestinationCidrBlock") is not None:
        out["cidrBlock"] = r["DestinationCidrBlock"]
    if r.get("DestinationIpv6CidrBlock") is not None:
        out["ipv6CidrBlock"] = r["DestinationIpv6CidrBlock"]
    if r.get("DestinationPrefixListId") is not None:
        out["destinationPrefixListId"] = r["DestinationPrefixListId"]
    for aws_key, key in _ROUTE_TARGETS.items():
        if r.get(aws_key) not in (None, ""):
            out[key] = r[aws_key]
    if isinstance(out.get("gatewayId"), str) and out["gatewayId"].startswith("vpce-"):
        out["vpcEndpointId"] = out.pop("gatewayId")  # a Gateway Load Balancer endpoint, not a gateway
    return out


def _active(r: Any) -> bool:
    """A route that carries traffic: a blackhole route (its target deleted) does not."""
    return isinstance(r, Mapping) and r.get("State", "active") != "blackhole"


def _ingress(p: Mapping[str, Any], own_id: str) -> Dict[str, Any]:
    groups = [g.get("GroupId") for g in _list(p.get("UserIdGroupPairs"))
              if isinstance(g, Mapping) and isinstance(g.get("GroupId"), str)]
    return {
        "protocol": str(p.get("IpProtocol", "-1")), "fromPort": p.get("FromPort", 0), "toPort": p.get("ToPort", 0),
        "cidrBlocks": [x.get("CidrIp") for x in _list(p.get("IpRanges")) if isinstance(x, Mapping)],
        "ipv6CidrBlocks": [x.get("CidrIpv6") for x in _list(p.get("Ipv6Ranges")) if isinstance(x, Mapping)],
        "securityGroups": [g for g in groups if g != own_id], "self": own_id in groups}


def _res(anchor: str, type_: str, ident: str, props: Dict[str, Any]) -> Res:
    name = f"{ident} (existing)"
    return Res(f"{anchor}{EXISTING_MARK}{type_}::{ident}", type_, name, props, [], {}, anchor, anchor=anchor)


def _entries(facts: Mapping[str, Any], key: str) -> List[Mapping[str, Any]]:
    return [e for e in _list(facts.get(key)) if isinstance(e, Mapping)]


def _sorted(entries: Iterable[Mapping[str, Any]], id_key: str, skip: Set[str]) -> List[Mapping[str, Any]]:
    by_id = {e[id_key]: e for e in entries if isinstance(e.get(id_key), str) and e[id_key] and e[id_key] not in skip}
    return [by_id[k] for k in sorted(by_id)]


def _list(v: Any) -> list:
    return v if isinstance(v, list) else []


def _tags(entry: Mapping[str, Any]) -> Dict[str, Any]:
    return {t["Key"]: t.get("Value") for t in _list(entry.get("Tags")) if isinstance(t, Mapping) and "Key" in t}
