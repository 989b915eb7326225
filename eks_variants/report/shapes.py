"""The one validation pass between recorded values and the report code (facts.py): each property the report
reads, per resource type, with the shape the provider's schema gives it. Secrets are unwrapped (each property of
the map, never the map itself); a value of another shape (an asset, a resource reference, a number where text
belongs) reads as unknown where a scalar belongs and as absent where an object or list belongs (an unknown list
or object too), so the report code only ever meets the shapes it expects, or the unknown sentinel in a scalar.
"""
from __future__ import annotations

from typing import Any

from preflight.sentinels import SIG_KEY, UNKNOWN_VALUE as UNKNOWN, without_secrets

S, B, N = "text", "boolean", "number"  # a boolean or number may also be text ("true", "3"): _int reads it


def L(item: Any) -> tuple:  # noqa: N802 - a list of `item`
    return ("list", item)


def D(**keys: Any) -> tuple:  # noqa: N802 - an object with these keys (others are kept as they are)
    return ("object", keys)


_TEMPLATE_SPEC = D(id=S, name=S)
SHAPES: dict[str, dict[str, Any]] = {
    "pulumi:providers:aws": {"region": S},
    "aws:ec2/vpc:Vpc": {"cidrBlock": S},
    "aws:ec2/subnet:Subnet": {"availabilityZone": S, "availabilityZoneId": S, "cidrBlock": S,
                              "mapPublicIpOnLaunch": B},
    "aws:ec2/route:Route": {"destinationCidrBlock": S, "routeTableId": S, "natGatewayId": S, "gatewayId": S},
    "aws:ec2/routeTable:RouteTable": {"routes": L(D(cidrBlock=S, natGatewayId=S, gatewayId=S))},
    "aws:ec2/routeTableAssociation:RouteTableAssociation": {"subnetId": S, "routeTableId": S},
    "aws:ec2/natGateway:NatGateway": {"subnetId": S},
    "aws:ec2/vpcEndpoint:VpcEndpoint": {"serviceName": S, "vpcEndpointType": S, "subnetIds": L(S)},
    "aws:eks/cluster:Cluster": {
        "vpcConfig": D(endpointPublicAccess=B, endpointPrivateAccess=B, publicAccessCidrs=L(S), subnetIds=L(S)),
        "name": S, "version": S, "enabledClusterLogTypes": L(S), "computeConfig": D(enabled=B)},
    "eks:index:Cluster": {
        "endpointPublicAccess": B, "endpointPrivateAccess": B, "publicAccessCidrs": L(S), "name": S, "version": S,
        "enabledClusterLogTypes": L(S), "autoMode": D(enabled=B), "privateSubnetIds": L(S), "subnetIds": L(S),
        "publicSubnetIds": L(S)},
    "aws:eks/nodeGroup:NodeGroup": {"scalingConfig": D(desiredSize=N), "instanceTypes": L(S),
                                    "launchTemplate": _TEMPLATE_SPEC, "diskSize": N, "capacityType": S,
                                    "subnetIds": L(S)},
    "aws:eks/fargateProfile:FargateProfile": {"selectors": L(D(namespace=S)), "subnetIds": L(S)},
    "aws:autoscaling/group:Group": {
        "mixedInstancesPolicy": D(
            launchTemplate=D(launchTemplateSpecification=D(launchTemplateId=S, launchTemplateName=S),
                             overrides=L(D(instanceType=S))),
            instancesDistribution=D(onDemandPercentageAboveBaseCapacity=N)),
        "launchTemplate": _TEMPLATE_SPEC, "desiredCapacity": N, "minSize": N, "vpcZoneIdentifiers": L(S)},
    "aws:ec2/launchTemplate:LaunchTemplate": {
        "instanceType": S, "blockDeviceMappings": L(D(ebs=D(volumeSize=N))),
        "networkInterfaces": L(D(associatePublicIpAddress=B))},
}
SHAPES["eks:index:ManagedNodeGroup"] = SHAPES["aws:eks/nodeGroup:NodeGroup"]
SHAPES["eks:index:NodeGroupV2"] = SHAPES["eks:index:NodeGroup"] = {
    "nodeAssociatePublicIpAddress": B, "instanceType": S, "desiredCapacity": N, "nodeRootVolumeSize": N,
    "spotPrice": S, "nodeSubnetIds": L(S)}
_SCALARS = {S: (str,), B: (bool, str), N: (int, float, str)}


def conform(value: Any, shape: Any) -> Any:
    """`value` (secrets already unwrapped) in `shape`: see the module docstring."""
    if value is None or value == UNKNOWN:
        return value  # an unknown list or object (publicAccessCidrs holding NAT addresses) stays unknown
    if isinstance(shape, str):
        ok = isinstance(value, _SCALARS[shape]) and not (shape == N and isinstance(value, bool))
        return value if ok else UNKNOWN
    kind, inner = shape
    if kind == "list":
        return [conform(v, inner) for v in value] if isinstance(value, list) else None
    if not isinstance(value, dict) or SIG_KEY in value:
        return None
    return {k: conform(v, inner[k]) if k in inner else v for k, v in value.items()}


def report_properties(type_: str, props: Any) -> dict:
    """A resource's inputs or outputs as the report code reads them."""
    if not isinstance(props, dict):
        return {}
    plain = {k: without_secrets(v) for k, v in props.items()}
    shapes = SHAPES.get(type_, {})
    return {k: conform(v, shapes[k]) if k in shapes else v for k, v in plain.items()}
