"""The plan: the resource tree (component -> children) with each resource's type, name and the few input
properties that define the variant, like `eksctl create cluster --dry-run` or `terraform plan`."""
from __future__ import annotations

import dataclasses
from typing import Any

from ..sentinels import SIG_KEY, UNKNOWN_VALUE as UNKNOWN

# Per type: the inputs worth a reader's attention (wire names, as `pulumi preview --diff` shows them).
KEY_INPUTS: dict[str, tuple[str, ...]] = {
    "aws:ec2/vpc:Vpc": ("cidrBlock", "enableDnsSupport", "enableDnsHostnames"),
    "aws:ec2/subnet:Subnet": ("cidrBlock", "availabilityZone", "mapPublicIpOnLaunch"),
    "aws:ec2/route:Route": ("destinationCidrBlock", "gatewayId", "natGatewayId"),
    "aws:ec2/natGateway:NatGateway": ("connectivityType",),
    "aws:ec2/eip:Eip": ("domain",),
    "aws:ec2/vpcEndpoint:VpcEndpoint": ("serviceName", "vpcEndpointType", "privateDnsEnabled"),
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ("ipProtocol", "fromPort", "toPort", "cidrIpv4"),
    "aws:kms/key:Key": ("enableKeyRotation",),
    "aws:eks/cluster:Cluster": ("version", "vpcConfig"),
    "aws:eks/nodeGroup:NodeGroup": ("instanceTypes", "scalingConfig", "diskSize", "capacityType"),
    "aws:eks/fargateProfile:FargateProfile": ("selectors",),
    "aws:eks/accessEntry:AccessEntry": ("type",),
    "aws:eks/addon:Addon": ("addonName", "configurationValues"),
    "aws:autoscaling/group:Group": ("minSize", "desiredCapacity", "maxSize"),
    "aws:ec2/launchTemplate:LaunchTemplate": ("instanceType", "blockDeviceMappings"),
    "eks:index:Cluster": ("version", "endpointPublicAccess", "endpointPrivateAccess", "publicAccessCidrs",
                          "authenticationMode", "enabledClusterLogTypes", "autoMode"),
    "eks:index:ManagedNodeGroup": ("instanceTypes", "scalingConfig", "diskSize", "capacityType"),
    "eks:index:NodeGroupV2": ("instanceType", "minSize", "desiredCapacity", "maxSize", "nodeRootVolumeSize",
                              "nodeAssociatePublicIpAddress"),
}
SKIP_TYPES = ("pulumi:pulumi:Stack",)


@dataclasses.dataclass
class PlanNode:
    type: str
    name: str
    properties: dict
    children: list = dataclasses.field(default_factory=list)


def _show(value: Any) -> Any:
    if value == UNKNOWN:
        return "(known after deploy)"
    if isinstance(value, dict):
        if SIG_KEY in value:
            return "(secret)" if "value" in value else "(resource)"
        return {k: _show(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_show(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def build(stack) -> list[PlanNode]:
    """Top-level nodes (children of the stack), each with its children, in registration order."""
    nodes: dict[str, PlanNode] = {}
    for r in stack.resources:
        if r.type in SKIP_TYPES or r.type.startswith("pulumi:providers:"):
            continue
        props = {k: _show(r.inputs[k]) for k in KEY_INPUTS.get(r.type, ()) if k in r.inputs}
        nodes[r.urn] = PlanNode(r.type, r.name, props)
    roots = []
    for r in stack.resources:
        node = nodes.get(r.urn)
        if node is None:
            continue
        parent = nodes.get(r.parent or "")
        (parent.children if parent is not None else roots).append(node)
    # Registration order under mocks follows the program's awaits; type then name is the same every run.
    order = lambda n: (n.type, n.name)  # noqa: E731
    for node in nodes.values():
        node.children.sort(key=order)
    return sorted(roots, key=order)


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(_format(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_format(v)}" for k, v in value.items()) + "}"
    return str(value)


def to_markdown(roots: list[PlanNode]) -> str:
    """A nested list: `type` **name** — key: value, ..."""
    out: list[str] = []

    def emit(node: PlanNode, depth: int) -> None:
        props = "; ".join(f"{k}: `{_format(v)}`" for k, v in node.properties.items())
        out.append(f"{'  ' * depth}- `{node.type}` **{node.name}**" + (f" — {props}" if props else ""))
        for child in node.children:
            emit(child, depth + 1)

    for root in roots:
        emit(root, 0)
    return "\n".join(out) + "\n"
