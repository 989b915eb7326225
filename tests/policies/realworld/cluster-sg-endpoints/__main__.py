"""Raw pulumi-aws: a private-only EKS cluster whose nodes run in isolated subnets (no NAT) and reach AWS through
interface endpoints. The endpoints' security group has no inline rules: a standalone rule admits TCP 443 from the
security group EKS creates for the cluster (`cluster.vpc_config.cluster_security_group_id`, computed by the
provider), and the nodes' launch template puts them in that group.

Config (namespace `cluster-sg-endpoints`):
  rule  ingress-rule | sg-rule   aws.vpc.SecurityGroupIngressRule or aws.ec2.SecurityGroupRule
"""
import json

import pulumi
import pulumi_aws as aws

rule = pulumi.Config().get("rule") or "ingress-rule"
region = aws.config.region
zones = ["us-east-1a", "us-east-1b"]

vpc = aws.ec2.Vpc("main", cidr_block="10.40.0.0/16", enable_dns_support=True, enable_dns_hostnames=True)
subnets, route_tables = [], []
for i, az in enumerate(zones):
    subnet = aws.ec2.Subnet(f"nodes-{az}", vpc_id=vpc.id, availability_zone=az, cidr_block=f"10.40.{i}.0/24")
    rt = aws.ec2.RouteTable(f"nodes-{az}", vpc_id=vpc.id)
    aws.ec2.RouteTableAssociation(f"nodes-{az}", subnet_id=subnet.id, route_table_id=rt.id)
    subnets.append(subnet)
    route_tables.append(rt)


def assume_role(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


cluster_role = aws.iam.Role("cluster", assume_role_policy=assume_role("eks.amazonaws.com"))
node_role = aws.iam.Role("nodes", assume_role_policy=assume_role("ec2.amazonaws.com"))
cluster = aws.eks.Cluster(
    "private", role_arn=cluster_role.arn, version="1.33",
    vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=[s.id for s in subnets], endpoint_private_access=True,
                                            endpoint_public_access=False))
cluster_sg = cluster.vpc_config.cluster_security_group_id

endpoint_sg = aws.ec2.SecurityGroup("endpoints", vpc_id=vpc.id, description="VPC endpoints")
if rule == "ingress-rule":
    aws.vpc.SecurityGroupIngressRule("endpoints-https", security_group_id=endpoint_sg.id, ip_protocol="tcp",
                                     from_port=443, to_port=443, referenced_security_group_id=cluster_sg)
else:
    aws.ec2.SecurityGroupRule("endpoints-https", type="ingress", security_group_id=endpoint_sg.id, protocol="tcp",
                              from_port=443, to_port=443, source_security_group_id=cluster_sg)

endpoints = [aws.ec2.VpcEndpoint(
    service.replace(".", "-"), vpc_id=vpc.id, service_name=f"com.amazonaws.{region}.{service}",
    vpc_endpoint_type="Interface", private_dns_enabled=True, subnet_ids=[s.id for s in subnets],
    security_group_ids=[endpoint_sg.id]) for service in ("ec2", "ecr.api", "ecr.dkr", "sts")]
endpoints.append(aws.ec2.VpcEndpoint("s3", vpc_id=vpc.id, service_name=f"com.amazonaws.{region}.s3",
                                     vpc_endpoint_type="Gateway", route_table_ids=[rt.id for rt in route_tables]))

template = aws.ec2.LaunchTemplate("nodes", vpc_security_group_ids=[cluster_sg],
                                  metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(http_tokens="required"))
aws.eks.NodeGroup(
    "general", cluster_name=cluster.name, node_role_arn=node_role.arn, subnet_ids=[s.id for s in subnets],
    instance_types=["m6i.large"],
    launch_template=aws.eks.NodeGroupLaunchTemplateArgs(id=template.id, version=template.latest_version),
    scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, desired_size=2, max_size=4),
    opts=pulumi.ResourceOptions(depends_on=endpoints))

pulumi.export("clusterSecurityGroupId", cluster_sg)
