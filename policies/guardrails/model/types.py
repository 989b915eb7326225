"""Pulumi type tokens the model understands."""

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
DEFAULT_ROUTE_TABLE = "aws:ec2/defaultRouteTable:DefaultRouteTable"
ROUTE = "aws:ec2/route:Route"
RT_ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_RT_ASSOC = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
IGW_ATTACH = "aws:ec2/internetGatewayAttachment:InternetGatewayAttachment"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint"
VPCE_RT_ASSOC = "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation"
VPCE_SUBNET_ASSOC = "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation"
VPCE_SG_ASSOC = "aws:ec2/vpcEndpointSecurityGroupAssociation:VpcEndpointSecurityGroupAssociation"
SG = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
SG_INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
FARGATE_PROFILE = "aws:eks/fargateProfile:FargateProfile"
ASG = "aws:autoscaling/group:Group"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIG = "aws:ec2/launchConfiguration:LaunchConfiguration"
C_CLUSTER = "eks:index:Cluster"
C_MANAGED_NG = "eks:index:ManagedNodeGroup"
C_NODE_GROUP_V2 = "eks:index:NodeGroupV2"
C_NODE_GROUP = "eks:index:NodeGroup"
AWSX_VPC = "awsx:ec2:Vpc"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
# EKS Auto Mode's NodeClass, a Kubernetes object (EKS User Guide, create-node-class), as pulumi-kubernetes
# registers it (apiextensions.CustomResource: kubernetes:<apiVersion>:<kind>)
NODE_CLASS = "kubernetes:eks.amazonaws.com/v1:NodeClass"

ROUTE_TABLES = (ROUTE_TABLE, DEFAULT_ROUTE_TABLE)
SECURITY_GROUPS = (SG, DEFAULT_SG)
CLUSTERS = (EKS_CLUSTER, C_CLUSTER)

MODELLED = frozenset({
    VPC, SUBNET, ROUTE_TABLE, DEFAULT_ROUTE_TABLE, ROUTE, RT_ASSOC, MAIN_RT_ASSOC, IGW, IGW_ATTACH, NAT,
    EIP, VPCE, VPCE_RT_ASSOC, VPCE_SUBNET_ASSOC, VPCE_SG_ASSOC, SG, DEFAULT_SG, SG_RULE, SG_INGRESS_RULE,
    EKS_CLUSTER, EKS_NODE_GROUP, FARGATE_PROFILE, ASG, LAUNCH_TEMPLATE, LAUNCH_CONFIG,
    C_CLUSTER, C_MANAGED_NG, C_NODE_GROUP_V2, C_NODE_GROUP, AWSX_VPC, NODE_CLASS,
})
# Components whose inputs the model reads (the servicer records them from Analyze).
COMPONENTS = frozenset({C_CLUSTER, C_MANAGED_NG, C_NODE_GROUP_V2, C_NODE_GROUP, AWSX_VPC})
