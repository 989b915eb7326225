"""A terse builder of stacks for model and rule unit tests: pulumi_policy PolicyResource objects built
directly (no program, no gRPC), linked by name through dependencies and propertyDependencies.

    s = Stack()
    s.add("aws:ec2/vpc:Vpc", "vpc", {"id": U, "cidrBlock": "10.0.0.0/16"})
    s.add("aws:ec2/subnet:Subnet", "sn-a", {"vpcId": U}, {"vpcId": ["vpc"]})
    findings(s.args(), "eks-cluster-subnets-multi-az")
"""
from __future__ import annotations

from pulumi_policy import PolicyResource, PolicyResourceOptions, StackValidationArgs

from guardrails.model import build_model
from guardrails.rules import RULES_BY_NAME

U = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
OPTS = PolicyResourceOptions(False, [], False, False, [], [], None)


def urn(t, n):
    return f"urn:pulumi:s::p::{t}::{n}"


class Stack:
    def __init__(self):
        self.res = {}

    def add(self, t, n, props, pdeps=None, deps=None, parent=None):
        r = PolicyResource(t, props, urn(t, n), n, OPTS, None, parent, [], {})
        r._pdeps, r._deps = pdeps or {}, deps or []
        self.res[n] = r
        return r

    def args(self):
        for r in self.res.values():
            r.property_dependencies = {k: [self.res[x] for x in v] for k, v in r._pdeps.items()}
            r.dependencies = [self.res[x] for x in r._deps]
        return StackValidationArgs(list(self.res.values()), {})


def private_cluster(known_ids: bool, **mut):
    """A private-only cluster with managed nodes; ids either known (export) or unknown (preview)."""
    s = Stack()
    i = (lambda x: x) if known_ids else (lambda x: U)
    s.add("aws:ec2/vpc:Vpc", "vpc", {"id": i("vpc-1"), "cidrBlock": "10.0.0.0/16", "enableDnsSupport": True,
                                     "enableDnsHostnames": mut.get("dns", True)})
    for n, az in (("a", "us-east-1a"), ("b", "us-east-1b")):
        s.add("aws:ec2/subnet:Subnet", f"sn-{n}", {"id": i(f"subnet-{n}"), "vpcId": i("vpc-1"),
              "availabilityZone": az, "cidrBlock": f"10.0.{ord(n)}.0/24",
              "mapPublicIpOnLaunch": mut.get("map", "false")}, {"vpcId": ["vpc"]})
        s.add("aws:ec2/routeTable:RouteTable", f"rt-{n}", {"id": i(f"rtb-{n}"), "vpcId": i("vpc-1"), "routes": []},
              {"vpcId": ["vpc"]})
        s.add("aws:ec2/routeTableAssociation:RouteTableAssociation", f"rta-{n}",
              {"subnetId": i(f"subnet-{n}"), "routeTableId": i(f"rtb-{n}")},
              {"subnetId": [f"sn-{n}"], "routeTableId": [f"rt-{n}"]})
    s.add("aws:ec2/securityGroup:SecurityGroup", "ep-sg", {"id": i("sg-ep"), "vpcId": i("vpc-1"), "ingress": [
        {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["10.0.0.0/16"]}]}, {"vpcId": ["vpc"]})
    eps = []
    for svc in mut.get("services", ["ec2", "ecr.api", "ecr.dkr", "sts"]):
        n = "ep-" + svc
        s.add("aws:ec2/vpcEndpoint:VpcEndpoint", n, {"id": i("vpce-" + svc), "vpcId": i("vpc-1"),
              "serviceName": f"com.amazonaws.us-east-1.{svc}", "vpcEndpointType": "Interface",
              "privateDnsEnabled": mut.get("private_dns", {}).get(svc, True), "subnetIds": [i("subnet-a"), i("subnet-b")],
              "securityGroupIds": [i("sg-ep")]},
              {"vpcId": ["vpc"], "subnetIds": ["sn-a", "sn-b"], "securityGroupIds": ["ep-sg"]})
        eps.append(n)
    s.add("aws:ec2/vpcEndpoint:VpcEndpoint", "ep-s3", {"id": i("vpce-s3"), "vpcId": i("vpc-1"),
          "serviceName": "com.amazonaws.us-east-1.s3", "vpcEndpointType": "Gateway",
          "routeTableIds": [i("rtb-a")]}, {"vpcId": ["vpc"], "routeTableIds": ["rt-a"]})
    s.add("aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation", "ep-s3-b",
          {"vpcEndpointId": i("vpce-s3"), "routeTableId": i("rtb-b")},
          {"vpcEndpointId": ["ep-s3"], "routeTableId": ["rt-b"]})
    eps.append("ep-s3")
    s.add("aws:eks/cluster:Cluster", "cluster", {"name": "c1", "vpcConfig": {
        "endpointPublicAccess": mut.get("public", False), "endpointPrivateAccess": True,
        "subnetIds": [i("subnet-a"), i("subnet-b")]}}, {"vpcConfig": ["sn-a", "sn-b"]})
    s.add("aws:eks/nodeGroup:NodeGroup", "nodes", {"clusterName": i("c1"), "subnetIds": [i("subnet-a"), i("subnet-b")]},
          {"clusterName": ["cluster"], "subnetIds": ["sn-a", "sn-b"]}, deps=mut.get("deps", eps))
    return s


