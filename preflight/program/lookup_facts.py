"""Lookups answered from `--aws-facts` (preflight/inputs/aws_facts.py): the entries a lookup's arguments select, and
the result in the shape pulumi-aws returns (wire names of its Get*Result types).

Selection follows the provider: each named argument (`id`, `vpc_id`, `default`, `tags`, ...) and each EC2 filter
must match (filter names and values as the EC2 API's Describe* documents them: `vpc-id`, `tag:<key>`, `tag-key`,
`availability-zone`, `association.main`, ...; values with `*` and `?` wildcards); a singular lookup fails when
none or more than one entry matches ("no matching EC2 Subnet found", "multiple EC2 Subnets matched"), a plural
one returns every id, sorted as AWS lists them (by id). A filter this module does not know is an error naming
it: a guess would pick the wrong subnets. Runs in the program's process: standard library only.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from .invokes import ACCOUNT_ID, partition_of
from .lookups import LOOKUPS, LookupFailed, describe_args, function_name, matches, result_fields


def _tags(e: dict) -> dict:
    return {t.get("Key"): t.get("Value", "") for t in e.get("Tags") or [] if isinstance(t, dict)}


def _tag_filter(e: dict, name: str) -> Optional[list]:
    if name.startswith("tag:"):
        tags = _tags(e)
        return [tags[name[4:]]] if name[4:] in tags else []
    if name == "tag-key":
        return list(_tags(e))
    if name == "tag-value":
        return list(_tags(e).values())
    return None


def _field(key: str) -> Callable[[dict], list]:
    return lambda e: [] if e.get(key) is None else [e.get(key)]


def _routes(key: str) -> Callable[[dict], list]:
    return lambda e: [r[key] for r in e.get("Routes") or [] if isinstance(r, dict) and r.get(key) is not None]


def _assoc(key: str) -> Callable[[dict], list]:
    return lambda e: [a[key] for a in e.get("Associations") or [] if isinstance(a, dict) and a.get(key) is not None]


# Filters per document: EC2 API Reference, DescribeVpcs / DescribeSubnets / DescribeRouteTables /
# DescribeSecurityGroups / DescribeNatGateways / DescribeVpcEndpoints, "Filter" lists.
FILTERS: dict[str, dict[str, Callable[[dict], list]]] = {
    "Vpcs": {"vpc-id": _field("VpcId"), "cidr": _field("CidrBlock"), "cidr-block": _field("CidrBlock"),
             "is-default": _field("IsDefault"), "isDefault": _field("IsDefault"), "state": _field("State"),
             "owner-id": _field("OwnerId"), "dhcp-options-id": _field("DhcpOptionsId"),
             "cidr-block-association.cidr-block": lambda e: [a.get("CidrBlock") for a in
                                                             e.get("CidrBlockAssociationSet") or []]},
    "Subnets": {"subnet-id": _field("SubnetId"), "vpc-id": _field("VpcId"), "availability-zone": _field("AvailabilityZone"),
                "availabilityZone": _field("AvailabilityZone"), "availability-zone-id": _field("AvailabilityZoneId"),
                "availabilityZoneId": _field("AvailabilityZoneId"), "cidr-block": _field("CidrBlock"),
                "cidrBlock": _field("CidrBlock"), "cidr": _field("CidrBlock"), "default-for-az": _field("DefaultForAz"),
                "defaultForAz": _field("DefaultForAz"), "map-public-ip-on-launch": _field("MapPublicIpOnLaunch"),
                "state": _field("State"), "owner-id": _field("OwnerId")},
    "RouteTables": {"route-table-id": _field("RouteTableId"), "vpc-id": _field("VpcId"),
                    "association.main": _assoc("Main"), "association.subnet-id": _assoc("SubnetId"),
                    "association.route-table-id": _assoc("RouteTableId"),
                    "association.route-table-association-id": _assoc("RouteTableAssociationId"),
                    "association.gateway-id": _assoc("GatewayId"), "route.gateway-id": _routes("GatewayId"),
                    "route.nat-gateway-id": _routes("NatGatewayId"),
                    "route.transit-gateway-id": _routes("TransitGatewayId"),
                    "route.destination-cidr-block": _routes("DestinationCidrBlock"), "owner-id": _field("OwnerId")},
    "SecurityGroups": {"group-id": _field("GroupId"), "group-name": _field("GroupName"), "vpc-id": _field("VpcId"),
                       "description": _field("Description"), "owner-id": _field("OwnerId")},
    "NatGateways": {"nat-gateway-id": _field("NatGatewayId"), "subnet-id": _field("SubnetId"),
                    "vpc-id": _field("VpcId"), "state": _field("State")},
    "VpcEndpoints": {"vpc-endpoint-id": _field("VpcEndpointId"), "vpc-id": _field("VpcId"),
                     "service-name": _field("ServiceName"), "vpc-endpoint-type": _field("VpcEndpointType"),
                     "vpc-endpoint-state": _field("State")},
}
# The lookups' own arguments (wire names) -> the filter they stand for.
ARGUMENTS: dict[str, dict[str, str]] = {
    "Vpcs": {"id": "vpc-id", "cidrBlock": "cidr", "default": "is-default", "state": "state",
             "dhcpOptionsId": "dhcp-options-id"},
    "Subnets": {"id": "subnet-id", "vpcId": "vpc-id", "availabilityZone": "availability-zone",
                "availabilityZoneId": "availability-zone-id", "cidrBlock": "cidr-block", "defaultForAz": "default-for-az",
                "state": "state"},
    "RouteTables": {"routeTableId": "route-table-id", "vpcId": "vpc-id", "subnetId": "association.subnet-id",
                    "gatewayId": "association.gateway-id"},
    "SecurityGroups": {"id": "group-id", "name": "group-name", "vpcId": "vpc-id"},
    "NatGateways": {"id": "nat-gateway-id", "subnetId": "subnet-id", "vpcId": "vpc-id", "state": "state"},
    "VpcEndpoints": {"id": "vpc-endpoint-id", "vpcId": "vpc-id", "serviceName": "service-name", "state": "vpc-endpoint-state"},
}
_ID = {"Vpcs": "VpcId", "Subnets": "SubnetId", "RouteTables": "RouteTableId", "SecurityGroups": "GroupId",
       "NatGateways": "NatGatewayId", "VpcEndpoints": "VpcEndpointId"}
_NOUN = {"Vpcs": "EC2 VPC", "Subnets": "EC2 Subnet", "RouteTables": "Route Table", "SecurityGroups": "EC2 Security Group",
         "NatGateways": "EC2 NAT Gateway", "VpcEndpoints": "EC2 VPC Endpoint"}
_IGNORED_ARGUMENTS = {"region", "filters", "tags", "timeouts", "filter"}


def select(token: str, args: dict, facts: dict) -> list[dict]:
    """The fact entries `args` select for lookup `token`, sorted by id."""
    doc = LOOKUPS[token][0]
    conditions: list[tuple[str, list]] = []
    for key, value in sorted(args.items()):
        if value is None or key in _IGNORED_ARGUMENTS:
            continue
        name = ARGUMENTS[doc].get(key)
        if name is None:
            raise LookupFailed(f"{function_name(token)}: argument `{key}` cannot be answered from --aws-facts "
                               f"(answered: {', '.join(sorted(ARGUMENTS[doc]))}, filters, tags)")
        conditions.append((name, [value]))
    for f in args.get("filters") or args.get("filter") or []:
        conditions.append((f.get("name"), list(f.get("values") or [])))
    for k, v in sorted((args.get("tags") or {}).items()):
        conditions.append((f"tag:{k}", [v]))
    for name, _ in conditions:
        if _values(doc, name, {}) is None:
            raise LookupFailed(f"{function_name(token)}: filter `{name}` is not one preflight can apply to the facts "
                               f"(applied: {', '.join(sorted(FILTERS[doc]))}, tag:<key>, tag-key, tag-value)")
    chosen = [e for e in facts.get(doc) or []
              if all(any(matches(str(p).lower() if isinstance(p, bool) else str(p), v)
                         for p in patterns for v in _values(doc, name, e)) for name, patterns in conditions)]
    return sorted(chosen, key=lambda e: e[_ID[doc]])


def _values(doc: str, name: Any, entry: dict) -> Optional[list]:
    if not isinstance(name, str):
        return None
    tags = _tag_filter(entry, name)
    if tags is not None:
        return tags
    fn = FILTERS[doc].get(name)
    return None if fn is None else fn(entry)


def answer(token: str, args: dict, facts: dict, region: str) -> dict:
    """The lookup's result from the facts. Raises LookupFailed as the provider fails."""
    doc, _, kind = LOOKUPS[token]
    chosen = select(token, args, facts)
    ids = [e[_ID[doc]] for e in chosen]
    if kind == "ids":
        out: dict[str, Any] = {"id": region, "ids": ids}
        if doc == "SecurityGroups":
            out["vpcIds"] = sorted({e.get("VpcId") for e in chosen if e.get("VpcId")})
            out["arns"] = [_arn(region, "security-group", i) for i in ids]
        return {**{k: v for k, v in args.items() if v is not None}, **out}
    if not chosen:
        raise LookupFailed(f"{function_name(token)}: no matching {_NOUN[doc]} found in --aws-facts for "
                           f"{_shown(args)} (the provider fails the same way against AWS)")
    if len(chosen) > 1:
        raise LookupFailed(f"{function_name(token)}: multiple {_NOUN[doc]}s matched in --aws-facts for {_shown(args)} "
                           f"({', '.join(ids)}); use additional constraints to reduce matches to a single one")
    return RESULTS[doc](chosen[0], region)


