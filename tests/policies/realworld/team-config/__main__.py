"""A team stack on a shared platform network: the VPC and subnets are created elsewhere and handed over as config
(`orders-cluster:vpcId`, `orders-cluster:privateSubnetIds`). Raw aws.eks.Cluster, private-only endpoint, and a
managed node group in those subnets."""
import json

import pulumi
import pulumi_aws as aws

cfg = pulumi.Config()
private_subnet_ids = cfg.require_object("privateSubnetIds")
node_role_arn = cfg.require("nodeRoleArn")
cluster_role_arn = cfg.require("clusterRoleArn")

cluster = aws.eks.Cluster(
    "orders",
    role_arn=cluster_role_arn,
    vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=private_subnet_ids, endpoint_private_access=True,
                                            endpoint_public_access=False),
    access_config=aws.eks.ClusterAccessConfigArgs(authentication_mode="API"),
)

aws.eks.NodeGroup(
    "orders",
    cluster_name=cluster.name,
    node_role_arn=node_role_arn,
    subnet_ids=private_subnet_ids,
    scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, desired_size=3, max_size=5),
    instance_types=["m7i.large"],
)

pulumi.export("clusterName", cluster.name)