AUTO = {"enabled": True, "nodePools": ["general-purpose", "system"], "nodeRoleArn": U}


def auto_cluster(known_ids: bool, cluster_subnets=("priv-a", "priv-b"), compute=AUTO, component=False,
                 node_class=None, subnet_tags=None, private=True, public=False, node_class_spec=None):
    """An EKS Auto Mode cluster (raw computeConfig, or a pulumi-eks Cluster's autoMode input) in a VPC with two
    public subnets (pub-a, pub-b: mapPublicIpOnLaunch, default route to an internet gateway) and two isolated
    private ones (priv-a, priv-b), optionally with a NodeClass whose spec.subnetSelectorTerms are `node_class`."""
    s = Stack()
    i = (lambda x: x) if known_ids else (lambda x: U)
    s.add("aws:ec2/vpc:Vpc", "vpc", {"id": i("vpc-1"), "cidrBlock": "10.0.0.0/16", "enableDnsSupport": True,
                                     "enableDnsHostnames": True})
    s.add("aws:ec2/internetGateway:InternetGateway", "igw", {"id": i("igw-1"), "vpcId": i("vpc-1")}, {"vpcId": ["vpc"]})
    s.add("aws:ec2/routeTable:RouteTable", "rt-pub", {"id": i("rtb-pub"), "vpcId": i("vpc-1"), "routes": [
        {"cidrBlock": "0.0.0.0/0", "gatewayId": i("igw-1")}]}, {"vpcId": ["vpc"], "routes": ["igw"]})
    s.add("aws:ec2/routeTable:RouteTable", "rt-priv", {"id": i("rtb-priv"), "vpcId": i("vpc-1"), "routes": []},
          {"vpcId": ["vpc"]})
    for n, az, tier, cidr in (("pub-a", "us-east-1a", "public", 1), ("pub-b", "us-east-1b", "public", 2),
                              ("priv-a", "us-east-1a", "private", 11), ("priv-b", "us-east-1b", "private", 12)):
        tags = (subnet_tags or {}).get(n, {"tier": tier})
        s.add("aws:ec2/subnet:Subnet", n, {"id": i("subnet-" + n), "vpcId": i("vpc-1"), "availabilityZone": az,
              "cidrBlock": f"10.0.{cidr}.0/24", "mapPublicIpOnLaunch": tier == "public", "tags": tags,
              "tagsAll": U}, {"vpcId": ["vpc"]})
        rt = "rt-pub" if tier == "public" else "rt-priv"
        s.add("aws:ec2/routeTableAssociation:RouteTableAssociation", "rta-" + n,
              {"subnetId": i("subnet-" + n), "routeTableId": i("rtb-" + rt[3:])},
              {"subnetId": [n], "routeTableId": [rt]})
    ids = [i("subnet-" + n) for n in cluster_subnets]
    if component:
        s.add("eks:index:Cluster", "cluster", {"name": "c1", "vpcId": i("vpc-1"), "privateSubnetIds": ids,
              "endpointPrivateAccess": private, "endpointPublicAccess": public, "autoMode": compute},
              {"vpcId": ["vpc"], "privateSubnetIds": list(cluster_subnets)})
    else:
        s.add("aws:eks/cluster:Cluster", "cluster", {"name": "c1", "computeConfig": compute, "vpcConfig": {
            "endpointPublicAccess": public, "endpointPrivateAccess": private, "subnetIds": ids}},
            {"vpcConfig": list(cluster_subnets)})
    if node_class is not None:
        named = [x for t in node_class for x in ([t["id"]] if "id" in t else [])]
        s.add("kubernetes:eks.amazonaws.com/v1:NodeClass", "nodeclass", {
            "apiVersion": "eks.amazonaws.com/v1", "kind": "NodeClass", "metadata": {"name": "nodes"},
            "spec": {"role": "auto-node", "subnetSelectorTerms": [
                {"id": i("subnet-" + t["id"])} if "id" in t else t for t in node_class], **(node_class_spec or {})}},
            {"spec": named}, deps=["cluster"])
    return s


def findings(args, name, undecidable=False):
    rule = RULES_BY_NAME[name]
    return [f for f in rule.results(build_model(args.resources), rule.defaults()) if f.undecidable == undecidable]


def all_mandatory(args):
    m = build_model(args.resources)
    return sorted({r.name for r in RULES_BY_NAME.values()
                   for f in r.results(m, r.defaults()) if not f.undecidable and r.enforcement.value == "mandatory"})