def _shown(args: dict) -> str:
    return describe_args(args)


def answer_lookup(token: str, args: dict, region: str, facts: Optional[dict]) -> tuple[dict, tuple]:
    """A lookup's result and its record (token, "facts" or "unknown", its arguments as text): from the facts
    where given (a field the facts do not give is null); without facts, the plain form's placeholder."""
    record = (token, "facts" if facts is not None else "unknown", describe_args(args))
    if facts is None:  # the plain form: every field null here, unknown once the function returns (lookups.py)
        return {}, record
    known = answer(token, args, facts, region)
    if LOOKUPS[token][0] == "Vpcs" and "enableDnsSupport" not in known:
        attrs = next((a for a in facts.get("VpcAttributes") or [] if a.get("VpcId") == known.get("id")), {})
        for key, attr in (("enableDnsSupport", "EnableDnsSupport"), ("enableDnsHostnames", "EnableDnsHostnames")):
            if isinstance((attrs.get(attr) or {}).get("Value"), bool):
                known[key] = attrs[attr]["Value"]
            elif known.get("default"):
                known[key] = True  # Amazon VPC User Guide, "Default VPCs": both DNS attributes on
    return {**{name: None for name in result_fields(token)}, **known}, record


def _arn(region: str, kind: str, ident: str) -> str:
    return f"arn:{partition_of(region)}:ec2:{region}:{ACCOUNT_ID}:{kind}/{ident}"


