"""Each of the twelve stack files, run through the real __main__.py under mocks at preview
(ids unknown, relations only through property dependencies, as in a real preview of a new stack)."""

from __future__ import annotations

import pytest

from tests.program.harness import Run, run_program, stack_config
from preflight.records import RecordedResource as Registration

SUBNET = "aws:ec2/subnet:Subnet"
ROUTE = "aws:ec2/route:Route"
RT_ASSOC = "aws:ec2/routeTableAssociation:RouteTableAssociation"
IGW = "aws:ec2/internetGateway:InternetGateway"
NAT = "aws:ec2/natGateway:NatGateway"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
CLUSTER = "eks:index:Cluster"
MANAGED = "eks:index:ManagedNodeGroup"
SELF_MANAGED = "aws:autoscaling/group:Group"  # every self-managed group: our launch template + ASG
FARGATE = "aws:eks/fargateProfile:FargateProfile"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"

# What the variant tables of docs/variants-built.md promise, written out per stack file rather than derived from
# code.
EXPECTED = {
    "public-managed": dict(azs=3, public=True, private=False, nat=0, endpoints=set(), api=(True, False),
                           cidrs=["0.0.0.0/0"], workloads="public"),
    "public-self-managed": dict(azs=2, public=True, private=False, nat=0, endpoints=set(), api=(True, False),
                                cidrs=["0.0.0.0/0"], workloads="public"),
    "public-fargate": dict(azs=3, public=True, private=True, nat=1, endpoints=set(), api=(True, False),
                           cidrs=None, workloads="private"),  # cidrs include NAT EIPs: unknown at preview
    "public-private-managed": dict(azs=3, public=True, private=True, nat=3, endpoints=set(), api=(True, True),
                                   cidrs=["198.51.100.0/24", "203.0.113.10/32"], workloads="private"),
    "public-private-self-managed": dict(azs=3, public=True, private=True, nat=1,
                                        endpoints={"ec2", "ecr.api", "ecr.dkr", "sts"}, api=(True, True),
                                        cidrs=["0.0.0.0/0"], workloads="private"),
    "public-private-fargate": dict(azs=2, public=True, private=True, nat=1, endpoints=set(), api=(True, True),
                                   cidrs=["0.0.0.0/0"], workloads="private"),
    "private-managed": dict(azs=3, public=False, private=True, nat=0,
                            endpoints={"ec2", "ecr.api", "ecr.dkr", "sts", "logs", "eks-auth"}, api=(False, True),
                            cidrs="absent", workloads="private"),
    # eks-auth: added for the Pod Identity agent add-on (EKS User Guide, private-clusters).
    "private-self-managed": dict(azs=3, public=False, private=True, nat=0,
                                 endpoints={"ec2", "ecr.api", "ecr.dkr", "sts", "autoscaling", "ssm",
                                            "ssmmessages", "ec2messages", "eks-auth"}, api=(False, True),
                                 cidrs="absent", workloads="private"),
    "private-fargate": dict(azs=3, public=False, private=True, nat=0, endpoints={"ec2", "ecr.api", "ecr.dkr", "sts", "logs"},
                            api=(False, True), cidrs="absent", workloads="private"),
    # EKS Auto Mode: nodes run in the cluster's subnets (docs/variants-built.md, data plane table).
    "public-auto": dict(azs=3, public=True, private=False, nat=0, endpoints=set(), api=(True, False),
                        cidrs=["0.0.0.0/0"], workloads="public"),
    "public-private-auto": dict(azs=3, public=True, private=True, nat=1, endpoints=set(), api=(True, True),
                                cidrs=["0.0.0.0/0"], workloads="private"),
    "private-auto": dict(azs=3, public=False, private=True, nat=0,
                         endpoints={"ec2", "ecr.api", "ecr.dkr", "sts", "logs", "eks-auth"}, api=(False, True),
                         cidrs="absent", workloads="private"),
}


@pytest.fixture(scope="module", params=sorted(EXPECTED))
def variant(request) -> tuple[str, Run, dict]:
    stack = request.param
    return stack, run_program(stack_config(stack), stack=stack), EXPECTED[stack]


def endpoint_subnets(run: Run) -> list[Registration]:
    """The endpoint tier: subnets that hold only the interface endpoints' ENIs."""
    return [s for s in run.of_type(SUBNET) if "-endpoint-" in s.inputs["tags"]["Name"]]


def subnets(run: Run, public: bool) -> list[Registration]:
    """The public or the private tier (the endpoint tier apart)."""
    tier = {s.urn for s in endpoint_subnets(run)}
    return [s for s in run.of_type(SUBNET) if s.inputs["mapPublicIpOnLaunch"] is public and s.urn not in tier]


