"""The platform blocks of the schema: ``accessEntries`` (who gets Kubernetes access) and ``addons`` (the
storage and identity add-ons beside EC2 nodes)."""

from __future__ import annotations

import re
from typing import Literal, Optional

from pydantic import Field, ValidationInfo, field_validator

from .blocks import DNS1123_LABEL, Block, duplicates
from .placeholders import documentation_account

# EKS access policies by access level (EKS User Guide, access-policy-permissions).
ACCESS_POLICIES: dict[str, str] = {
    "cluster-admin": "AmazonEKSClusterAdminPolicy",
    "admin": "AmazonEKSAdminPolicy",
    "edit": "AmazonEKSEditPolicy",
    "view": "AmazonEKSViewPolicy",
}
AccessLevel = Literal["cluster-admin", "admin", "edit", "view"]

# An IAM role or user ARN in any partition (aws, aws-cn, aws-us-gov, ...), with an optional path.
# Access entries take IAM principals only (EKS User Guide, creating-access-entries); an STS
# assumed-role ARN is not accepted by CreateAccessEntry.
_IAM_PRINCIPAL_ARN = re.compile(
    r"^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)/([\x21-\x7e]+/)*[\w+=,.@-]{1,128}$"
)


class AccessEntrySettings(Block):
    """One ``accessEntries`` item: an IAM principal and the Kubernetes access it gets."""

    principal_arn: str
    access: AccessLevel
    namespaces: Optional[list[str]] = Field(default=None, min_length=1)

    @field_validator("principal_arn")
    @classmethod
    def _principal(cls, value: str) -> str:
        if not _IAM_PRINCIPAL_ARN.match(value):
            raise ValueError(
                f"{value!r} is not an IAM role or user ARN (arn:<partition>:iam::<12-digit account>:role/<name> "
                "or :user/<name>)"
            )
        if account := documentation_account(value):
            raise ValueError(
                f"{value!r} is in {account}, an AWS documentation example account: CreateAccessEntry needs an "
                "existing principal and would fail after the cluster is created; give a role or user of your account"
            )
        return value

    @field_validator("namespaces")
    @classmethod
    def _namespace_names(cls, value: Optional[list[str]], info: ValidationInfo) -> Optional[list[str]]:
        if value is None:
            return value
        if info.data.get("access") == "cluster-admin":
            raise ValueError(
                "cannot scope 'cluster-admin' (AmazonEKSClusterAdminPolicy is cluster-wide); remove it, "
                "or use access 'admin' for namespace administrators"
            )
        bad = [n for n in value if not DNS1123_LABEL.match(n)]
        if bad:
            raise ValueError(f"not DNS-1123 labels: {', '.join(map(repr, bad))}")
        if dups := duplicates(value):
            raise ValueError(f"duplicate namespaces: {', '.join(dups)}")
        return value

    @property
    def policy(self) -> str:
        return ACCESS_POLICIES[self.access]


class AddonsSettings(Block):
    """``addons``: the EKS add-ons installed beside the node data planes (each can be left out)."""

    ebs_csi_driver: bool = True
    pod_identity_agent: bool = True
