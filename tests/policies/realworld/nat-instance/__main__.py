"""Raw pulumi-aws with a NAT instance instead of a NAT gateway (a cost-saving pattern): the private route table's
default route goes to the instance's network interface. Whether that reaches the internet depends on the
instance's own configuration (source/destination check off, iptables masquerading, a public IP), which no
resource property shows. Private-only cluster and managed nodes in the private subnets."""
import json

import pulumi_aws as aws

vpc = aws.ec2.Vpc("batch", cidr_block="10.40.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("batch", vpc_id=vpc.id)
public_rt = aws.ec2.RouteTable("batch-public", vpc_id=vpc.id,
                               routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": igw.id}])
public = aws.ec2.Subnet("batch-public", vpc_id=vpc.id, availability_zone="us-east-1a", cidr_block="10.40.0.0/24",
                        map_public_ip_on_launch=True)
aws.ec2.RouteTableAssociation("batch-public", subnet_id=public.id, route_table_id=public_rt.id)
nat_sg = aws.ec2.SecurityGroup("nat-instance", vpc_id=vpc.id, ingress=[{"protocol": "-1", "from_port": 0, "to_port": 0,
                                                                       "cidr_blocks": ["10.40.0.0/16"]}])
nat = aws.ec2.Instance("nat", ami="ami-0123456789abcdef0", instance_type="t4g.nano", subnet_id=public.id,
                       source_dest_check=False, vpc_security_group_ids=[nat_sg.id], associate_public_ip_address=True)
private_rt = aws.ec2.RouteTable("batch-private", vpc_id=vpc.id)
aws.ec2.Route("batch-private-default", route_table_id=private_rt.id, destination_cidr_block="0.0.0.0/0",
              network_interface_id=nat.primary_network_interface_id)
private = []
for i, z in enumerate("ab"):
    s = aws.ec2.Subnet(f"batch-private-{z}", vpc_id=vpc.id, availability_zone=f"us-east-1{z}",
                       cidr_block=f"10.40.{16 * (i + 1)}.0/20")
    aws.ec2.RouteTableAssociation(f"batch-private-{z}", subnet_id=s.id, route_table_id=private_rt.id)
    private.append(s)

assume = lambda service: json.dumps({"Version": "2012-10-17", "Statement": [  # noqa: E731
    {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})
cluster = aws.eks.Cluster("batch", role_arn=aws.iam.Role("batch-cluster", assume_role_policy=assume("eks.amazonaws.com")).arn,
                          access_config={"authentication_mode": "API"},
                          vpc_config={"subnet_ids": [s.id for s in private], "endpoint_private_access": True,
                                      "endpoint_public_access": False})
aws.eks.NodeGroup("batch", cluster_name=cluster.name,
                  node_role_arn=aws.iam.Role("batch-nodes", assume_role_policy=assume("ec2.amazonaws.com")).arn,
                  subnet_ids=[s.id for s in private], scaling_config={"min_size": 1, "desired_size": 1, "max_size": 4})
