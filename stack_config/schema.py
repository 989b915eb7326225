"""Typed schema of the ``eks-variants:*`` stack configuration (contracts §2).

Field-level rules (types, ranges, formats) live on the models; rules that relate several keys
(``nodes`` only with node data planes, ``natGateways`` only where there is NAT, ...) live in
``cross_checks.py`` so that every problem can be reported at once.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any, Literal, Optional

from pydantic import BeforeValidator, Field, field_validator

from .availability_zones import EKS_UNSUPPORTED_ZONE_IDS, ZONE_ID
from .blocks import DNS1123_LABEL as _DNS1123_LABEL
from .blocks import Block as _Block
from .blocks import duplicates as _duplicates
from .kubernetes_versions import NEWEST_SUPPORTED, SUPPORTED_VERSIONS
from .placeholders import refused_public_range
from .platform import AccessEntrySettings, AddonsSettings

EndpointAccess = Literal["public", "public-private", "private"]


def _not_a_boolean(value):
    # YAML `true` is a boolean, not a count: pydantic's lax mode would read it as 1.
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got the boolean {str(value).lower()}")
    return value


WholeNumber = Annotated[int, BeforeValidator(_not_a_boolean)]
DataPlane = Literal["managed", "self-managed", "fargate", "auto"]
CapacityType = Literal["on-demand", "spot"]

# The PrivateLink services every endpoint set carries (eks-networking-facts: private clusters;
# eksctl's fully-private baseline). S3 is the gateway endpoint; the others are interface endpoints.
BASELINE_INTERFACE_SERVICES: tuple[str, ...] = ("ec2", "ecr.api", "ecr.dkr", "sts")
BASELINE_SERVICES: tuple[str, ...] = (*BASELINE_INTERFACE_SERVICES, "s3")

# The endpoints Session Manager needs where nodes have no internet egress (AWS Systems Manager User Guide,
# "Use VPC endpoints to improve the security of EC2 instances": ssm, ssmmessages, ec2messages).
SESSION_MANAGER_SERVICES: tuple[str, ...] = ("ssm", "ssmmessages", "ec2messages")

# The public endpoint's default access list, and the one entry that means "anyone".
OPEN_TO_WORLD = "0.0.0.0/0"

CLUSTER_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")

_SERVICE_SHORT_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$")
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
_K8S_VERSION = re.compile(r"^\d+\.\d+$")
# Graviton families carry a "g" after the generation digit (m7g, c6gn, r8gd, t4g, x2gd); GPU families
# such as g5 start with it.
_ARM64_FAMILY = re.compile(r"^[a-z]+\d+[a-z]*g[a-z]*\.")


def instance_architecture(instance_type: str) -> str:
    """``arm64`` for Graviton instance types, ``x86_64`` otherwise."""
    return "arm64" if _ARM64_FAMILY.match(instance_type) else "x86_64"


class NodesSettings(_Block):
    """``nodes``: the EC2 capacity of the managed and self-managed data planes."""

    instance_types: list[str] = Field(default_factory=lambda: ["m6i.large"], min_length=1)
    min_size: WholeNumber = Field(default=2, ge=0)
    desired_size: WholeNumber = Field(default=2, ge=0)
    max_size: WholeNumber = Field(default=4, ge=1)
    disk_size_gib: WholeNumber = Field(default=50, ge=20, le=16384, alias="diskSizeGiB")
    capacity_type: CapacityType = "on-demand"
    # Session Manager on the nodes (AmazonSSMManagedInstanceCore on the node role); unset: wherever the
    # SSM agent can reach SSM (StackSettings.session_manager).
    session_manager: Optional[bool] = None

    @field_validator("instance_types")
    @classmethod
    def _instance_type_names(cls, value: list[str]) -> list[str]:
        bad = [t for t in value if not _INSTANCE_TYPE.match(t)]
        if bad:
            raise ValueError(f"not EC2 instance type names: {', '.join(map(repr, bad))} (e.g. 'm6i.large')")
        if dups := _duplicates(value):
            raise ValueError(f"duplicate instance types: {', '.join(dups)}")
        return value


class FargateSettings(_Block):
    """``fargate``: the namespaces whose pods run on Fargate."""

    namespaces: list[str] = Field(default_factory=lambda: ["default", "kube-system"], min_length=1)

    @field_validator("namespaces")
    @classmethod
    def _namespace_names(cls, value: list[str]) -> list[str]:
        bad = [n for n in value if not _DNS1123_LABEL.match(n)]
        if bad:
            raise ValueError(
                f"not DNS-1123 labels: {', '.join(map(repr, bad))} "
                "(lower-case letters, digits and '-', at most 63 characters)"
            )
        if dups := _duplicates(value):
            raise ValueError(f"duplicate namespaces: {', '.join(dups)}")
        # CreateFargateProfile accepts at most five selectors per profile.
        if len(value) > 5:
            raise ValueError(f"a Fargate profile takes at most 5 namespace selectors, got {len(value)}")
        return value


class PrivateLinkSettings(_Block):
    """``privateLink``: VPC endpoints. Always built for ``private``; opt-in elsewhere."""

    enabled: Optional[bool] = None
    extra_services: list[str] = Field(default_factory=list)

    @field_validator("extra_services")
    @classmethod
    def _short_service_names(cls, value: list[str]) -> list[str]:
        problems = []
        bad = [s for s in value if not _SERVICE_SHORT_NAME.match(s) or s.startswith(("com.", "cn.com."))]
        if bad:
            problems.append(
                f"not short service names: {', '.join(map(repr, bad))} "
                "(write 'logs', not 'com.amazonaws.<region>.logs')"
            )
        if dups := _duplicates(value):
            problems.append(f"duplicate services: {', '.join(dups)}")
        baseline = sorted({s for s in value if s in BASELINE_SERVICES})
        if baseline:
            problems.append(
                f"{', '.join(baseline)} already in the baseline ({', '.join(BASELINE_SERVICES)}); remove "
                f"{'it' if len(baseline) == 1 else 'them'}"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return value


class StackSettings(_Block):
    """Every key of the ``eks-variants`` namespace, with its default."""

    endpoint_access: EndpointAccess
    data_plane: DataPlane
    vpc_cidr: str = "10.0.0.0/16"
    availability_zones: WholeNumber = Field(default=3, ge=2, le=6)
    nat_gateways: Optional[Literal["single", "per-az"]] = None
    kubernetes_version: str = NEWEST_SUPPORTED
    public_access_cidrs: Optional[list[str]] = Field(default=None, min_length=1)
    nodes: Optional[NodesSettings] = None
    fargate: Optional[FargateSettings] = None
    private_link: PrivateLinkSettings = Field(default_factory=PrivateLinkSettings)
    cluster_log_types: list[str] = Field(default_factory=lambda: ["api", "audit", "authenticator"])
    secrets_encryption: bool = True
    tags: dict[str, str] = Field(default_factory=dict)
    availability_zone_ids: Optional[list[str]] = Field(default=None, alias="availabilityZoneIds")
    deletion_protection: bool = True
    access_entries: list[AccessEntrySettings] = Field(default_factory=list)
    addons: AddonsSettings = Field(default_factory=AddonsSettings)

    @field_validator("availability_zone_ids")
    @classmethod
    def _zone_ids(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        if value is None:
            return value
        problems = []
        if bad := [z for z in value if not ZONE_ID.match(z)]:
            problems.append(f"not zone IDs: {', '.join(map(repr, bad))} (e.g. 'use1-az1'; the stack output "
                            "availabilityZoneIds lists them)")
        if refused := sorted(set(value) & EKS_UNSUPPORTED_ZONE_IDS):
            problems.append(f"EKS does not accept subnets in {', '.join(refused)} (EKS User Guide, network-reqs)")
        if dups := _duplicates(value):
            problems.append(f"duplicate zone IDs: {', '.join(dups)}")
        if not 2 <= len(value) <= 6:
            problems.append(f"list 2 to 6 zone IDs, got {len(value)}")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    @field_validator("access_entries")
    @classmethod
    def _one_entry_per_principal(cls, value: list[AccessEntrySettings]) -> list[AccessEntrySettings]:
        # CreateAccessEntry fails with ResourceInUseException for a principal that already has one.
        if dups := _duplicates([e.principal_arn for e in value]):
            raise ValueError(f"one entry per principal; listed more than once: {', '.join(dups)}")
        return value

    @field_validator("vpc_cidr")
    @classmethod
    def _vpc_cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"{value!r} is not an IPv4 network without host bits ({exc})") from None
        # A VPC's IPv4 block is /16 to /28; below /22 the subnet plan (see components/subnet_plan.py)
        # leaves fewer than the 16 free addresses EKS recommends per cluster subnet.
        if not 16 <= network.prefixlen <= 22:
            raise ValueError(f"{value!r} has prefix /{network.prefixlen}; use /16 to /22")
        return value

    @field_validator("kubernetes_version")
    @classmethod
    def _kubernetes_version(cls, value: str) -> str:
        if not _K8S_VERSION.match(value):
            raise ValueError(f"{value!r} is not MAJOR.MINOR (e.g. {NEWEST_SUPPORTED!r})")
        if value not in SUPPORTED_VERSIONS:
            raise ValueError(
                f"{value!r} is outside the supported window {SUPPORTED_VERSIONS[0]} to {SUPPORTED_VERSIONS[-1]}"
            )
        return value

    @field_validator("public_access_cidrs")
    @classmethod
    def _cidrs(cls, value: Optional[list[str]]) -> Optional[list[str]]:
        if value is None:
            return value
        bad = []
        for cidr in value:
            try:
                ipaddress.IPv4Network(cidr, strict=True)
            except ValueError:
                bad.append(cidr)
        if bad:
            raise ValueError(f"not IPv4 CIDRs without host bits: {', '.join(map(repr, bad))}")
        if dups := _duplicates(value):
            raise ValueError(f"duplicate CIDRs: {', '.join(dups)}")
        if refused := [f"{c!r} ({kind})" for c in value if (kind := refused_public_range(c))]:
            raise ValueError(
                f"{', '.join(refused)}: EKS refuses reserved addresses in the public endpoint's list (EKS User "
                "Guide, config-cluster-endpoint), and no request over the internet comes from them; reach the API "
                "from inside the VPC through the private endpoint (endpointAccess 'public-private') instead"
            )
        return value

    @field_validator("cluster_log_types")
    @classmethod
    def _log_types(cls, value: list[str]) -> list[str]:
        bad = [t for t in value if t not in CLUSTER_LOG_TYPES]
        if bad:
            raise ValueError(f"unknown log types {', '.join(map(repr, bad))}; choose from {', '.join(CLUSTER_LOG_TYPES)}")
        if dups := _duplicates(value):
            raise ValueError(f"duplicate log types: {', '.join(dups)}")
        return value

    @field_validator("tags", mode="before")
    @classmethod
    def _scalar_tag_values_as_text(cls, value: Any) -> Any:
        # `pulumi config set --path eks-variants:tags.cost-center 1234` writes the number 1234 (and true/false as
        # booleans); EC2 tag values are text, so scalars are taken as the text the CLI was given.
        if isinstance(value, dict):
            return {k: (str(v).lower() if isinstance(v, bool) else str(v))
                    if isinstance(v, (bool, int, float)) else v for k, v in value.items()}
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: dict[str, str]) -> dict[str, str]:
        # EC2 tag restrictions: keys 1-128 characters, values up to 256, the aws: prefix is reserved.
        problems = []
        for key, tag_value in value.items():
            if not 1 <= len(key) <= 128:
                problems.append(f"key {key!r} must be 1 to 128 characters")
            if key.lower().startswith("aws:"):
                problems.append(f"key {key!r} uses the reserved prefix 'aws:'")
            if len(tag_value) > 256:
                problems.append(f"value of {key!r} is longer than 256 characters")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    # --- derived facts the components use -----------------------------------------------------

    @property
    def zone_count(self) -> int:
        """How many Availability Zones: the pinned IDs when given (``Pulumi.yaml`` gives
        ``availabilityZones`` a default, so the two cannot be told apart as set by the user), else
        ``availabilityZones``."""
        return len(self.availability_zone_ids) if self.availability_zone_ids else self.availability_zones

    @property
    def has_nodes(self) -> bool:
        """EC2 node groups this program builds (managed, self-managed)."""
        return self.data_plane in ("managed", "self-managed")

    @property
    def auto_mode(self) -> bool:
        return self.data_plane == "auto"

    @property
    def nodes_in_cluster_subnets(self) -> bool:
        """EKS Auto Mode launches its nodes in the cluster's subnets: the built-in node pools use the
        default NodeClass (EKS User Guide, set-builtin-node-pools), which selects no other subnets, and
        "If the cluster ... uses public subnets as cluster subnets, Auto Mode will launch nodes in public
        subnets" (Eksctl User Guide, docs.aws.amazon.com/eks/latest/eksctl/auto-mode.html). So an Auto
        Mode cluster is given the workload subnets only."""
        return self.auto_mode

    @property
    def installs_addons(self) -> bool:
        """EBS CSI driver and Pod Identity agent as EKS add-ons: only with EC2 node groups. Auto Mode has
        both built in (EKS User Guide, automode); Fargate runs neither (no EBS volumes, no DaemonSets)."""
        return self.has_nodes

    @property
    def uses_pod_identity(self) -> bool:
        return self.auto_mode or (self.installs_addons and self.addons.pod_identity_agent)

    @property
    def private_endpoint(self) -> bool:
        return self.endpoint_access in ("public-private", "private")

    @property
    def public_endpoint(self) -> bool:
        return self.endpoint_access in ("public", "public-private")

    @property
    def has_public_subnets(self) -> bool:
        return self.endpoint_access != "private"

    @property
    def has_private_subnets(self) -> bool:
        return self.endpoint_access != "public" or self.data_plane == "fargate"

    @property
    def has_nat(self) -> bool:
        """NAT gateways exist wherever private subnets need egress and the VPC has an internet gateway."""
        return self.has_public_subnets and self.has_private_subnets

    @property
    def nat_mode(self) -> Optional[str]:
        return (self.nat_gateways or "single") if self.has_nat else None

    @property
    def workloads_in_public_subnets(self) -> bool:
        """Nodes run in public subnets only in ``public`` mode with EC2 nodes or Auto Mode nodes."""
        return self.endpoint_access == "public" and (self.has_nodes or self.auto_mode)

    @property
    def privatelink_enabled(self) -> bool:
        if self.private_link.enabled is not None:
            return self.private_link.enabled
        return self.endpoint_access == "private" or bool(self.private_link.extra_services)

    @property
    def privatelink_services(self) -> list[str]:
        services = [*BASELINE_INTERFACE_SERVICES, *self.private_link.extra_services]
        return services + [s for s in self.data_plane_services if s not in services]

    @property
    def data_plane_services(self) -> list[str]:
        """Interface endpoints the data plane itself needs when its nodes have no internet egress
        (``private``): ``eks-auth`` for Pod Identity, whose agent gets credentials from the EKS Auth API
        (EKS User Guide, private-clusters: "required when using Pod Identity associations"). The EBS CSI
        driver calls EC2, already in the baseline."""
        if self.endpoint_access != "private":
            return []
        return ["eks-auth"] if self.uses_pod_identity else []

    @property
    def session_manager_reachable(self) -> bool:
        """The SSM agent on a node reaches SSM over the internet (IGW or NAT egress: every mode but
        ``private``) or through the three interface endpoints listed in ``privateLink.extraServices``."""
        if self.endpoint_access != "private":
            return True
        return self.privatelink_enabled and set(SESSION_MANAGER_SERVICES) <= set(self.private_link.extra_services)

    @property
    def session_manager(self) -> bool:
        """Attach ``AmazonSSMManagedInstanceCore`` to the node roles: ``nodes.sessionManager`` when set (true
        where SSM is unreachable is refused by cross_checks), else wherever SSM is reachable. Without it a
        node is not a managed instance and cannot be reached with Session Manager; least privilege where it
        could never work."""
        if not self.has_nodes:
            return False
        chosen = self.effective_nodes.session_manager
        return self.session_manager_reachable if chosen is None else chosen

    @property
    def effective_nodes(self) -> NodesSettings:
        return self.nodes or NodesSettings()

    @property
    def effective_fargate(self) -> FargateSettings:
        return self.fargate or FargateSettings()

    @property
    def requested_public_access_cidrs(self) -> list[str]:
        return list(self.public_access_cidrs) if self.public_access_cidrs is not None else [OPEN_TO_WORLD]

    @property
    def variant(self) -> str:
        return f"{self.endpoint_access}-{self.data_plane}"
