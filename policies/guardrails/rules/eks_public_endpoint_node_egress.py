"""eks-public-endpoint-node-egress: with only the public endpoint, every node subnet reaches it."""
from __future__ import annotations

import ipaddress

from ..model.values import UNKNOWN, as_list, cidr_within, is_open_cidr, is_unknown
from ..model.egress import node_public_ip
from .base import Finding, Rule, undecided
from .subnet_facts import route_facts

NAME = "eks-public-endpoint-node-egress"


def _restriction(c):
    """(restricted: True/False/UNKNOWN, known cidrs, has unknown entries)."""
    cidrs = c.public_cidrs
    if cidrs is None:
        return False, ["0.0.0.0/0"], False
    if cidrs is UNKNOWN:
        return UNKNOWN, [], True
    known = [x for x in as_list(cidrs) if isinstance(x, str)]
    has_unknown = len(known) < len(as_list(cidrs))
    if any(is_open_cidr(x) for x in known):
        return False, known, has_unknown
    return (UNKNOWN if has_unknown and not known else True), known, has_unknown


def check(model, cfg):
    for c in model.clusters.values():
        if c.public_only is False:
            continue
        restricted, known_cidrs, cidr_unknowns = _restriction(c)
        for ng in c.node_groups:
            if not ng.subnets_complete:
                yield undecided(ng.res.anchor, NAME, f"the subnets of node group {ng.label} cannot be resolved: "
                                f"{ng.subnets_why or 'unknown'}.")
            bad, unsure = [], []
            for s in ng.subnets:
                kinds, nats = route_facts(s)
                if kinds is UNKNOWN or "unknown" in kinds:
                    unsure.append(f"{s.res.label}: its default route is unknown")
                    continue
                if "nat" in kinds:
                    if restricted is False:
                        continue
                    pub = [n for n in (model.nats.get(x.urn) for x in nats) if n is not None and n.public]
                    if not pub and "nat-unresolved" in kinds:
                        unsure.append(f"{s.res.label}: its NAT gateway cannot be resolved")
                        continue
                    for n in pub:
                        ips, complete = n.public_ips()
                        outside = [ip for ip in ips if not cidr_within(ip, known_cidrs)]
                        inferred = cidr_unknowns and any(e.urn in c.cidrs_deps for e in n.eips)
                        if outside and not cidr_unknowns:
                            bad.append(f"{s.res.label} egresses through NAT gateway {n.res.name} whose Elastic IP "
                                       f"{', '.join(outside)} is not in publicAccessCidrs {known_cidrs}")
                        elif (not complete or outside) and not inferred and restricted is True and \
                                not cidr_unknowns and _fresh_from_amazon(n) and not _could_hold_new_address(known_cidrs):
                            bad.append(f"{s.res.label} egresses through NAT gateway {n.res.name}, whose Elastic IP is "
                                       "allocated from Amazon's pool when it is created, so the publicAccessCidrs "
                                       f"{known_cidrs}, fixed before it exists, cannot hold it (compute them from the "
                                       "Elastic IP, e.g. eip.public_ip.apply(lambda ip: [f\"{ip}/32\", ...]), or "
                                       "enable the private endpoint)")
                        elif (not complete or outside) and not inferred:
                            unsure.append(f"{s.res.label}: the Elastic IP of NAT gateway {n.res.name} or the "
                                          "publicAccessCidrs are unknown")
                        elif restricted is UNKNOWN and not inferred:
                            unsure.append(f"{s.res.label}: publicAccessCidrs are unknown")
                    continue
                if "igw" in kinds:
                    if ng.is_fargate:
                        continue  # Fargate cannot use public subnets: eks-fargate-private-subnets says so
                    gets_ip = node_public_ip(ng, s)
                    if gets_ip is False:
                        own = ng.public_ip_set and (ng.self_managed or ng.is_auto)  # launch settings, NodeClass
                        why = "the node group's launch settings ask for none" if own \
                            else "it has mapPublicIpOnLaunch = false"
                        bad.append(f"{s.res.label} routes 0.0.0.0/0 to an internet gateway but its nodes get no public "
                                   f"IP ({why}), so they cannot reach the public endpoint (give them public IPs, or "
                                   "route through a NAT gateway)")
                    elif gets_ip is UNKNOWN:
                        unsure.append(f"{s.res.label}: whether nodes get a public IP is unknown")
                    elif restricted is True:
                        bad.append(f"{s.res.label} gives nodes auto-assigned public IPs, which cannot be listed in "
                                   f"the restricted publicAccessCidrs {known_cidrs} (use NAT gateways whose Elastic IPs "
                                   "are listed, or enable the private endpoint)")
                    elif restricted is UNKNOWN:
                        unsure.append(f"{s.res.label}: publicAccessCidrs are unknown")
                    continue
                if "other" in kinds:
                    unsure.append(f"{s.res.label}: its default route goes to {_other_target(s)}, which cannot tell "
                                  "whether the nodes reach the internet")
                    continue
                bad.append(f"{s.res.label} has no default route to an internet gateway or NAT gateway, so nodes "
                           "cannot reach the public endpoint (add a NAT route, or enable the private endpoint)")
            if bad and not ng.subnets_exact and len(bad) < len(ng.subnets):
                unsure.extend(bad)  # candidates only: which of them the nodes use is unknown
                unsure.append(ng.subnets_why)
                bad = []
            if bad and c.public_only is True:
                yield Finding(ng.res.anchor, f"node group {ng.label} of cluster {c.res.name} (public endpoint only) cannot "
                              f"reach the API server: {'; '.join(bad)}.")
            elif bad or unsure:
                yield undecided(ng.res.anchor, NAME, f"node group {ng.label}: {'; '.join(bad + unsure)}.")


