"""Kubernetes access for IAM principals through EKS access entries (``eks-variants:accessEntries``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws

from stack_config.platform import AccessEntrySettings


@dataclass(frozen=True)
class AccessEntriesArgs:
    """Inputs of ``AccessEntries``.

    - ``cluster_name``: the cluster (an Output carrying the dependency on it).
    - ``entries``: validated ``accessEntries`` items.
    - ``partition``: for the access policy ARNs.
    """

    cluster_name: pulumi.Input[str]
    entries: Sequence[AccessEntrySettings]
    partition: str


def access_policy_arn(partition: str, policy: str) -> str:
    """AWS-managed EKS access policies live under ``arn:<partition>:eks::aws:cluster-access-policy/``
    (EKS User Guide, access-policy-permissions)."""
    return f"arn:{partition}:eks::aws:cluster-access-policy/{policy}"


def _resource_suffix(principal_arn: str) -> str:
    # Named by principal, not by list position, so reordering the list replaces nothing.
    return hashlib.sha256(principal_arn.encode()).hexdigest()[:10]


class AccessEntries(pulumi.ComponentResource):
    """One ``STANDARD`` access entry per principal and one access policy association: cluster scope, or
    namespace scope when ``namespaces`` is given. The cluster creator's admin entry stays as pulumi-eks
    creates it (``bootstrapClusterCreatorAdminPermissions``)."""

    entries: list[aws.eks.AccessEntry]
    associations: list[aws.eks.AccessPolicyAssociation]

    def __init__(self, name: str, args: AccessEntriesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("eks-variants:access:AccessEntries", name, None, opts)
        self.entries, self.associations = [], []
        for item in args.entries:
            resource_name = f"{name}-{_resource_suffix(item.principal_arn)}"
            entry = aws.eks.AccessEntry(
                resource_name,
                cluster_name=args.cluster_name,
                principal_arn=item.principal_arn,
                type="STANDARD",
                opts=pulumi.ResourceOptions(parent=self),
            )
            scope = (
                aws.eks.AccessPolicyAssociationAccessScopeArgs(type="namespace", namespaces=list(item.namespaces))
                if item.namespaces
                else aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster")
            )
            association = aws.eks.AccessPolicyAssociation(
                resource_name,
                cluster_name=entry.cluster_name,
                principal_arn=entry.principal_arn,
                policy_arn=access_policy_arn(args.partition, item.policy),
                access_scope=scope,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.entries.append(entry)
            self.associations.append(association)
        self.register_outputs({})