def _vpc(e: dict, region: str) -> dict:
    return {"id": e["VpcId"], "arn": _arn(region, "vpc", e["VpcId"]), "cidrBlock": e.get("CidrBlock"),
            "default": bool(e.get("IsDefault")), "state": e.get("State", "available"), "tags": _tags(e),
            "dhcpOptionsId": e.get("DhcpOptionsId"), "instanceTenancy": e.get("InstanceTenancy", "default"),
            "ownerId": e.get("OwnerId", ACCOUNT_ID),
            "cidrBlockAssociations": [{"associationId": a.get("AssociationId"), "cidrBlock": a.get("CidrBlock"),
                                       "state": (a.get("CidrBlockState") or {}).get("State")}
                                      for a in e.get("CidrBlockAssociationSet") or []]}


def _subnet(e: dict, region: str) -> dict:
    return {"id": e["SubnetId"], "arn": e.get("SubnetArn") or _arn(region, "subnet", e["SubnetId"]),
            "vpcId": e["VpcId"], "availabilityZone": e.get("AvailabilityZone"),
            "availabilityZoneId": e.get("AvailabilityZoneId"), "cidrBlock": e.get("CidrBlock"),
            "mapPublicIpOnLaunch": bool(e.get("MapPublicIpOnLaunch")), "defaultForAz": bool(e.get("DefaultForAz")),
            "state": e.get("State", "available"), "tags": _tags(e), "ownerId": e.get("OwnerId", ACCOUNT_ID),
            "availableIpAddressCount": e.get("AvailableIpAddressCount", 0)}