def _fresh_from_amazon(nat) -> bool:
    """The NAT gateway's Elastic IPs are all created by this stack, from Amazon's pool: no address asked for
    (`address`), no BYOIP or customer-owned pool (Amazon EC2 User Guide, Elastic IP addresses: an address is
    allocated from Amazon's pool of public IPv4 addresses unless one of these is given), none known yet."""
    if not nat.eips or not nat.eip_complete:
        return False
    for e in nat.eips:
        if e.inferred or e.existing or e.type != "aws:ec2/eip:Eip":
            return False
        if e.p("address") is not None or e.p("customerOwnedIpv4Pool") is not None:
            return False
        if e.p("publicIpv4Pool") not in (None, "amazon"):
            return False
        ip = e.p("publicIp")
        if isinstance(ip, str) and not is_unknown(ip):
            return False
    return True


def _could_hold_new_address(cidrs) -> bool:
    """Whether a CIDR is wide enough (a /8 or wider) to hold an address Amazon allocates by chance: then only
    the address itself can tell."""
    for c in cidrs:
        try:
            if ipaddress.ip_network(c, strict=False).prefixlen <= 8:
                return True
        except ValueError:
            return True
    return False


def _other_target(subnet) -> str:
    rt = subnet.effective_route_table()
    targets = [r.target for r in rt.routes if r.v4_default is True and r.kind == "other" and r.target]
    return targets[0] if targets else "a target that is neither an internet nor a NAT gateway"


FAILING_EXAMPLE = """\
# public-only endpoint; node subnet routes to an internet gateway but gives no public IP
subnet = aws.ec2.Subnet("nodes-a", vpc_id=vpc.id, cidr_block="10.0.0.0/20",
                        map_public_ip_on_launch=False)
aws.ec2.RouteTable("rt", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
"""
PASSING_EXAMPLE = """\
subnet = aws.ec2.Subnet("nodes-a", vpc_id=vpc.id, cidr_block="10.0.0.0/20",
                        map_public_ip_on_launch=True)
aws.ec2.RouteTable("rt", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-003",
    resolution='Put the nodes in subnets with a default route to a NAT gateway, or to an internet gateway with mapPublicIpOnLaunch = true; with restricted publicAccessCidrs, route them through NAT gateways whose Elastic IPs are in the list (or turn the private endpoint on: endpointAccess public-private).',
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Functional (nodes never reach the API server). Public-only endpoint: every node subnet reaches the endpoint (default route to an internet gateway "
                "with mapPublicIpOnLaunch = true or a launch-template public IP, or a default route to a NAT gateway); "
                "with restricted publicAccessCidrs, the nodes' NAT Elastic IPs are inside them.",
    source="Amazon EKS User Guide, cluster-endpoint (restricting public access without the private endpoint) and "
           "managed-node-groups (public IP only from the subnet setting); eksctl docs vpc-cluster-access.",
    check=check)
