"""The EKS name rules AWS enforces at create, and the names the providers generate: pure functions on
strings, used by the eks-resource-names policy (rules/eks_resource_names.py).

Sources:
- CreateCluster (EKS API Reference): `name` "can contain only alphanumeric characters (case-sensitive),
  hyphens, and underscores. It must start with an alphanumeric character and can't be longer than 100
  characters" (CloudFormation AWS::EKS::Cluster: pattern `^[0-9A-Za-z][A-Za-z0-9\\-_]*`, length 1-100).
- CreateNodegroup: `nodegroupName` at most 63 characters, starting with a letter or digit, then letters,
  digits, hyphens and underscores (pulumi-aws / Terraform `aws_eks_node_group` docs).
- CreateFargateProfile: EKS refuses names starting with `eks-` ("InvalidParameterException: The fargate
  profile name starts with the reserved prefix: 'eks-'", pulumi/pulumi-eks#426; pulumi-eks matches the
  prefix case-insensitively, nodejs/eks/cluster/cluster.ts). The API reference documents no length or
  pattern; AWS's own CDK handler caps generated names at 63 characters (aws-cdk aws-eks
  cluster-resource-handlers/fargate.ts `MAX_NAME_LEN = 63`, as do EKS Blueprints) and this pack applies
  the pattern EKS uses for its other names.
- Generated names: pulumi-aws auto-names `<resource name>-<7 hex>` (provider/resources.go `AutoName`);
  Terraform names `<prefix><26-character unique id>` from a `*NamePrefix` (id.PrefixedUniqueId).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

AUTO_NAME_SUFFIX = "-" + "0" * 7  # stands for pulumi-aws's `-<7 hex>`: same length, same characters
PREFIX_SUFFIX_LENGTH = 26         # terraform-plugin-sdk id.UniqueIDSuffixLength (digits)
_EKS_NAME = re.compile(r"[0-9A-Za-z][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class NameRule:
    what: str
    api: str
    maxlen: int
    reserved_prefix: Optional[str] = None


CLUSTER = NameRule("cluster name", "CreateCluster", 100)
NODE_GROUP = NameRule("node group name", "CreateNodegroup", 63)
FARGATE_PROFILE = NameRule("Fargate profile name", "CreateFargateProfile", 63, reserved_prefix="eks-")


def problems(rule: NameRule, name: str, *, generated_chars: int = 0) -> List[str]:
    """Why AWS would refuse `name` (empty list: accepted). `generated_chars` trailing characters are made
    by a provider (always valid characters); they count for the length only."""
    found = []
    if rule.reserved_prefix and name.lower().startswith(rule.reserved_prefix):
        found.append(f"starts with the reserved prefix '{rule.reserved_prefix}' ({rule.api} fails with "
                     "InvalidParameterException)")
    if not name:
        found.append(f"is empty ({rule.api} needs 1 to {rule.maxlen} characters)")
    elif len(name) > rule.maxlen:
        found.append(f"is {len(name)} characters long, more than the {rule.maxlen} {rule.api} accepts")
    checked = name[:len(name) - generated_chars] if generated_chars else name
    if checked and not _EKS_NAME.fullmatch(checked):
        found.append(f"has characters {rule.api} refuses (it must start with a letter or digit, then only "
                     "letters, digits, '-' and '_')")
    return found


def auto_name(resource_name: str) -> str:
    """The shape of the name pulumi-aws generates for a resource registered as `resource_name`."""
    return resource_name + AUTO_NAME_SUFFIX


def prefixed_name(prefix: str) -> str:
    """The shape of the name Terraform generates from a `*NamePrefix`."""
    return prefix + "0" * PREFIX_SUFFIX_LENGTH


def pulumi_eks_cluster_resource_name(component_name: str) -> str:
    """pulumi-eks registers its aws:eks/cluster:Cluster as `<name>-eksCluster` (cluster.ts createCore)."""
    return f"{component_name}-eksCluster"


def pulumi_eks_fargate_resource_name(component_name: str) -> str:
    """pulumi-eks's Fargate profile resource name (cluster.ts): `<name>-fargateProfile`, or, for a cluster
    named `eks` or `eks-…` (the reserved prefix), the first '-' replaced by '_' and `fargateProfile` appended."""
    if component_name == "eks" or component_name.lower().startswith("eks-"):
        return component_name.replace("-", "_", 1) + "fargateProfile"
    return f"{component_name}-fargateProfile"
