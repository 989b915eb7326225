"""eks-variants: one EKS cluster in the endpoint-access mode and data plane of the stack's config."""

import pulumi
import pulumi_aws as aws

import stack_config
from components.variant import EksVariant, Environment, cluster_name_for, describe

settings = stack_config.load()
for warning in stack_config.warnings(settings):  # accepted, but probably not meant (documentation ranges)
    pulumi.log.warn(warning)
region = stack_config.region()
stack_tags = {**settings.tags, "eks-variants/variant": settings.variant, "eks-variants/stack": pulumi.get_stack()}

# An explicit provider so the stack's tags reach every taggable resource, pulumi-eks's children too
# (launched instances, volumes and ENIs get them through launch templates: components/node_launch.py).
provider = aws.Provider("aws", region=region, default_tags=aws.ProviderDefaultTagsArgs(tags=stack_tags))
# Invokes go through the same provider (region, credentials) as the resources.
through_provider = pulumi.InvokeOptions(provider=provider)

# Standard Availability Zones only (no Local/Wavelength Zones, no opt-in zones). Once pinned
# (eks-variants:availabilityZoneIds), a zone's state no longer matters: the plan must not move.
offered = aws.get_availability_zones(
    state=None if settings.availability_zone_ids else "available",
    filters=[
        aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"]),
        aws.GetAvailabilityZonesFilterArgs(name="zone-type", values=["availability-zone"]),
    ],
    opts=through_provider,
)
zones = stack_config.choose_zones(
    offered.names, offered.zone_ids, settings.zone_count, settings.availability_zone_ids, region
)

env = Environment(
    region=region,
    partition=aws.get_partition(opts=through_provider).partition,
    account_id=aws.get_caller_identity(opts=through_provider).account_id,
    availability_zones=zones,
)

variant = EksVariant(
    "eks",
    settings,
    env,
    cluster_name_for(pulumi.get_project(), pulumi.get_stack()),
    opts=pulumi.ResourceOptions(providers=[provider]),
    tags=stack_tags,
)

eks_cluster = variant.cluster.eks_cluster
pulumi.export("variant", describe(settings))
pulumi.export("clusterName", variant.cluster.cluster_name)
pulumi.export("clusterEndpoint", eks_cluster.eks_cluster.apply(lambda c: c.endpoint if c is not None else None))
pulumi.export("kubeconfig", pulumi.Output.secret(eks_cluster.kubeconfig_json))
pulumi.export("vpcId", variant.network.vpc.id)
pulumi.export("publicSubnetIds", [s.id for s in variant.network.public_subnets])
pulumi.export("privateSubnetIds", [s.id for s in variant.network.private_subnets])
pulumi.export("vpcEndpointIds", variant.privatelink.endpoint_ids if variant.privatelink else {})
# Copy into `eks-variants:availabilityZoneIds` to pin the zones (README, "Availability Zones").
pulumi.export("availabilityZoneIds", [zone.id for zone in zones])
