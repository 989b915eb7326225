"""Rules that relate several keys. They read the raw values, so they run even when other keys
are invalid, and every problem of a stack file is reported in one go."""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

Problem = tuple[str, str]  # (key path without namespace, message)

from .schema import BASELINE_INTERFACE_SERVICES, OPEN_TO_WORLD, SESSION_MANAGER_SERVICES, instance_architecture

# Data planes whose nodes run in the workload subnets on EC2 (built here, or launched by Auto Mode).
_EC2_PLANES = ("managed", "self-managed", "auto")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _mode_and_plane(raw: dict[str, Any]) -> tuple[Any, Any]:
    return raw.get("endpointAccess"), raw.get("dataPlane")


def check_blocks_match_data_plane(raw: dict[str, Any]) -> list[Problem]:
    _, plane = _mode_and_plane(raw)
    problems: list[Problem] = []
    if plane == "fargate" and "nodes" in raw:
        problems.append(("nodes", "not used with dataPlane 'fargate' (Fargate runs pods, not nodes); remove it"))
    if plane == "auto" and "nodes" in raw:
        problems.append(("nodes", "not used with dataPlane 'auto' (EKS Auto Mode chooses and scales the "
                                  "instances through its node pools); remove it"))
    if plane in ("managed", "self-managed", "auto") and "fargate" in raw:
        problems.append(("fargate", f"only used with dataPlane 'fargate', this stack has {plane!r}; remove it"))
    if plane == "auto" and "addons" in raw:
        problems.append(("addons", "not used with dataPlane 'auto': EKS Auto Mode has block storage (EBS CSI) "
                                   "and the Pod Identity agent built in; remove it"))
    if plane == "fargate" and "addons" in raw:
        problems.append(("addons", "not used with dataPlane 'fargate': Fargate pods mount no EBS volumes and "
                                   "run no DaemonSets such as the Pod Identity agent; remove it"))
    return problems


def check_node_sizes(raw: dict[str, Any]) -> list[Problem]:
    nodes = raw.get("nodes")
    if not isinstance(nodes, dict):
        return []
    defaults = {"minSize": 2, "desiredSize": 2, "maxSize": 4}
    sizes = {k: nodes.get(k, v) for k, v in defaults.items()}
    if not all(_is_int(v) for v in sizes.values()):
        return []  # the type error is reported by the schema
    problems: list[Problem] = []
    if sizes["minSize"] > sizes["maxSize"]:
        problems.append(
            ("nodes.minSize", f"{sizes['minSize']} is larger than eks-variants:nodes.maxSize ({sizes['maxSize']})")
        )
    else:
        if sizes["desiredSize"] < sizes["minSize"]:
            problems.append(
                ("nodes.desiredSize",
                 f"{sizes['desiredSize']} is smaller than eks-variants:nodes.minSize ({sizes['minSize']})")
            )
        if sizes["desiredSize"] > sizes["maxSize"]:
            problems.append(
                ("nodes.desiredSize",
                 f"{sizes['desiredSize']} is larger than eks-variants:nodes.maxSize ({sizes['maxSize']})")
            )
    return problems


def check_instance_architectures(raw: dict[str, Any]) -> list[Problem]:
    nodes = raw.get("nodes")
    types = nodes.get("instanceTypes") if isinstance(nodes, dict) else None
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return []
    # One group boots one AMI, built for one architecture (a managed node group's amiType, the
    # self-managed launch template's image).
    arches = {instance_architecture(t) for t in types}
    if len(arches) > 1:
        return [("nodes.instanceTypes",
                 f"{', '.join(types)} mix x86_64 and arm64 (Graviton) types; one node group runs one AMI, "
                 "so list types of one architecture")]
    return []


def check_addons(raw: dict[str, Any]) -> list[Problem]:
    addons = raw.get("addons")
    if not isinstance(addons, dict):
        return []
    agent, ebs = addons.get("podIdentityAgent", True), addons.get("ebsCsiDriver", True)
    if agent is False and ebs is True:
        return [("addons.ebsCsiDriver",
                 "the EBS CSI driver gets its IAM role through Pod Identity, which addons.podIdentityAgent "
                 "false leaves out; set ebsCsiDriver false too, or keep the agent")]
    return []


def check_session_manager(raw: dict[str, Any]) -> list[Problem]:
    """``nodes.sessionManager: true`` on a ``private`` stack needs the SSM endpoints: without egress the
    agent reaches SSM only through ``ssm``, ``ssmmessages`` and ``ec2messages`` interface endpoints (AWS
    Systems Manager User Guide, setup-create-vpc)."""
    mode, _ = _mode_and_plane(raw)
    nodes = raw.get("nodes")
    if mode != "private" or not isinstance(nodes, dict) or nodes.get("sessionManager") is not True:
        return []
    block = raw.get("privateLink") if isinstance(raw.get("privateLink"), dict) else {}
    listed = block.get("extraServices") if isinstance(block.get("extraServices"), list) else []
    missing = [s for s in SESSION_MANAGER_SERVICES if s not in listed]
    if not missing:
        return []
    return [("nodes.sessionManager",
             f"Session Manager cannot reach nodes without internet egress unless privateLink.extraServices lists "
             f"{', '.join(SESSION_MANAGER_SERVICES)} (missing: {', '.join(missing)}); add them, or remove "
             "sessionManager")]


