"""The EKS control plane, built by pulumi-eks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks


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
    - ``coredns_managed_by_cluster``: let pulumi-eks manage CoreDNS (off for Fargate, whose
      component configures CoreDNS for Fargate itself).
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
    coredns_managed_by_cluster: bool = True


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

        self.kms_key = None
        if args.secrets_encryption:
            self.kms_key = aws.kms.Key(
                f"{name}-secrets",
                description=f"Envelope encryption of Kubernetes secrets of {name}",
                enable_key_rotation=True,
                deletion_window_in_days=30,
                opts=child,
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
            coredns_addon_options=None
            if args.coredns_managed_by_cluster
            else eks.CoreDnsAddonOptionsArgs(enabled=False),
            opts=child,
        )
        # The name is known before the cluster exists, but resources that take it (access entries,
        # Fargate profiles) must carry a dependency on the cluster: derive it from the cluster's URN.
        self.cluster_name: pulumi.Output[str] = self.eks_cluster.urn.apply(lambda _: args.cluster_name)
        self.register_outputs({"clusterName": self.cluster_name})
