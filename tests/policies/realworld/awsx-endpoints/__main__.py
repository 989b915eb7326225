"""A cluster without outbound internet access: awsx VPC with no NAT gateways and only private subnets for nodes,
PrivateLink endpoints from `vpcEndpointSpecs` (strategy Auto: interface endpoints in one private subnet per AZ with
private DNS and a security group allowing 443 from the VPC, the S3 gateway on every route table), private-only API
endpoint, self-managed nodes (NodeGroupV2) that wait for the VPC and its endpoints."""
import pulumi
import pulumi_awsx as awsx
import pulumi_eks as eks

region = "ap-southeast-2"
interface = ["ec2", "ecr.api", "ecr.dkr", "sts", "logs"]

vpc = awsx.ec2.Vpc(
    "airgapped",
    cidr_block="10.99.0.0/16",
    number_of_availability_zones=3,
    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=awsx.ec2.NatGatewayStrategy.NONE),
    subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
    subnet_specs=[awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, cidr_mask=19)],
    vpc_endpoint_strategy=awsx.ec2.VpcEndpointStrategy.AUTO,
    vpc_endpoint_specs=[awsx.ec2.VpcEndpointSpecArgs(service_name=f"com.amazonaws.{region}.{s}",
                                                     vpc_endpoint_type="Interface") for s in interface]
    + [awsx.ec2.VpcEndpointSpecArgs(service_name=f"com.amazonaws.{region}.s3")],
)

cluster = eks.Cluster(
    "airgapped",
    vpc_id=vpc.vpc_id,
    private_subnet_ids=vpc.private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=False,
    skip_default_node_group=True,
    authentication_mode=eks.AuthenticationMode.API,
    create_instance_role=True,
    opts=pulumi.ResourceOptions(depends_on=[vpc]),
)

eks.NodeGroupV2(
    "workers",
    cluster=cluster,
    instance_type="m6i.large",
    desired_capacity=3, min_size=3, max_size=6,
    node_associate_public_ip_address=False,
    opts=pulumi.ResourceOptions(depends_on=[vpc]),
)

pulumi.export("kubeconfig", cluster.kubeconfig)