_ROUTE_KEYS = {"DestinationCidrBlock": "cidrBlock", "DestinationIpv6CidrBlock": "ipv6CidrBlock",
               "DestinationPrefixListId": "destinationPrefixListId", "GatewayId": "gatewayId",
               "NatGatewayId": "natGatewayId", "TransitGatewayId": "transitGatewayId",
               "VpcPeeringConnectionId": "vpcPeeringConnectionId", "NetworkInterfaceId": "networkInterfaceId",
               "InstanceId": "instanceId", "EgressOnlyInternetGatewayId": "egressOnlyGatewayId",
               "CarrierGatewayId": "carrierGatewayId", "LocalGatewayId": "localGatewayId",
               "CoreNetworkArn": "coreNetworkArn"}


def _route_table(e: dict, region: str) -> dict:
    # The provider lists no local routes (routes with a GatewayId of "local").
    routes = [{new: r[old] for old, new in _ROUTE_KEYS.items() if r.get(old) is not None}
              for r in e.get("Routes") or [] if isinstance(r, dict) and r.get("GatewayId") != "local"]
    return {"id": e["RouteTableId"], "routeTableId": e["RouteTableId"], "vpcId": e["VpcId"], "routes": routes,
            "arn": _arn(region, "route-table", e["RouteTableId"]), "ownerId": e.get("OwnerId", ACCOUNT_ID),
            "tags": _tags(e),
            "associations": [{"main": bool(a.get("Main")), "subnetId": a.get("SubnetId") or "",
                              "routeTableId": e["RouteTableId"], "gatewayId": a.get("GatewayId") or "",
                              "routeTableAssociationId": a.get("RouteTableAssociationId") or ""}
                             for a in e.get("Associations") or [] if isinstance(a, dict)]}


def _security_group(e: dict, region: str) -> dict:
    return {"id": e["GroupId"], "arn": _arn(region, "security-group", e["GroupId"]), "name": e.get("GroupName"),
            "description": e.get("Description"), "vpcId": e.get("VpcId"), "tags": _tags(e)}


def _nat_gateway(e: dict, region: str) -> dict:
    first = (e.get("NatGatewayAddresses") or [{}])[0]
    return {"id": e["NatGatewayId"], "subnetId": e.get("SubnetId"), "vpcId": e.get("VpcId"),
            "connectivityType": e.get("ConnectivityType", "public"), "state": e.get("State", "available"),
            "allocationId": first.get("AllocationId"), "publicIp": first.get("PublicIp"), "tags": _tags(e)}


def _vpc_endpoint(e: dict, region: str) -> dict:
    return {"id": e["VpcEndpointId"], "vpcId": e["VpcId"], "serviceName": e["ServiceName"],
            "vpcEndpointType": e.get("VpcEndpointType", "Gateway"), "privateDnsEnabled": bool(e.get("PrivateDnsEnabled")),
            "subnetIds": list(e.get("SubnetIds") or []), "routeTableIds": list(e.get("RouteTableIds") or []),
            "securityGroupIds": [g.get("GroupId") for g in e.get("Groups") or []], "state": e.get("State"),
            "tags": _tags(e)}


RESULTS: dict[str, Callable[[dict, str], dict]] = {
    "Vpcs": _vpc, "Subnets": _subnet, "RouteTables": _route_table, "SecurityGroups": _security_group,
    "NatGateways": _nat_gateway, "VpcEndpoints": _vpc_endpoint}
