"""eks-variants: one EKS cluster in the endpoint-access mode and data plane of the stack's config."""

import pulumi
import pulumi_aws as aws

import stack_config
from components.variant import EksVariant, Environment, cluster_name_for, describe

settings = stack_config.load()
region = stack_config.region()

zones = aws.get_availability_zones(
    state="available",
    filters=[aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"])],
).names
stack_config.check_zone_count(settings, region, zones)

env = Environment(
    region=region,
    partition=aws.get_partition().partition,
    account_id=aws.get_caller_identity().account_id,
    availability_zones=sorted(zones)[: settings.availability_zones],
)

# An explicit provider so the stack's tags reach every taggable resource, pulumi-eks's children too.
provider = aws.Provider(
    "aws",
    region=region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={**settings.tags, "eks-variants/variant": settings.variant, "eks-variants/stack": pulumi.get_stack()}
    ),
)

variant = EksVariant(
    "eks",
    settings,
    env,
    cluster_name_for(pulumi.get_project(), pulumi.get_stack()),
    opts=pulumi.ResourceOptions(providers=[provider]),
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
