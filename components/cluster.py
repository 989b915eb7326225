"""The EKS control plane, built by pulumi-eks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from stack_config.kubernetes_versions import ReleasePins


@dataclass(frozen=True)
class ClusterArgs:
    """Inputs of ``Cluster``.

    - ``cluster_name``: the EKS cluster's name (letters, digits, ``-`` and ``_``; at most 100).
    - ``vpc_id``, ``public_subnet_ids``, ``private_subnet_ids``: where the control-plane ENIs go
      (at least two AZs, EKS User Guide network-reqs).
    - ``endpoint_public_access`` / ``endpoint_private_access``: the API endpoint-access mode.
    - ``public_access_cidrs``: who may reach the public endpoint (ignored when it is off).
    - ``kubernetes_version``: ``MAJOR.MINOR``.
    - ``log_types``: control-plane log types sent to CloudWatch Logs.
    - ``secrets_encryption``: envelope-encrypt Kubernetes secrets with a KMS key made here.
    - ``addon_pins``: kube-proxy and VPC CNI add-on versions (``stack_config/kubernetes_versions.py``);
      without them pulumi-eks looks up the most recent version on every run.
    - ``deletion_protection``: EKS's own ``deletionProtection`` on the cluster, and Pulumi ``protect`` on
      the cluster and the KMS key, so neither ``pulumi destroy`` nor a replacement can delete them.
    - ``auto_mode``: EKS Auto Mode options (``components/auto_mode.py``), or ``None``.

    CoreDNS is never left to pulumi-eks here: with no default node group it would create the add-on only
    when told to, and then at once with the cluster, before any node or Fargate profile could run it
    (``cluster.ts``: "We can only enable the coredns addon if we have a node group"). The data-plane
    components create it after their capacity (``components/coredns.py``).
    """

    cluster_name: str
    vpc_id: pulumi.Input[str]
    public_subnet_ids: Sequence[pulumi.Input[str]]
    private_subnet_ids: Sequence[pulumi.Input[str]]
    endpoint_public_access: bool
    endpoint_private_access: bool
    public_access_cidrs: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]]
    kubernetes_version: str
    log_types: Sequence[str] = field(default_factory=lambda: ["api", "audit", "authenticator"])
    secrets_encryption: bool = True
    addon_pins: Optional[ReleasePins] = None
    deletion_protection: bool = True
    auto_mode: Optional[eks.AutoModeOptionsArgs] = None


class Cluster(pulumi.ComponentResource):
    """An ``eks:index:Cluster`` with authentication mode ``API`` (access entries, no aws-auth
    ConfigMap, so no Kubernetes API call at deploy time and a private-only cluster can be created
    from outside its VPC), no default node group, an OIDC provider for IRSA, control-plane logs and
    optional KMS encryption of secrets."""

    eks_cluster: eks.Cluster
    kms_key: Optional[aws.kms.Key]

    def __init__(self, name: str, args: ClusterArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:cluster:Cluster", name, None, opts)
        if not (args.endpoint_public_access or args.endpoint_private_access):
            raise ValueError("a cluster needs the public or the private API endpoint (or both)")
        child = pulumi.ResourceOptions(parent=self)
        protected = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)
        pins = args.addon_pins

        self.kms_key = None
        if args.secrets_encryption:
            self.kms_key = aws.kms.Key(
                f"{name}-secrets",
                description=f"Envelope encryption of Kubernetes secrets of {name}",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                opts=protected,
            )

        self.eks_cluster = eks.Cluster(
            name,
            name=args.cluster_name,
            vpc_id=args.vpc_id,
            public_subnet_ids=list(args.public_subnet_ids) or None,
            private_subnet_ids=list(args.private_subnet_ids) or None,
            endpoint_public_access=args.endpoint_public_access,
            endpoint_private_access=args.endpoint_private_access,
            public_access_cidrs=args.public_access_cidrs if args.endpoint_public_access else None,
            authentication_mode=eks.AuthenticationMode.API,
            skip_default_node_group=True,
            create_oidc_provider=True,
            version=args.kubernetes_version,
            enabled_cluster_log_types=list(args.log_types),
            encryption_config_key_arn=self.kms_key.arn if self.kms_key else None,
            coredns_addon_options=eks.CoreDnsAddonOptionsArgs(enabled=False),
            kube_proxy_addon_options=eks.KubeProxyAddonOptionsArgs(version=pins.kube_proxy) if pins else None,
            vpc_cni_options=eks.VpcCniOptionsArgs(addon_version=pins.vpc_cni) if pins else None,
            deletion_protection=args.deletion_protection,
            auto_mode=args.auto_mode,
            opts=protected,
        )
        # The name is known before the cluster exists, but resources that take it (access entries,
        # Fargate profiles) must carry a dependency on the cluster: derive it from the cluster's URN.
        self.cluster_name: pulumi.Output[str] = self.eks_cluster.urn.apply(lambda _: args.cluster_name)
        self.register_outputs({"clusterName": self.cluster_name})
