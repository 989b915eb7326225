"""A regulated workload with no internet path: awsx VPC with private subnets only and no NAT gateway; the
interface endpoints are raw pulumi-aws resources in the VPC's private subnets (a team module), the S3 gateway
comes from awsx (strategy Auto puts it on every route table). Raw EKS cluster, private-only, managed nodes that
wait for the endpoints."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

region = aws.config.region
vpc = awsx.ec2.Vpc(
    "ledger",
    cidr_block="10.80.0.0/16",
    number_of_availability_zones=2,
    enable_dns_hostnames=True,
    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=awsx.ec2.NatGatewayStrategy.NONE),
    subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
    subnet_specs=[awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, cidr_mask=20)],
    vpc_endpoint_strategy=awsx.ec2.VpcEndpointStrategy.AUTO,
    vpc_endpoint_specs=[awsx.ec2.VpcEndpointSpecArgs(service_name=f"com.amazonaws.{region}.s3")],
)


def private_link(name, services):
    """The interface endpoints a cluster without internet access needs, in the VPC's private subnets."""
    sg = aws.ec2.SecurityGroup(f"{name}-endpoints", vpc_id=vpc.vpc_id, ingress=[aws.ec2.SecurityGroupIngressArgs(
        protocol="tcp", from_port=443, to_port=443, cidr_blocks=["10.80.0.0/16"])])
    return [aws.ec2.VpcEndpoint(f"{name}-{svc.replace('.', '-')}", vpc_id=vpc.vpc_id,
                                service_name=f"com.amazonaws.{region}.{svc}", vpc_endpoint_type="Interface",
                                private_dns_enabled=True, subnet_ids=vpc.private_subnet_ids,
                                security_group_ids=[sg.id]) for svc in services]


endpoints = private_link("ledger", ["ec2", "ecr.api", "ecr.dkr", "sts"])


def role(name, service, policies):
    r = aws.iam.Role(name, assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}))
    for p in policies:
        aws.iam.RolePolicyAttachment(f"{name}-{p}", role=r.name, policy_arn=f"arn:aws:iam::aws:policy/{p}")
    return r


cluster = aws.eks.Cluster(
    "ledger",
    role_arn=role("ledger-cluster", "eks.amazonaws.com", ["AmazonEKSClusterPolicy"]).arn,
    vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=vpc.private_subnet_ids, endpoint_private_access=True,
                                            endpoint_public_access=False),
    access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
)

aws.eks.NodeGroup(
    "ledger",
    cluster_name=cluster.name,
    node_role_arn=role("ledger-nodes", "ec2.amazonaws.com", ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy",
                                                               "AmazonEC2ContainerRegistryReadOnly"]).arn,
    subnet_ids=vpc.private_subnet_ids,
    scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, desired_size=2, max_size=4),
    opts=pulumi.ResourceOptions(depends_on=[*endpoints, vpc]),
)
