"""Raw pulumi-aws: a private-only cluster whose nodes have no internet egress, with the four Interface endpoints
(private DNS) and the S3 Gateway endpoint; the endpoints' security group has no inline rules, its ingress comes
from standalone aws.vpc.SecurityGroupIngressRule resources. Config `endpoints:port`: the port those rules open
(443, what the endpoints serve, by default; `80` is the mistake)."""
import json

import pulumi
import pulumi_aws as aws

port = pulumi.Config().get_int("port") or 443
vpc = aws.ec2.Vpc("vault", cidr_block="10.70.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
rt = aws.ec2.RouteTable("vault", vpc_id=vpc.id)
subnets = []
for i, z in enumerate("ab"):
    s = aws.ec2.Subnet(f"vault-{z}", vpc_id=vpc.id, availability_zone=f"us-east-1{z}", cidr_block=f"10.70.{i * 16}.0/20")
    aws.ec2.RouteTableAssociation(f"vault-{z}", subnet_id=s.id, route_table_id=rt.id)
    subnets.append(s)
sg = aws.ec2.SecurityGroup("vault-endpoints", vpc_id=vpc.id, description="interface endpoints")
aws.vpc.SecurityGroupIngressRule("vault-endpoints-in", security_group_id=sg.id, ip_protocol="tcp", from_port=port,
                                 to_port=port, cidr_ipv4=vpc.cidr_block)
endpoints = [aws.ec2.VpcEndpoint(svc.replace(".", "-"), vpc_id=vpc.id, service_name=f"com.amazonaws.us-east-1.{svc}",
                                 vpc_endpoint_type="Interface", private_dns_enabled=True,
                                 subnet_ids=[s.id for s in subnets], security_group_ids=[sg.id])
             for svc in ("ec2", "ecr.api", "ecr.dkr", "sts")]
endpoints.append(aws.ec2.VpcEndpoint("s3", vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.s3",
                                     route_table_ids=[rt.id]))
assume = lambda service: json.dumps({"Version": "2012-10-17", "Statement": [  # noqa: E731
    {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
cluster = aws.eks.Cluster("vault", role_arn=aws.iam.Role("vault-cluster", assume_role_policy=assume("eks.amazonaws.com")).arn,
                          access_config={"authentication_mode": "API"},
                          vpc_config={"subnet_ids": [s.id for s in subnets], "endpoint_private_access": True,
                                      "endpoint_public_access": False})
aws.eks.NodeGroup("vault", cluster_name=cluster.name,
                  node_role_arn=aws.iam.Role("vault-nodes", assume_role_policy=assume("ec2.amazonaws.com")).arn,
                  subnet_ids=[s.id for s in subnets], scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3},
                  opts=pulumi.ResourceOptions(depends_on=endpoints))
