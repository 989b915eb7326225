"""pulumi-eks on a raw VPC. Config `eks-platform:dataPlane`:
  default                  the Cluster's default (self-managed) node group
  managed                  ManagedNodeGroup with subnet_ids = the private subnets
  managed-default-subnets  ManagedNodeGroup without subnet_ids (pulumi-eks then uses every cluster subnet)
  nodegroup-v2             NodeGroupV2 with node_associate_public_ip_address=False
  nodegroup-v2-public-ip   NodeGroupV2 with pulumi-eks's default node_associate_public_ip_address (true)
  fargate                  fargate=True (profile for default and kube-system)
`eks-platform:endpointAccess`: public-private (default) or private."""
import json

import pulumi
import pulumi_aws as aws
import pulumi_eks as eks

from network import Network

cfg = pulumi.Config()
data_plane = cfg.get("dataPlane") or "default"
private_only = (cfg.get("endpointAccess") or "public-private") == "private"

net = Network("platform")
node_role = aws.iam.Role("nodes", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
for policy in ("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"):
    aws.iam.RolePolicyAttachment(f"nodes-{policy}", role=node_role.name, policy_arn=f"arn:aws:iam::aws:policy/{policy}")

cluster = eks.Cluster(
    "platform",
    vpc_id=net.vpc.id,
    public_subnet_ids=net.public_subnet_ids,
    private_subnet_ids=net.private_subnet_ids,
    endpoint_private_access=True,
    endpoint_public_access=not private_only,
    public_access_cidrs=None if private_only else ["192.0.2.0/24"],
    authentication_mode=eks.AuthenticationMode.API,
    skip_default_node_group=data_plane != "default",
    node_associate_public_ip_address=False,
    fargate=True if data_plane == "fargate" else None,
    instance_roles=[node_role],
)

if data_plane in ("managed", "managed-default-subnets"):
    eks.ManagedNodeGroup(
        "general",
        cluster=cluster,
        node_role=node_role,
        subnet_ids=net.private_subnet_ids if data_plane == "managed" else None,
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, desired_size=2, max_size=4),
    )
elif data_plane.startswith("nodegroup-v2"):
    eks.NodeGroupV2(
        "general",
        cluster=cluster,
        instance_type="m6i.large",
        instance_profile=aws.iam.InstanceProfile("nodes", role=node_role.name),
        desired_capacity=2, min_size=2, max_size=4,
        node_associate_public_ip_address=False if data_plane == "nodegroup-v2" else None,
    )

pulumi.export("kubeconfig", cluster.kubeconfig)
