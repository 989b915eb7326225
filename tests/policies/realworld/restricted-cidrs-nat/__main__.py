"""Raw pulumi-aws: only the public API endpoint, restricted to the office range, and nodes in private subnets behind
a NAT gateway created here. The nodes reach the API from the NAT gateway's Elastic IP, so it must be in
publicAccessCidrs. Config `office:cidrs`: `fixed` (default: only the office range, written before the Elastic IP
exists) or `with-nat` (the office range plus the Elastic IP, computed from it)."""
import json

import pulumi
import pulumi_aws as aws

mode = pulumi.Config().get("cidrs") or "fixed"
office = "203.0.113.0/24"

vpc = aws.ec2.Vpc("office", cidr_block="10.60.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("office", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("office-public", vpc_id=vpc.id, routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
public = aws.ec2.Subnet("office-public", vpc_id=vpc.id, availability_zone="us-east-1a", cidr_block="10.60.0.0/24",
                        map_public_ip_on_launch=True)
aws.ec2.RouteTableAssociation("office-public", subnet_id=public.id, route_table_id=public_rt.id)
eip = aws.ec2.Eip("office-nat", domain="vpc")
nat = aws.ec2.NatGateway("office-nat", subnet_id=public.id, allocation_id=eip.id)
private_rt = aws.ec2.RouteTable("office-private", vpc_id=vpc.id,
                                routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}])
private = []
for i, z in enumerate("ab"):
    s = aws.ec2.Subnet(f"office-private-{z}", vpc_id=vpc.id, availability_zone=f"us-east-1{z}",
                       cidr_block=f"10.60.{16 * (i + 1)}.0/20")
    aws.ec2.RouteTableAssociation(f"office-private-{z}", subnet_id=s.id, route_table_id=private_rt.id)
    private.append(s)

cidrs = [office] if mode == "fixed" else eip.public_ip.apply(lambda ip: [office, f"{ip}/32"])
assume = lambda service: json.dumps({"Version": "2012-10-17", "Statement": [  # noqa: E731
    {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
cluster = aws.eks.Cluster("office", role_arn=aws.iam.Role("office-cluster", assume_role_policy=assume("eks.amazonaws.com")).arn,
                          access_config={"authentication_mode": "API"},
                          vpc_config={"subnet_ids": [s.id for s in private], "endpoint_private_access": False,
                                      "endpoint_public_access": True, "public_access_cidrs": cidrs})
aws.eks.NodeGroup("office", cluster_name=cluster.name,
                  node_role_arn=aws.iam.Role("office-nodes", assume_role_policy=assume("ec2.amazonaws.com")).arn,
                  subnet_ids=[s.id for s in private], scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3})
