"""Raw pulumi-aws: a VPC with public and private subnets in three AZs, an EKS cluster and a managed node group.

Config (namespace `platform-eks`):
  egress          nat-per-az | none | transit-gateway   how the private subnets reach the internet
  endpointAccess  private | public-private
  privateLink     true | false                           interface endpoints + S3 gateway for the nodes
"""
import json

import pulumi
import pulumi_aws as aws

cfg = pulumi.Config()
egress = cfg.get("egress") or "nat-per-az"
endpoint_access = cfg.get("endpointAccess") or "private"
private_link = cfg.get_bool("privateLink") or False
region = aws.config.region
zones = aws.get_availability_zones(state="available").names[:3]
tags = {"team": "platform"}

vpc = aws.ec2.Vpc("main", cidr_block="10.20.0.0/16", enable_dns_support=True, enable_dns_hostnames=True,
                  tags={**tags, "Name": "main"})
igw = aws.ec2.InternetGateway("main", vpc_id=vpc.id, tags=tags)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id,
                               routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)])

if egress == "transit-gateway":
    # Centralised egress through a shared transit gateway (the inspection VPC lives in another account).
    tgw = aws.ec2transitgateway.TransitGateway("egress", description="shared egress")

public_subnets, private_subnets, private_rts = [], [], []
for i, az in enumerate(zones):
    pub = aws.ec2.Subnet(f"public-{az}", vpc_id=vpc.id, availability_zone=az, cidr_block=f"10.20.{i}.0/24",
                         map_public_ip_on_launch=True, tags={**tags, "kubernetes.io/role/elb": "1"})
    aws.ec2.RouteTableAssociation(f"public-{az}", subnet_id=pub.id, route_table_id=public_rt.id)
    public_subnets.append(pub)

    priv = aws.ec2.Subnet(f"private-{az}", vpc_id=vpc.id, availability_zone=az, cidr_block=f"10.20.{16 + i * 16}.0/20",
                          tags={**tags, "kubernetes.io/role/internal-elb": "1"})
    rt = aws.ec2.RouteTable(f"private-{az}", vpc_id=vpc.id, tags=tags)
    aws.ec2.RouteTableAssociation(f"private-{az}", subnet_id=priv.id, route_table_id=rt.id)
    if egress == "nat-per-az":
        eip = aws.ec2.Eip(f"nat-{az}", domain="vpc")
        nat = aws.ec2.NatGateway(f"nat-{az}", subnet_id=pub.id, allocation_id=eip.id)
        aws.ec2.Route(f"private-{az}-default", route_table_id=rt.id, destination_cidr_block="0.0.0.0/0",
                      nat_gateway_id=nat.id)
    elif egress == "transit-gateway":
        aws.ec2transitgateway.VpcAttachment(f"egress-{az}", transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                            subnet_ids=[priv.id])
        aws.ec2.Route(f"private-{az}-default", route_table_id=rt.id, destination_cidr_block="0.0.0.0/0",
                      transit_gateway_id=tgw.id)
    private_subnets.append(priv)
    private_rts.append(rt)

endpoints = []
if private_link:
    endpoint_sg = aws.ec2.SecurityGroup("endpoints", vpc_id=vpc.id, ingress=[aws.ec2.SecurityGroupIngressArgs(
        protocol="tcp", from_port=443, to_port=443, cidr_blocks=[vpc.cidr_block])])
    for service in ("ec2", "ecr.api", "ecr.dkr", "sts"):
        endpoints.append(aws.ec2.VpcEndpoint(
            service.replace(".", "-"), vpc_id=vpc.id, service_name=f"com.amazonaws.{region}.{service}",
            vpc_endpoint_type="Interface", private_dns_enabled=True,
            subnet_ids=[s.id for s in private_subnets], security_group_ids=[endpoint_sg.id]))
    endpoints.append(aws.ec2.VpcEndpoint("s3", vpc_id=vpc.id, service_name=f"com.amazonaws.{region}.s3",
                                         vpc_endpoint_type="Gateway", route_table_ids=[rt.id for rt in private_rts]))


def assume_role(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


cluster_role = aws.iam.Role("cluster", assume_role_policy=assume_role("eks.amazonaws.com"))
aws.iam.RolePolicyAttachment("cluster", role=cluster_role.name,
                             policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
node_role = aws.iam.Role("nodes", assume_role_policy=assume_role("ec2.amazonaws.com"))
for name in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
    aws.iam.RolePolicyAttachment(f"nodes-{name}", role=node_role.name, policy_arn=f"arn:aws:iam::aws:policy/{name}")

cluster = aws.eks.Cluster(
    "platform", role_arn=cluster_role.arn, version="1.33",
    access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
    vpc_config=aws.eks.ClusterVpcConfigArgs(
        subnet_ids=[s.id for s in private_subnets],
        endpoint_private_access=True,
        endpoint_public_access=endpoint_access == "public-private"))

aws.eks.NodeGroup(
    "general", cluster_name=cluster.name, node_role_arn=node_role.arn,
    subnet_ids=[s.id for s in private_subnets], instance_types=["m6i.large"],
    scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, desired_size=2, max_size=4),
    opts=pulumi.ResourceOptions(depends_on=endpoints))

pulumi.export("clusterName", cluster.name)
