"""What a provider computes, as the recorder's mocks answer it: the output-only properties of a
resource type (unknown in a preview of a new resource) and, for a recording that looks deployed
(`--deployed`), plausible ids, ARNs and attributes."""
from __future__ import annotations

import importlib
import uuid
from typing import Optional


from . import invokes
from .computed_shapes import sdk_resource_class
from ..records import PROVIDER_PREFIX
from ..sentinels import UNKNOWN_VALUE


# Which properties a resource type takes and computes (its SDK class and Args class).

_PROPERTY_CACHE: dict[str, tuple[frozenset, frozenset]] = {}


def _pulumi_names(cls) -> set:
    names = set()
    for klass in getattr(cls, "__mro__", ()):
        for attr in vars(klass).values():
            if isinstance(attr, property) and attr.fget is not None:
                n = getattr(attr.fget, "_pulumi_name", None)
                if n:
                    names.add(n)
    return names


def _sdk_properties(type_token: str) -> tuple[frozenset, frozenset]:
    """(output properties, input properties) of a resource type, from its SDK class and Args class."""
    if type_token in _PROPERTY_CACHE:
        return _PROPERTY_CACHE[type_token]
    result = (frozenset(), frozenset())
    try:
        cls = sdk_resource_class(type_token)
        if cls is not None:
            args_cls = getattr(importlib.import_module(cls.__module__), cls.__name__ + "Args", None)
            outs = _pulumi_names(cls)
            ins = _pulumi_names(args_cls) if args_cls is not None else set()
            result = (frozenset(outs), frozenset(ins))
    except Exception:  # noqa: BLE001 - unknown or unusual type: no known properties
        result = (frozenset(), frozenset())
    _PROPERTY_CACHE[type_token] = result
    return result


def computed_properties(type_token: str) -> frozenset:
    """Properties the resource class exposes as outputs but does not take as inputs: these are the
    values a provider computes, unknown in a preview of a new resource (e.g. `arn`, `ownerId`)."""
    outs, ins = _sdk_properties(type_token)
    return outs - ins


def input_properties(type_token: str) -> frozenset:
    """The wire names of the inputs a resource type takes (its SDK Args class)."""
    return _sdk_properties(type_token)[1]


# ---------------------------------------------------------------------------------------------
# Plausible identities for `preview=False` (a recording that looks like a deployed stack).

_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-", "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/internetGateway:InternetGateway": "igw-", "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-", "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-", "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule-",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr-",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr-",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce-", "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
    "aws:ec2/networkAcl:NetworkAcl": "acl-", "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw-",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": "a-vpce-",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": "rtbassoc-",
    "aws:ec2/instance:Instance": "i-", "aws:ec2/keyPair:KeyPair": "key-",
}
_NAME_IDS = ("aws:iam/", "aws:eks/cluster:Cluster", "aws:autoscaling/group:Group", "aws:cloudwatch/logGroup")


def fake_id(type_token: str, name: str, inputs: dict, urn: str) -> str:
    h = invokes.fake_hex(urn)
    if type_token in _ID_PREFIX:
        return _ID_PREFIX[type_token] + h
    if type_token == "aws:ec2/route:Route":
        rtb = inputs.get("routeTableId", "rtb-" + h)
        return f"r-{rtb}{int(invokes.fake_hex(str(inputs.get('destinationCidrBlock', '')), 8), 16) % 10**10}"
    if type_token == "aws:eks/nodeGroup:NodeGroup":
        return f"{inputs.get('clusterName', 'cluster')}:{inputs.get('nodeGroupName', name)}"
    if type_token == "aws:eks/fargateProfile:FargateProfile":
        return f"{inputs.get('clusterName', 'cluster')}:{inputs.get('fargateProfileName', name)}"
    if type_token == "aws:kms/key:Key":
        return str(uuid.UUID(invokes.fake_hex(urn, 32)))
    if type_token.startswith(PROVIDER_PREFIX):
        return str(uuid.UUID(invokes.fake_hex(urn, 32)))
    if type_token.startswith(_NAME_IDS):
        n = inputs.get("name")
        return n if isinstance(n, str) and n != UNKNOWN_VALUE else f"{name}-{h[:7]}"
    return f"{name}-{h[:7]}"


def fake_arn(type_token: str, rid: str, region: str) -> str:
    pkg, mod, typ = type_token.split(":")
    service = mod.split("/")[0]
    part = invokes.partition_of(region)
    kind = mod.split("/")[-1]
    kind = "".join("-" + c.lower() if c.isupper() else c for c in kind)
    if service == "iam":
        return f"arn:{part}:iam::{invokes.ACCOUNT_ID}:{kind.split('-')[0]}/{rid}"
    return f"arn:{part}:{service}:{region}:{invokes.ACCOUNT_ID}:{kind}/{rid}"


def _documentation_ip(urn: str) -> str:
    """A stable public address from TEST-NET-2 (RFC 5737) for an Elastic IP of a deployed stack."""
    return f"198.51.100.{int(invokes.fake_hex(urn, 4), 16) % 254 + 1}"


def deployed_attributes(type_token: str, rid: str, urn: str, outputs: dict) -> dict:
    """Computed attributes other resources commonly consume (an EIP's address feeds CIDR lists)."""
    if type_token == "aws:ec2/eip:Eip":
        address = _documentation_ip(urn)
        return {"publicIp": address, "allocationId": rid, "domain": outputs.get("domain", "vpc"),
                "publicDns": f"ec2-{address.replace('.', '-')}.compute-1.amazonaws.com"}
    vpc_config = outputs.get("vpcConfig")
    if type_token == "aws:eks/cluster:Cluster" and isinstance(vpc_config, dict):
        # The security group EKS creates: rules and launch templates take it from the cluster's outputs.
        return {"vpcConfig": {**vpc_config, "clusterSecurityGroupId": "sg-" + invokes.fake_hex(urn + "#cluster-sg")}}
    return {}

