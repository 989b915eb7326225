"""awsx VPC without NAT gateways (NatGatewayStrategy.NONE, to save $0.045/h per gateway) and a pulumi-eks cluster
with both API endpoints; the default node group runs in the private subnets, which then have no internet route."""
import pulumi
import pulumi_awsx as awsx
import pulumi_eks as eks

vpc = awsx.ec2.Vpc(
    "lab",
    cidr_block="10.42.0.0/16",
    number_of_availability_zones=2,
    enable_dns_hostnames=True,
    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=awsx.ec2.NatGatewayStrategy.NONE),
)

cluster = eks.Cluster(
    "lab",
    vpc_id=vpc.vpc_id,
    public_subnet_ids=vpc.public_subnet_ids,
    private_subnet_ids=vpc.private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=True,
    public_access_cidrs=["203.0.113.0/24"],
    node_associate_public_ip_address=False,
    instance_type="t3.large",
    desired_capacity=2, min_size=1, max_size=3,
    authentication_mode=eks.AuthenticationMode.API,
)

pulumi.export("kubeconfig", cluster.kubeconfig)
