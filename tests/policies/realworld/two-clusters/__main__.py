"""Raw pulumi-aws: one VPC, two clusters. `internal` is private-only with its nodes in isolated subnets (no NAT, no
endpoints); `edge` has only the public endpoint with its nodes in public subnets that map public IPs. Each
cluster is judged on its own: the same VPC fact (no PrivateLink endpoints) breaks one and not the other."""
import json

import pulumi_aws as aws

vpc = aws.ec2.Vpc("shared", cidr_block="10.50.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("shared", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("public", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
isolated_rt = aws.ec2.RouteTable("isolated", vpc_id=vpc.id)
public, isolated = [], []
for i, z in enumerate("ab"):
    p = aws.ec2.Subnet(f"public-{z}", vpc_id=vpc.id, availability_zone=f"us-east-1{z}", cidr_block=f"10.50.{i}.0/24",
                       map_public_ip_on_launch=True)
    aws.ec2.RouteTableAssociation(f"public-{z}", subnet_id=p.id, route_table_id=public_rt.id)
    s = aws.ec2.Subnet(f"isolated-{z}", vpc_id=vpc.id, availability_zone=f"us-east-1{z}",
                       cidr_block=f"10.50.{16 * (i + 1)}.0/20")
    aws.ec2.RouteTableAssociation(f"isolated-{z}", subnet_id=s.id, route_table_id=isolated_rt.id)
    public.append(p)
    isolated.append(s)

assume = lambda service: json.dumps({"Version": "2012-10-17", "Statement": [  # noqa: E731
    {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
cluster_role = aws.iam.Role("clusters", assume_role_policy=assume("eks.amazonaws.com"))
node_role = aws.iam.Role("nodes", assume_role_policy=assume("ec2.amazonaws.com"))
for name, subnets, private in (("internal", isolated, True), ("edge", public, False)):
    cluster = aws.eks.Cluster(name, role_arn=cluster_role.arn, access_config={"authentication_mode": "API"},
                              vpc_config={"subnet_ids": [s.id for s in subnets], "endpoint_private_access": private,
                                          "endpoint_public_access": not private})
    aws.eks.NodeGroup(name, cluster_name=cluster.name, node_role_arn=node_role.arn, subnet_ids=[s.id for s in subnets],
                      scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3})
