"""The shortest pulumi-eks program: no VPC given, so the cluster and its default node group use the account's default
VPC (all of its subnets; they are public). Config `quickstart:privateEndpoint` turns the API endpoint private-only."""
import pulumi
import pulumi_eks as eks

private = pulumi.Config().get_bool("privateEndpoint") or False

cluster = eks.Cluster(
    "quickstart",
    authentication_mode=eks.AuthenticationMode.API,
    endpoint_private_access=True if private else None,
    endpoint_public_access=False if private else None,
)

pulumi.export("kubeconfig", cluster.kubeconfig)
