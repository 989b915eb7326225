"""awsx VPC with its defaults (3 AZs, a public and a private subnet in each, one NAT gateway per AZ) and a
pulumi-eks cluster whose default node group runs in the private subnets.

Config: minClusterSize, maxClusterSize, desiredClusterSize, eksNodeInstanceType, vpcNetworkCidr,
privateCluster (true: API endpoint private only)."""
import pulumi
import pulumi_awsx as awsx
import pulumi_eks as eks

config = pulumi.Config()
min_cluster_size = config.get_int("minClusterSize", 3)
max_cluster_size = config.get_int("maxClusterSize", 6)
desired_cluster_size = config.get_int("desiredClusterSize", 3)
eks_node_instance_type = config.get("eksNodeInstanceType", "t3.medium")
vpc_network_cidr = config.get("vpcNetworkCidr", "10.0.0.0/16")
private_cluster = config.get_bool("privateCluster", False)

eks_vpc = awsx.ec2.Vpc("eks-vpc", enable_dns_hostnames=True, cidr_block=vpc_network_cidr)

eks_cluster = eks.Cluster(
    "eks-cluster",
    vpc_id=eks_vpc.vpc_id,
    authentication_mode=eks.AuthenticationMode.API,
    public_subnet_ids=eks_vpc.public_subnet_ids,
    private_subnet_ids=eks_vpc.private_subnet_ids,
    instance_type=eks_node_instance_type,
    desired_capacity=desired_cluster_size,
    min_size=min_cluster_size,
    max_size=max_cluster_size,
    node_associate_public_ip_address=False,
    endpoint_private_access=private_cluster,
    endpoint_public_access=not private_cluster,
)

pulumi.export("kubeconfig", eks_cluster.kubeconfig)
pulumi.export("vpcId", eks_vpc.vpc_id)
