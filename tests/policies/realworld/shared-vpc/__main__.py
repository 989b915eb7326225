"""A team stack in the platform team's shared VPC, found the way teams find it: lookups by tag
(`aws.ec2.get_vpc`, `aws.ec2.get_subnets`). Raw aws.eks.Cluster with a private-only endpoint and a managed node
group in the VPC's private subnets. Config `shared-vpc:form` picks how the program calls the lookups:

- `plain` (default): `get_vpc(...)` / `get_subnets(...)`, the ids passed on as they are;
- `output`: the `_output` forms, the ids passed on as Outputs;
- `loop`: plain forms, and one security group rule per subnet CIDR (`get_subnet(id=...)` for each id): the
  program reads the lookup's list item by item.
"""
import json

import pulumi
import pulumi_aws as aws

cfg = pulumi.Config()
form = cfg.get("form") or "plain"
private_tag = {"name": "tag:kubernetes.io/role/internal-elb", "values": ["1"]}

if form == "output":
    vpc_id = aws.ec2.get_vpc_output(tags={"Name": "platform-shared"}).id
    subnet_ids = aws.ec2.get_subnets_output(filters=[{"name": "vpc-id", "values": [vpc_id]}, private_tag]).ids
else:
    vpc = aws.ec2.get_vpc(tags={"Name": "platform-shared"})
    vpc_id = vpc.id
    subnet_ids = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}, private_tag]).ids

assume = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Principal": {"Service": "eks.amazonaws.com"}}]}
cluster_role = aws.iam.Role("payments-cluster", assume_role_policy=json.dumps(assume))
aws.iam.RolePolicyAttachment("payments-cluster", role=cluster_role.name,
                             policy_arn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")

api = aws.ec2.SecurityGroup("payments-api", vpc_id=vpc_id, description="kubectl from the VPN")
if form == "loop":
    for i, subnet_id in enumerate(subnet_ids):
        subnet = aws.ec2.get_subnet(id=subnet_id)
        aws.vpc.SecurityGroupIngressRule(f"payments-api-{i}", security_group_id=api.id, ip_protocol="tcp",
                                         from_port=443, to_port=443, cidr_ipv4=subnet.cidr_block)

cluster = aws.eks.Cluster(
    "payments",
    role_arn=cluster_role.arn,
    vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=subnet_ids, security_group_ids=[api.id],
                                            endpoint_private_access=True, endpoint_public_access=False),
    access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
)

node_role = aws.iam.Role("payments-nodes", assume_role_policy=json.dumps({**assume, "Statement": [
    {**assume["Statement"][0], "Principal": {"Service": "ec2.amazonaws.com"}}]}))
for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
    aws.iam.RolePolicyAttachment(f"payments-nodes-{policy}", role=node_role.name,
                                 policy_arn=f"arn:aws:iam::aws:policy/{policy}")

aws.eks.NodeGroup("payments", cluster_name=cluster.name, node_role_arn=node_role.arn, subnet_ids=subnet_ids,
                  scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, desired_size=3, max_size=6),
                  instance_types=["m7i.large"])

pulumi.export("clusterName", cluster.name)
