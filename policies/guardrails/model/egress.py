"""Internet egress of the nodes (or pods) of a node group in one subnet.

A node has internet egress when its subnet's IPv4 default route goes to a (public) NAT gateway, or to an
internet gateway while the node has a public IPv4 address (Amazon VPC User Guide: "Enable internet access for a
VPC using an internet gateway" — a public IP and a route to the gateway; "NAT gateways"). Nodes without egress
("isolated", the term CDK uses for PRIVATE_ISOLATED subnets) need the PrivateLink endpoints of the EKS User
Guide's private-clusters page whatever the API endpoint mode.

Where the public IP comes from: Fargate pods never get one; managed node groups only through the subnet's
MapPublicIpOnLaunch (EKS User Guide, managed-node-groups); self-managed nodes through their launch template's
network interface `associatePublicIpAddress` (or pulumi-eks `nodeAssociatePublicIpAddress`) when it is set,
else the subnet's setting; EKS Auto Mode nodes through the subnet's setting ("determined automatically by the type
of subnet", EKS User Guide, auto-controls) unless their NodeClass sets `advancedNetworking.associatePublicIPAddress`
to false.

A default route whose target cannot tell egress from inside the stack (transit gateway, VPC peering, a network
interface or instance, a virtual private gateway, a private NAT gateway, a target outside the stack or unknown
at preview) gives UNKNOWN with the reason: never a guess.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .values import UNKNOWN


@dataclass(frozen=True)
class Egress:
    state: Any   # True / False / UNKNOWN
    reason: str  # what decides it, for messages


def node_public_ip(ng, subnet) -> Any:
    if ng.is_fargate:
        return False
    if (ng.self_managed or ng.is_auto) and ng.public_ip_set:  # an Auto Mode NodeClass can only turn it off
        return ng.public_ip
    return subnet.map_public


def egress(ng, subnet, nats) -> Egress:
    """Egress of node group `ng`'s nodes in `subnet`; `nats` maps NAT gateway URNs to model NAT gateways."""
    label = subnet.res.label
    rt = subnet.effective_route_table()
    if rt is UNKNOWN:
        return Egress(UNKNOWN, f"the route table of {label} is unknown")
    if rt is None:
        return Egress(False, f"{label} has only the local route (implicit main route table)")
    definite = [r for r in rt.routes if r.v4_default is True]
    maybe = [r for r in rt.routes if r.v4_default is UNKNOWN]
    if not definite:
        if maybe:
            return Egress(UNKNOWN, f"whether {label} has a default route is unknown")
        return Egress(False, f"{label} has no default route")
    route = definite[0]  # AWS allows one route per destination in a route table
    if route.kind == "nat":
        gws = [nats.get(t.urn) for t in route.targets]
        if any(g is not None and g.public for g in gws):
            return Egress(True, f"{label} routes 0.0.0.0/0 to a NAT gateway")
        if gws and all(g is not None and not g.public for g in gws):
            return Egress(UNKNOWN, f"{label} routes 0.0.0.0/0 to a private NAT gateway, whose traffic continues "
                                   "through another network")
        return Egress(UNKNOWN, f"{label} routes 0.0.0.0/0 to a NAT gateway outside this stack")
    if route.kind == "igw":
        ip = node_public_ip(ng, subnet)
        if ip is True:
            return Egress(True, f"{label} routes 0.0.0.0/0 to an internet gateway and its nodes get public IPs")
        if ip is False:
            return Egress(False, f"{label} routes 0.0.0.0/0 to an internet gateway but its nodes get no public IP")
        return Egress(UNKNOWN, f"whether nodes in {label} get a public IP is unknown")
    if route.kind is UNKNOWN:
        return Egress(UNKNOWN, f"the target of the default route of {label} is unknown")
    target = getattr(route, "target", None) or "a target that is neither a NAT nor an internet gateway"
    return Egress(UNKNOWN, f"{label} routes 0.0.0.0/0 to {target}, which cannot tell internet egress from "
                           "inside this stack")


@dataclass(frozen=True)
class NodePlacement:
    """A node group's nodes in one subnet, and whether they have internet egress."""
    node_group: Any
    subnet: Any
    egress: Egress


@dataclass
class Isolation:
    """Which of a cluster's nodes lack internet egress ("isolated").

    `isolated`: placements known to lack egress (their subnet is certainly one the node group uses);
    `possible`: placements that may lack it (egress unknown, or the subnet is only a candidate);
    `unresolved`: (node group, why) for node groups whose subnets are not known at all."""
    isolated: list
    possible: list
    unresolved: list

    @property
    def any(self) -> bool:
        return bool(self.isolated or self.possible or self.unresolved)


def isolation(cluster, nats) -> Isolation:
    """Egress of every data plane of `cluster` (any node group kind: managed, self-managed, Fargate, and
    whatever adds NodeGroups to `cluster.node_groups`), per subnet."""
    out = Isolation([], [], [])
    for ng in cluster.node_groups:
        if not ng.subnets_complete:
            out.unresolved.append((ng, ng.subnets_why or "its subnets cannot be resolved"))
        # A Fargate profile in a subnet routed to an internet gateway is refused (eks-fargate-private-subnets):
        # no pods run there to need endpoints.
        subnets = [s for s in ng.subnets if not (ng.is_fargate and _igw_routed(s))]
        placements = [NodePlacement(ng, s, egress(ng, s, nats)) for s in subnets]
        lacking = [p for p in placements if p.egress.state is False]
        if ng.subnets_exact or (placements and len(lacking) == len(placements)):
            out.isolated.extend(lacking)  # every candidate lacks egress: so do the ones the nodes use
        else:
            out.possible.extend(NodePlacement(ng, p.subnet, Egress(False, f"{p.egress.reason} ({ng.subnets_why})"))
                                for p in lacking)
        out.possible.extend(p for p in placements if p.egress.state is UNKNOWN)
    return out


def _igw_routed(subnet) -> bool:
    rt = subnet.effective_route_table()
    return rt is not None and rt is not UNKNOWN and rt.igw_route() is True
