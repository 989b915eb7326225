"""Self-managed nodes the long way: raw EKS cluster with a public-only endpoint, a launch template and an Auto
Scaling group in public subnets whose subnets do NOT map public IPs (a terraform-aws-vpc habit); the nodes get their
public address from the launch template. Config `batch-nodes:nodePublicIp` (default true)."""
import base64
import json

import pulumi
import pulumi_aws as aws

node_public_ip = pulumi.Config().get_bool("nodePublicIp")
node_public_ip = True if node_public_ip is None else node_public_ip

vpc = aws.ec2.Vpc("batch", cidr_block="172.20.0.0/16", enable_dns_hostnames=True)
igw = aws.ec2.InternetGateway("batch", vpc_id=vpc.id)
rt = aws.ec2.RouteTable("batch-public", vpc_id=vpc.id,
                        routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)])
subnets = []
for i, az in enumerate(["eu-west-1a", "eu-west-1b", "eu-west-1c"]):
    s = aws.ec2.Subnet(f"batch-public-{i}", vpc_id=vpc.id, availability_zone=az, cidr_block=f"172.20.{i * 16}.0/20")
    aws.ec2.RouteTableAssociation(f"batch-public-{i}", subnet_id=s.id, route_table_id=rt.id)
    subnets.append(s)

role = aws.iam.Role("cluster", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
cluster = aws.eks.Cluster("batch", role_arn=role.arn,
                          vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=[s.id for s in subnets]))

node_role = aws.iam.Role("nodes", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
profile = aws.iam.InstanceProfile("nodes", role=node_role.name)
aws.eks.AccessEntry("nodes", cluster_name=cluster.name, principal_arn=node_role.arn, type="EC2_LINUX")
node_sg = aws.ec2.SecurityGroup("nodes", vpc_id=vpc.id,
                                egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0,
                                                                        cidr_blocks=["0.0.0.0/0"])])
ami = aws.ssm.get_parameter(name="/aws/service/eks/optimized-ami/1.33/amazon-linux-2023/x86_64/standard/recommended/image_id")
user_data = cluster.name.apply(lambda n: base64.b64encode(f"#!/bin/bash\n# join {n}\n".encode()).decode())

template = aws.ec2.LaunchTemplate(
    "nodes",
    image_id=ami.value,
    instance_type="c6i.xlarge",
    iam_instance_profile=aws.ec2.LaunchTemplateIamInstanceProfileArgs(arn=profile.arn),
    user_data=user_data,
    network_interfaces=[aws.ec2.LaunchTemplateNetworkInterfaceArgs(
        associate_public_ip_address="true" if node_public_ip else "false", security_groups=[node_sg.id])],
    metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(http_tokens="required", http_put_response_hop_limit=2),
)

aws.autoscaling.Group(
    "nodes",
    vpc_zone_identifiers=[s.id for s in subnets],
    min_size=1, max_size=10, desired_capacity=2,
    launch_template=aws.autoscaling.GroupLaunchTemplateArgs(id=template.id, version="$Latest"),
    tags=[aws.autoscaling.GroupTagArgs(key=cluster.name.apply(lambda n: f"kubernetes.io/cluster/{n}"),
                                       value="owned", propagate_at_launch=True)],
)