def check_nat_gateways(raw: dict[str, Any]) -> list[Problem]:
    mode, plane = _mode_and_plane(raw)
    if "natGateways" not in raw:
        return []
    if mode == "private":
        return [("natGateways", "a 'private' stack has no internet gateway and no NAT gateways; remove it")]
    if mode == "public" and plane in _EC2_PLANES:
        return [("natGateways",
                 f"a 'public' stack with dataPlane {plane!r} has no private subnets and so no NAT gateways; remove it")]
    return []


def check_public_access_cidrs(raw: dict[str, Any]) -> list[Problem]:
    mode, plane = _mode_and_plane(raw)
    if "publicAccessCidrs" not in raw:
        return []
    cidrs = raw["publicAccessCidrs"]
    if mode == "private":
        return [("publicAccessCidrs", "a 'private' stack has no public API endpoint; remove it")]
    if mode == "public" and plane in _EC2_PLANES and isinstance(cidrs, list):
        if OPEN_TO_WORLD not in cidrs and _all_cidrs(cidrs):
            # EKS User Guide, cluster-endpoint: with only the public endpoint, the CIDRs must include the
            # nodes' egress addresses. Nodes on auto-assigned public IPs cannot be listed in advance.
            return [("publicAccessCidrs",
                     f"{cidrs} would lock out the nodes: in a 'public' stack they reach the API from "
                     "auto-assigned public IPs that cannot be listed; keep '0.0.0.0/0' or use "
                     "endpointAccess 'public-private'")]
    return []


def check_private_link(raw: dict[str, Any]) -> list[Problem]:
    mode, _ = _mode_and_plane(raw)
    block = raw.get("privateLink")
    if mode == "private" and isinstance(block, dict) and block.get("enabled") is False:
        return [("privateLink.enabled",
                 "a 'private' cluster needs its VPC endpoints (EC2, ECR, S3, STS) to pull images and join nodes; "
                 "remove 'enabled: false'")]
    if isinstance(block, dict) and block.get("enabled") is False and block.get("extraServices"):
        return [("privateLink.extraServices", "listed while privateLink.enabled is false; remove one of them")]
    return []


def check_endpoint_tier_capacity(raw: dict[str, Any]) -> list[Problem]:
    """Each interface endpoint takes one address in each endpoint-tier subnet, a /N+6 of the VPC
    (components/subnet_plan.py); AWS keeps 5 addresses of every subnet (VPC User Guide, subnet sizing)."""
    block = raw.get("privateLink")
    extra = block.get("extraServices") if isinstance(block, dict) else None
    if not isinstance(extra, list):
        return []
    try:
        prefix = ipaddress.IPv4Network(raw.get("vpcCidr", "10.0.0.0/16"), strict=True).prefixlen
    except (TypeError, ValueError):
        return []  # the schema reports the CIDR
    usable = 2 ** (32 - (prefix + 6)) - 5
    services = len(BASELINE_INTERFACE_SERVICES) + len(extra) + len(
        [s for s in _data_plane_services(raw) if s not in extra]
    )
    if services > usable:
        return [("privateLink.extraServices",
                 f"{services} interface endpoints do not fit the endpoint subnets of a /{prefix} VPC "
                 f"({usable} usable addresses each); list fewer or use a larger eks-variants:vpcCidr")]
    return []


def _data_plane_services(raw: dict[str, Any]) -> list[str]:
    """What the program adds beside the baseline and extraServices (StackSettings.data_plane_services):
    ``eks-auth`` on a ``private`` stack that uses Pod Identity."""
    mode, plane = _mode_and_plane(raw)
    addons = raw.get("addons") if isinstance(raw.get("addons"), dict) else {}
    agent = plane == "auto" or (plane in ("managed", "self-managed") and addons.get("podIdentityAgent", True) is not False)
    return ["eks-auth"] if mode == "private" and agent else []


def _all_cidrs(values: list[Any]) -> bool:
    try:
        return all(isinstance(v, str) and ipaddress.IPv4Network(v, strict=True) for v in values)
    except ValueError:
        return False


CROSS_CHECKS: tuple[Callable[[dict[str, Any]], list[Problem]], ...] = (
    check_blocks_match_data_plane,
    check_node_sizes,
    check_instance_architectures,
    check_addons,
    check_session_manager,
    check_nat_gateways,
    check_public_access_cidrs,
    check_private_link,
    check_endpoint_tier_capacity,
)


def cross_check(raw: dict[str, Any]) -> list[Problem]:
    return [problem for check in CROSS_CHECKS for problem in check(raw)]
