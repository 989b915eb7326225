"""The real-world shapes matrix: Pulumi programs written the ways teams write them, each stack with the verdict
AWS's documentation implies, at preview (ids unknown) and from a `pulumi stack export` of the deployed stack.

Each case names the program folder (tests/policies/realworld/<program>/), its stack file, the mandatory policies
that must fail, and the notes `eks-guardrails-undecidable` must give (regular expressions, matched against
"[policy] message"); a path without expected notes must leave nothing undecided. Sources:

- private-clusters: Amazon EKS User Guide, "Deploy private clusters with limited internet access" — the
  endpoints are for clusters *without outbound internet access*.
- cluster-endpoint: Amazon EKS User Guide, "Cluster API server endpoint" (private endpoint: VPC DNS; nodes reach a
  public endpoint through a public IP or a NAT gateway).
- managed-node-groups: Amazon EKS User Guide (managed nodes in public subnets get a public IP only from the subnet's
  MapPublicIpOnLaunch).
- vpc-nat / vpc-igw: Amazon VPC User Guide, NAT gateways; "Enable internet access for a VPC using an internet
  gateway" (an instance needs a public IP and a route to the internet gateway).
- default-vpc: Amazon VPC User Guide, "Default VPCs" (a default subnet per AZ, public IPv4 on launch, main route
  table 0.0.0.0/0 to the internet gateway; DNS hostnames and resolution on).
- fargate: Amazon EKS User Guide, "Define which Pods use AWS Fargate" (private subnets only).
- pulumi-eks 4.4 `nodejs/eks` (default VPC lookup, node subnet choice, nodeAssociatePublicIpAddress default true);
  pulumi-awsx 3.11 `awsx/ec2/vpc.ts` (subnet types, NAT strategies, vpcEndpointSpecs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

REALWORLD = Path(__file__).resolve().parent

PRIVATELINK = "eks-isolated-nodes-privatelink"
NODE_SUBNETS = "eks-private-endpoint-node-subnets"
NODE_PUBLIC_IP = "eks-private-endpoint-no-node-public-ip"
PUBLIC_EGRESS = "eks-public-endpoint-node-egress"
FARGATE_PRIVATE = "eks-fargate-private-subnets"
VPC_DNS = "eks-private-endpoint-vpc-dns"
ENDPOINT_HTTPS = "eks-privatelink-endpoint-https"

# What the referenced network stack of `stack-reference` exports once deployed (its ids are not in this stack).
NETWORK_STACK_OUTPUTS = {"acme/network/prod": {
    "vpcId": "vpc-0e1e2e3e4e5e6e7e8",
    "publicSubnetIds": ["subnet-0aa0000000000a001", "subnet-0aa0000000000a002"],
    "privateSubnetIds": ["subnet-0bb0000000000b001", "subnet-0bb0000000000b002"]}}


@dataclass(frozen=True)
class Case:
    program: str
    stack: str
    mandatory: tuple = ()
    source: str = ""
    mandatory_preview: Optional[tuple] = None  # where preview cannot decide what the export does
    notes_preview: tuple = ()   # regexes that must match an undecidable note at preview
    notes_export: tuple = ()    # ... from the export
    open_endpoint: bool = False  # a public endpoint open to 0.0.0.0/0: the eks-public-access-cidrs advisory
    export_stack_outputs: Optional[dict] = field(default=None, hash=False, compare=False)

    @property
    def id(self) -> str:
        return f"{self.program}:{self.stack}"

    @property
    def folder(self) -> Path:
        return REALWORLD / self.program

    @property
    def stack_file(self) -> Path:
        return self.folder / f"Pulumi.{self.stack}.yaml"


CASES = [
    Case("raw-vpc", "nat-private", (), "private-clusters; vpc-nat: private-only endpoint, nodes behind a NAT "
         "gateway per AZ have internet egress, so no VPC endpoints are needed"),
    Case("raw-vpc", "isolated-private", (PRIVATELINK,), "private-clusters: no NAT, no endpoints, nodes cannot "
         "reach EC2/ECR/S3/STS"),
    Case("raw-vpc", "isolated-private-privatelink", (), "private-clusters: the four interface endpoints with "
         "private DNS, 443 from the VPC, S3 gateway on the node route tables, node group after the endpoints"),
    Case("raw-vpc", "isolated-public-private", (PRIVATELINK,), "private-clusters: a public-private cluster whose "
         "nodes have no egress cannot pull images either", open_endpoint=True),
    Case("raw-vpc", "tgw-private", (), "a default route to a transit gateway (centralised egress) cannot tell "
         "egress from inside this stack",
         notes_preview=(rf"\[{PRIVATELINK}\].*transit gateway",), notes_export=(rf"\[{PRIVATELINK}\].*transit gateway",)),
    Case("awsx-template", "dev", (), "vpc-igw, vpc-nat: awsx defaults (public subnets with IGW + public IPs, "
         "private subnets behind one NAT per AZ); default node group in the private subnets. At preview "
         "privateSubnetIds depends on the VPC's private subnets (the id list's dependencies), so the tier is judged "
         "there too: decided at preview", open_endpoint=True),
    Case("awsx-template", "private", (), "private-clusters: private-only endpoint with NAT egress needs no "
         "endpoints; at preview the node subnets are the awsx VPC's private subnets (privateSubnetIds)"),
    Case("awsx-nat-none", "lab", (PRIVATELINK,), "private-clusters: NatGatewayStrategy.NONE leaves the private "
         "subnets without egress and nodes get no public IP; no endpoints"),
    Case("awsx-subnet-specs", "prod", (PRIVATELINK,), "private-clusters: managed nodes in awsx Isolated subnets, "
         "no endpoints. At preview the node group's subnetIds depend on the isolated subnets the id list is made "
         "of, so the failure is decided at preview, as once ids are known"),
    Case("awsx-endpoints", "prod", (), "private-clusters: vpcEndpointSpecs (strategy Auto) give every required "
         "interface endpoint with private DNS in each AZ, the S3 gateway on every route table, 443 from the VPC"),
    Case("awsx-raw-endpoints", "prod", (), "private-clusters: awsx VPC without NAT, raw interface endpoints with "
         "private DNS in its private subnets (443 from the VPC), the S3 gateway from vpcEndpointSpecs on every "
         "route table, node group after the endpoints and the VPC"),
    Case("awsx-dns-default", "prod", (VPC_DNS,), "cluster-endpoint: a private endpoint needs enableDnsHostnames and "
         "enableDnsSupport; awsx passes enableDnsHostnames through unset, and AWS's default for a new VPC is off"),
    Case("default-vpc", "dev", (), "default-vpc: default subnets are public; nodes get public IPs "
         "(pulumi-eks default) and reach the public endpoint", open_endpoint=True),
    Case("default-vpc", "private", (NODE_SUBNETS, NODE_PUBLIC_IP), "default-vpc + this pack's posture: a "
         "private-only cluster in the default VPC runs its nodes in public subnets with public IPs"),
    Case("team-config", "prod", (), "subnets from stack config are outside the stack: egress and layout unknown",
         notes_preview=(rf"\[{PRIVATELINK}\].*outside this stack", rf"\[{NODE_SUBNETS}\].*outside this stack"),
         notes_export=(rf"\[{PRIVATELINK}\].*outside this stack", rf"\[{NODE_SUBNETS}\].*outside this stack")),
    Case("stack-reference", "prod", (), "subnets from a StackReference: another stack's network, unknown here",
         notes_preview=(rf"\[{PRIVATELINK}\].*StackReference",),
         notes_export=(rf"\[{PRIVATELINK}\].*outside this stack",),
         export_stack_outputs=NETWORK_STACK_OUTPUTS),
    Case("eks-components", "default", (), "cluster-endpoint: default node group in the private subnets behind NAT"),
    Case("eks-components", "managed", (), "managed-node-groups: ManagedNodeGroup in the private subnets"),
    Case("eks-components", "managed-default-subnets", (NODE_SUBNETS,), "pulumi-eks ManagedNodeGroup without "
         "subnetIds uses every cluster subnet, the public ones too (this pack's posture)"),
    Case("eks-components", "nodegroup-v2", (), "NodeGroupV2 in the cluster's private subnets, no public IP"),
    Case("eks-components", "nodegroup-v2-public-ip", (NODE_PUBLIC_IP,), "pulumi-eks NodeGroupV2 defaults "
         "nodeAssociatePublicIpAddress to true (this pack's posture)"),
    Case("eks-components", "nodegroup-v2-private", (), "private-clusters: private-only endpoint, NAT egress"),
    Case("eks-components", "fargate", (), "fargate: pulumi-eks picks the cluster subnets without an IGW route"),
    Case("cluster-sg-endpoints", "ingress-rule", (), "private-clusters; Amazon EKS User Guide, \"View Amazon EKS "
         "security group requirements for clusters\" (the cluster security group EKS creates is attached to managed "
         "nodes): the endpoints admit 443 from that group through an aws.vpc.SecurityGroupIngressRule whose "
         "referenced group is cluster.vpc_config.cluster_security_group_id, unknown at preview"),
    Case("cluster-sg-endpoints", "sg-rule", (), "as cluster-sg-endpoints:ingress-rule, with an aws.ec2."
         "SecurityGroupRule whose source_security_group_id is the cluster security group"),
    Case("launch-template-asg", "dev", (), "vpc-igw: the launch template gives the nodes public IPs in subnets "
         "that do not map them", open_endpoint=True),
    Case("main-route-table", "nat", (), "Amazon VPC User Guide, route tables: a subnet without an explicit "
         "association uses the main route table; here a MainRouteTableAssociation points at a table whose separate "
         "aws.ec2.Route sends 0.0.0.0/0 to a NAT gateway, so the private-only cluster's nodes have egress (private-clusters)"),
    Case("main-route-table", "local-only", (PRIVATELINK,), "route tables + private-clusters: the main table has "
         "only the local route, so nodes on it have no egress and no endpoints exist"),
    Case("nat-instance", "dev", (), "Amazon VPC User Guide, NAT instances: egress through an instance depends on its "
         "own configuration (source/destination check, masquerading), which no property shows: undecided",
         notes_preview=(rf"\[{PRIVATELINK}\].*network interface",), notes_export=(rf"\[{PRIVATELINK}\]",)),
    Case("two-clusters", "prod", (PRIVATELINK,), "private-clusters: the private-only cluster `internal` has isolated "
         "nodes and no endpoints; the public-only cluster `edge` in the same VPC needs none (cluster-endpoint: its "
         "nodes reach the endpoint through public IPs), so only `internal` is reported", open_endpoint=True),
    Case("restricted-cidrs-nat", "fixed", (PUBLIC_EGRESS,), "cluster-endpoint: with only the public endpoint, nodes "
         "behind a NAT gateway reach the API from its Elastic IP, which must be in publicAccessCidrs; a new Elastic IP "
         "comes from Amazon's pool (EC2 User Guide, Elastic IP addresses), so a list fixed before it exists cannot "
         "hold it: decided at preview as well as from the export"),
    Case("restricted-cidrs-nat", "with-nat", (), "cluster-endpoint: publicAccessCidrs computed from the NAT's Elastic "
         "IP hold it; at preview the list itself is unknown, so the advisory CIDR check is undecided there",
         notes_preview=(r"\[eks-public-access-cidrs\]",)),
    Case("endpoint-sg-rules", "https", (), "private-clusters: the endpoints' security group admits 443 from the VPC "
         "through standalone aws.vpc.SecurityGroupIngressRule resources"),
    Case("endpoint-sg-rules", "http", (ENDPOINT_HTTPS,), "private-clusters (the endpoints serve HTTPS on 443): "
         "standalone ingress rules that open only port 80 leave the nodes unable to reach them"),
    Case("awsx-fargate", "private", (), "Amazon EKS User Guide, fargate-profile (private subnets only) and "
         "private-clusters: the awsx VPC's private subnets reach a NAT gateway, so Fargate pods need no endpoints"),
    Case("awsx-fargate", "public", (FARGATE_PRIVATE,), "fargate-profile: a Fargate profile accepts private subnets "
         "only; public_subnet_ids is the public tier, known at preview from the id list's dependencies"),
    Case("launch-template-asg", "no-public-ip", (PUBLIC_EGRESS,), "cluster-endpoint, vpc-igw: public-only "
         "endpoint, nodes with neither a public IP nor a NAT gateway never reach it", open_endpoint=True),
]