def default_route_target(run: Run, subnet: Registration) -> str | None:
    """Follow subnet -> association -> route table -> 0.0.0.0/0 route -> gateway type, by URN."""
    assoc = next(a for a in run.of_type(RT_ASSOC) if subnet.urn in a.property_dependencies["subnetId"])
    (table_urn,) = assoc.property_dependencies["routeTableId"]
    routes = [r for r in run.of_type(ROUTE)
              if table_urn in r.property_dependencies["routeTableId"] and r.inputs["destinationCidrBlock"] == "0.0.0.0/0"]
    if not routes:
        return None
    (route,) = routes
    for key in ("gatewayId", "natGatewayId"):
        for urn in route.property_dependencies.get(key, []):
            return run.by_urn(urn).type
    raise AssertionError(f"default route of {subnet.name} has no gateway")


def workload_subnet_urns(run: Run, exp: dict) -> set[str]:
    return {s.urn for s in subnets(run, public=exp["workloads"] == "public")}


def test_vpc_has_dns_support_and_hostnames(variant):
    _, run, _ = variant
    vpc = run.one("aws:ec2/vpc:Vpc")
    assert vpc.inputs["enableDnsSupport"] is True and vpc.inputs["enableDnsHostnames"] is True


def test_subnet_tiers_and_public_ip_mapping(variant):
    _, run, exp = variant
    public, private = subnets(run, True), subnets(run, False)
    assert len(public) == (exp["azs"] if exp["public"] else 0)
    assert len(private) == (exp["azs"] if exp["private"] else 0)
    for tier in (public, private):
        assert len({s.inputs["availabilityZoneId"] for s in tier}) == len(tier)
    assert all(s.inputs["tags"]["kubernetes.io/role/elb"] == "1" for s in public)
    assert all(s.inputs["tags"]["kubernetes.io/role/internal-elb"] == "1" for s in private)


def test_default_routes_per_tier(variant):
    _, run, exp = variant
    for subnet in subnets(run, True):
        assert default_route_target(run, subnet) == IGW
    for subnet in subnets(run, False):
        assert default_route_target(run, subnet) == (NAT if exp["nat"] else None)
    assert len(run.of_type(NAT)) == exp["nat"]
    assert len(run.of_type(IGW)) == (1 if exp["public"] else 0)


def test_privatelink_endpoints(variant):
    _, run, exp = variant
    endpoints = run.of_type(ENDPOINT)
    interface = {e.inputs["serviceName"].split(".", 3)[-1]: e for e in endpoints if e.inputs["vpcEndpointType"] == "Interface"}
    assert set(interface) == exp["endpoints"]
    if not exp["endpoints"]:
        assert endpoints == [] and endpoint_subnets(run) == []
        return
    workloads = workload_subnet_urns(run, exp)
    tier = endpoint_subnets(run)
    # One endpoint subnet in every zone that hosts nodes or pods, private, no default route.
    assert sorted(t.inputs["availabilityZoneId"] for t in tier) == sorted(
        run.by_urn(u).inputs["availabilityZoneId"] for u in workloads)
    assert all(t.inputs["mapPublicIpOnLaunch"] is False for t in tier)
    assert not any(set(a.property_dependencies["subnetId"]) & {t.urn for t in tier} for a in run.of_type(RT_ASSOC))
    for endpoint in interface.values():
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert set(endpoint.property_dependencies["subnetIds"]) == {t.urn for t in tier}
    (s3,) = [e for e in endpoints if e.inputs["vpcEndpointType"] == "Gateway"]
    assert s3.inputs["serviceName"].endswith(".s3")
    workload_tables = {
        a.property_dependencies["routeTableId"][0]
        for a in run.of_type(RT_ASSOC)
        if set(a.property_dependencies["subnetId"]) & workloads
    }
    assert set(s3.property_dependencies["routeTableIds"]) == workload_tables
    rule = run.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert (rule.inputs["fromPort"], rule.inputs["toPort"], rule.inputs["ipProtocol"]) == (443, 443, "tcp")
    assert rule.inputs["cidrIpv4"] == run.one("aws:ec2/vpc:Vpc").inputs["cidrBlock"]


def test_cluster_endpoint_flags_and_public_access_cidrs(variant):
    _, run, exp = variant
    cluster = run.one(CLUSTER)
    assert (cluster.inputs["endpointPublicAccess"], cluster.inputs["endpointPrivateAccess"]) == exp["api"]
    assert cluster.inputs["authenticationMode"] == "API"
    assert cluster.inputs["skipDefaultNodeGroup"] is True
    assert cluster.inputs["createOidcProvider"] is True
    if exp["cidrs"] == "absent":
        assert "publicAccessCidrs" not in cluster.inputs
    elif exp["cidrs"] is None:
        eips = {e.urn for e in run.of_type("aws:ec2/eip:Eip")}
        assert set(cluster.property_dependencies["publicAccessCidrs"]) == eips
    else:
        assert cluster.inputs["publicAccessCidrs"] == exp["cidrs"]


