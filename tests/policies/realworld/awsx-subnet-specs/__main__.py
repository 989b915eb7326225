"""awsx VPC with explicit subnet specs: small public subnets for the NAT gateways and load balancers, large private
subnets, and isolated "data" subnets. The managed node group is placed in the isolated subnets (no route to the
NAT gateway), behind a private-only API endpoint, with no VPC endpoints."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx
import pulumi_eks as eks

vpc = awsx.ec2.Vpc(
    "payments",
    cidr_block="10.64.0.0/16",
    availability_zone_names=["eu-central-1a", "eu-central-1b", "eu-central-1c"],
    enable_dns_hostnames=True,
    subnet_strategy=awsx.ec2.SubnetAllocationStrategy.AUTO,
    subnet_specs=[
        awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PUBLIC, cidr_mask=24),
        awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.PRIVATE, cidr_mask=20),
        awsx.ec2.SubnetSpecArgs(type=awsx.ec2.SubnetType.ISOLATED, name="data", cidr_mask=22),
    ],
    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=awsx.ec2.NatGatewayStrategy.SINGLE),
)

node_role = aws.iam.Role("nodes", assume_role_policy=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
for i, arn in enumerate(["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                         "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
                         "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"]):
    aws.iam.RolePolicyAttachment(f"nodes-{i}", role=node_role.name, policy_arn=arn)

cluster = eks.Cluster(
    "payments",
    vpc_id=vpc.vpc_id,
    private_subnet_ids=vpc.private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=False,
    skip_default_node_group=True,
    authentication_mode=eks.AuthenticationMode.API,
    instance_roles=[node_role],
)

eks.ManagedNodeGroup(
    "payments-data",
    cluster=cluster,
    node_role=node_role,
    subnet_ids=vpc.isolated_subnet_ids,
    instance_types=["m6i.large"],
    scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=3, desired_size=3, max_size=6),
)

pulumi.export("kubeconfig", cluster.kubeconfig)
