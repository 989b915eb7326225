"""The network comes from another stack (`acme/network/<stack>`) through a StackReference; a pulumi-eks cluster with
both API endpoints and a managed node group in the referenced private subnets."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

network = pulumi.StackReference(f"acme/network/{pulumi.get_stack()}")
vpc_id = network.get_output("vpcId")
private_subnet_ids = network.get_output("privateSubnetIds")
public_subnet_ids = network.get_output("publicSubnetIds")

node_role = aws.iam.Role("search-nodes", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
    aws.iam.RolePolicyAttachment(f"search-nodes-{policy}", role=node_role.name,
                                 policy_arn=f"arn:aws:iam::aws:policy/{policy}")

cluster = eks.Cluster(
    "search",
    vpc_id=vpc_id,
    public_subnet_ids=public_subnet_ids,
    private_subnet_ids=private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=True,
    public_access_cidrs=["198.51.100.0/24"],
    skip_default_node_group=True,
    instance_roles=[node_role],
    authentication_mode=eks.AuthenticationMode.API,
)

eks.ManagedNodeGroup("search", cluster=cluster, node_role=node_role, subnet_ids=private_subnet_ids,
                     instance_types=["r6i.large"])

pulumi.export("kubeconfig", cluster.kubeconfig)
