"""The managed CoreDNS add-on, created after the capacity that runs it."""

from __future__ import annotations

import json
from typing import Optional, Sequence

import pulumi
import pulumi_aws as aws


def managed_coredns(
    name: str,
    cluster_name: pulumi.Input[str],
    version: str,
    after: Sequence[pulumi.Resource],
    parent: pulumi.Resource,
    fargate: bool = False,
) -> aws.eks.Addon:
    """``aws.eks.Addon`` ``coredns`` at a pinned version, depending on the data plane (``after``): the add-on
    waits for its pods to be ready, which needs nodes or a Fargate profile for ``kube-system``. EKS's
    bootstrap CoreDNS is taken over (``OVERWRITE``). On Fargate, ``computeType: Fargate`` removes the
    EC2-only annotation, otherwise the pods stay Pending (EKS User Guide, fargate-getting-started)."""
    configuration: Optional[str] = json.dumps({"computeType": "Fargate"}) if fargate else None
    return aws.eks.Addon(
        f"{name}-coredns",
        cluster_name=cluster_name,
        addon_name="coredns",
        addon_version=version,
        configuration_values=configuration,
        resolve_conflicts_on_create="OVERWRITE",
        resolve_conflicts_on_update="OVERWRITE",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(after)),
    )