def test_data_plane_runs_in_the_workload_subnets(variant):
    stack, run, exp = variant
    plane = stack.split("-", 1)[1] if not stack.startswith("public-private") else stack[len("public-private-"):]
    workloads = workload_subnet_urns(run, exp)
    nodes = stack_config(stack).get("eks-variants:nodes", {})
    if plane == "managed":
        group = run.one(MANAGED)
        assert group.inputs["instanceTypes"] == nodes["instanceTypes"]
        assert group.inputs["scalingConfig"] == {
            "minSize": nodes["minSize"], "desiredSize": nodes["desiredSize"], "maxSize": nodes["maxSize"]}
        # IMDSv2 and the disk size live in the node group's launch template (EKS User Guide, launch-templates).
        template = run.by_urn(group.property_dependencies["launchTemplate"][0])
        assert template.type == "aws:ec2/launchTemplate:LaunchTemplate"
        assert template.inputs["metadataOptions"]["httpTokens"] == "required"
        assert template.inputs["blockDeviceMappings"][0]["ebs"]["volumeSize"] == nodes["diskSizeGiB"]
        assert "diskSize" not in group.inputs and "enableIMDSv2" not in group.inputs
        subnet_deps = group.property_dependencies["subnetIds"]
        assert run.of_type(SELF_MANAGED) == [] and run.of_type(FARGATE) == []
    elif plane == "self-managed":
        group = run.one(SELF_MANAGED)
        template = run.one("aws:ec2/launchTemplate:LaunchTemplate")
        assert template.inputs["networkInterfaces"][0]["associatePublicIpAddress"] == (
            "true" if exp["workloads"] == "public" else "false")
        policy = group.inputs["mixedInstancesPolicy"]["launchTemplate"]
        assert [o["instanceType"] for o in policy["overrides"]] == nodes["instanceTypes"]
        assert template.urn in group.property_dependencies["mixedInstancesPolicy"]
        assert (group.inputs["minSize"], group.inputs["desiredCapacity"], group.inputs["maxSize"],
                template.inputs["blockDeviceMappings"][0]["ebs"]["volumeSize"]) == (
            nodes["minSize"], nodes["desiredSize"], nodes["maxSize"], nodes["diskSizeGiB"])
        subnet_deps = group.property_dependencies["vpcZoneIdentifiers"]
        entry = run.one(ACCESS_ENTRY)
        assert entry.inputs["type"] == "EC2_LINUX"
        role = run.by_urn(entry.property_dependencies["principalArn"][0])
        assert role.type == "aws:iam/role:Role" and "ec2.amazonaws.com" in role.inputs["assumeRolePolicy"]
        assert entry.urn in group.dependencies
        assert run.of_type(MANAGED) == [] and run.of_type(FARGATE) == []
    elif plane == "fargate":
        group = run.one(FARGATE)
        assert [s["namespace"] for s in group.inputs["selectors"]] == stack_config(stack)["eks-variants:fargate"]["namespaces"]
        subnet_deps = group.property_dependencies["subnetIds"]
        role = run.by_urn(group.property_dependencies["podExecutionRoleArn"][0])
        assert "eks-fargate-pods.amazonaws.com" in role.inputs["assumeRolePolicy"]
        assert run.of_type(MANAGED) == [] and run.of_type(SELF_MANAGED) == []
    elif plane == "auto":
        cluster = run.one(CLUSTER)
        tier, other = ("publicSubnetIds", "privateSubnetIds") if exp["workloads"] == "public" else (
            "privateSubnetIds", "publicSubnetIds")
        # The cluster gets the workload tier only: Auto Mode launches nodes in the cluster's subnets.
        assert other not in cluster.inputs and len(cluster.inputs[tier]) == exp["azs"]
        subnet_deps = cluster.property_dependencies[tier]
        assert run.of_type(MANAGED) == [] and run.of_type(SELF_MANAGED) == [] and run.of_type(FARGATE) == []
    else:
        raise AssertionError(f"unknown data plane {plane}")
    assert {u for u in subnet_deps if run.by_urn(u).type == SUBNET} == workloads


def test_data_plane_depends_on_every_endpoint(variant):
    _, run, exp = variant
    group = next((r for r in run.registrations if r.type in (MANAGED, SELF_MANAGED, FARGATE)), None)
    if group is None:  # Auto Mode: the cluster launches the nodes
        group = run.one(CLUSTER)
        assert group.inputs["autoMode"]["enabled"] is True
    subnet_key = {SELF_MANAGED: "vpcZoneIdentifiers", CLUSTER: "publicSubnetIds" if exp["workloads"] == "public"
                  else "privateSubnetIds"}.get(group.type, "subnetIds")
    endpoint_urns = {e.urn for e in run.of_type(ENDPOINT)}
    assert endpoint_urns <= set(group.property_dependencies[subnet_key])
    if exp["api"] == (False, True):
        assert len(endpoint_urns) == len(exp["endpoints"]) + 1  # + the S3 gateway


def test_every_stack_registers_under_one_variant_component(variant):
    _, run, _ = variant
    (root,) = run.of_type("eks-variants:index:EksVariant")
    tops = {r.type for r in run.registrations if r.parent == root.urn}
    assert {"eks-variants:network:Network", "eks-variants:cluster:Cluster"} <= tops
