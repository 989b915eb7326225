"""Raw pulumi-aws, routes written as separate resources: the private subnets have no route table association of
their own, so they use the VPC's main route table, which a MainRouteTableAssociation points at a table whose
default route (an aws.ec2.Route) goes to a NAT gateway. Private-only cluster and managed nodes there.

Config `routes:defaultRoute`: `nat` (default) or `none` (the main table keeps only the local route).
"""
import json

import pulumi
import pulumi_aws as aws

default_route = pulumi.Config().get("defaultRoute") or "nat"

vpc = aws.ec2.Vpc("apps", cidr_block="10.30.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("apps", vpc_id=vpc.id)
edge = aws.ec2.RouteTable("edge", vpc_id=vpc.id)
aws.ec2.Route("edge-default", route_table_id=edge.id, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
public = aws.ec2.Subnet("edge-a", vpc_id=vpc.id, availability_zone="us-east-1a", cidr_block="10.30.0.0/24",
                        map_public_ip_on_launch=True)
aws.ec2.RouteTableAssociation("edge-a", subnet_id=public.id, route_table_id=edge.id)

main = aws.ec2.RouteTable("inside", vpc_id=vpc.id)
aws.ec2.MainRouteTableAssociation("inside", vpc_id=vpc.id, route_table_id=main.id)
if default_route == "nat":
    eip = aws.ec2.Eip("nat", domain="vpc")
    nat = aws.ec2.NatGateway("nat", subnet_id=public.id, allocation_id=eip.id)
    aws.ec2.Route("inside-default", route_table_id=main.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)

private = [aws.ec2.Subnet(f"inside-{z}", vpc_id=vpc.id, availability_zone=f"us-east-1{z}",
                          cidr_block=f"10.30.{16 * (i + 1)}.0/20") for i, z in enumerate("ab")]

assume = lambda service: json.dumps({"Version": "2012-10-17", "Statement": [  # noqa: E731
    {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
cluster_role = aws.iam.Role("apps-cluster", assume_role_policy=assume("eks.amazonaws.com"))
node_role = aws.iam.Role("apps-nodes", assume_role_policy=assume("ec2.amazonaws.com"))
cluster = aws.eks.Cluster("apps", role_arn=cluster_role.arn,
                          access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
                          vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=[s.id for s in private],
                                                                  endpoint_private_access=True,
                                                                  endpoint_public_access=False))
aws.eks.NodeGroup("apps", cluster_name=cluster.name, node_role_arn=node_role.arn, subnet_ids=[s.id for s in private],
                  scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=1, desired_size=2, max_size=3))
