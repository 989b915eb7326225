"""An internal cluster reachable only from the corporate network: awsx VPC with every default (so
enableDnsHostnames is not set and AWS leaves it off), pulumi-eks cluster with a private-only API endpoint."""
import pulumi
import pulumi_awsx as awsx
import pulumi_eks as eks

vpc = awsx.ec2.Vpc("tools")

cluster = eks.Cluster(
    "tools",
    vpc_id=vpc.vpc_id,
    public_subnet_ids=vpc.public_subnet_ids,
    private_subnet_ids=vpc.private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=False,
    node_associate_public_ip_address=False,
    authentication_mode=eks.AuthenticationMode.API,
)

pulumi.export("kubeconfig", cluster.kubeconfig)
