"""What every EC2 node launch carries, whichever data plane builds it: the stack's tags on the
instances, volumes and network interfaces, and the instance metadata settings."""

from __future__ import annotations

from typing import Mapping

import pulumi_aws as aws

# AWS provider `default_tags` reach only the resources the provider creates; instances, volumes and
# ENIs launched by an Auto Scaling group get tags from the launch template's tag specifications
# (pulumi-aws docs, "default_tags"; EC2 CreateLaunchTemplate TagSpecification).
LAUNCHED_RESOURCE_TYPES = ("instance", "volume", "network-interface")

# IMDSv2 only, and a hop limit of 1 so a pod (one more network hop, behind the VPC CNI) cannot reach the
# node's instance metadata and borrow the node role (EKS Best Practices, security: "Restrict access to
# the instance profile assigned to the worker node"; CKV_AWS_341; Control Tower CT.EC2.PR.2). Pods get
# AWS credentials through IRSA (the cluster has an OIDC provider) or Pod Identity instead. A workload
# that really reads IMDS from a pod network namespace (for example the AWS Load Balancer Controller
# without --aws-region/--aws-vpc-id) must be given those values instead of a hop limit of 2.
METADATA_OPTIONS = aws.ec2.LaunchTemplateMetadataOptionsArgs(
    http_endpoint="enabled",
    http_tokens="required",
    http_put_response_hop_limit=1,
)


def tag_specifications(tags: Mapping[str, str]) -> list[aws.ec2.LaunchTemplateTagSpecificationArgs]:
    return [
        aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, tags=dict(tags))
        for kind in LAUNCHED_RESOURCE_TYPES
    ]
