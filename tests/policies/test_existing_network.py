"""Existing infrastructure given as AWS facts (model/existing_network.py, the `existingNetwork` config of
eks-guardrails-undecidable): a team cluster in a shared VPC, its subnet ids known and outside the stack.

Without facts every verdict on those subnets is undecidable; with the facts the pack judges them as AWS
documents them: Amazon EKS User Guide, private-clusters (nodes without outbound internet access need the
ec2/ecr.api/ecr.dkr/sts Interface endpoints and the S3 Gateway endpoint); Amazon VPC User Guide, "Route
tables" (a subnet without an explicit association uses the VPC's main route table; a blackhole route carries
no traffic), NAT gateways, "Default VPCs" (DNS attributes on); EC2 API Reference, DescribeVpcAttribute (the
DNS attributes are not in DescribeVpcs).
"""
from __future__ import annotations

import copy

import pytest

from guardrails.analysis import Analysis, analyzing
from guardrails.model import build_model
from guardrails.model.existing_network import CONFIG_KEY, CONFIG_POLICY
from guardrails.model.values import UNKNOWN
from guardrails.rules import RULES_BY_NAME
from tests.policies.stack_builder import Stack

VPC = "vpc-0shared"
SUBNETS = ["subnet-0a", "subnet-0b"]
PRIVATELINK = "eks-isolated-nodes-privatelink"
AFTER = "eks-isolated-nodes-after-privatelink"
DNS = "eks-private-endpoint-vpc-dns"
LOCAL = {"DestinationCidrBlock": "10.8.0.0/16", "GatewayId": "local", "State": "active"}


def team_stack() -> Stack:
    """A raw private-only cluster and managed node group in subnets the stack does not manage."""
    s = Stack()
    s.add("pulumi:pulumi:Stack", "p-s", {})
    s.add("aws:eks/cluster:Cluster", "cluster", {"id": "team", "name": "team", "vpcConfig": {
        "subnetIds": SUBNETS, "endpointPrivateAccess": True, "endpointPublicAccess": False}})
    s.add("aws:eks/nodeGroup:NodeGroup", "nodes", {"clusterName": "team", "subnetIds": SUBNETS}, deps=["cluster"])
    return s


def facts(default_route=None, main=True, attributes=True, endpoints=False):
    rt = {"RouteTableId": "rtb-0private", "VpcId": VPC, "Routes": [LOCAL] + ([default_route] if default_route else []),
          "Associations": [{"Main": False, "SubnetId": s} for s in SUBNETS]}
    main_rt = {"RouteTableId": "rtb-0main", "VpcId": VPC, "Routes": [LOCAL], "Associations": [{"Main": True}]}
    out = {"Vpcs": [{"VpcId": VPC, "CidrBlock": "10.8.0.0/16", "IsDefault": False}],
           "Subnets": [{"SubnetId": s, "VpcId": VPC, "AvailabilityZone": az, "CidrBlock": f"10.8.{i}.0/24",
                        "MapPublicIpOnLaunch": False} for i, (s, az) in enumerate(zip(SUBNETS, ["us-east-1a", "us-east-1b"]))],
           "RouteTables": [rt, main_rt] if main else [rt]}
    if attributes:
        out["VpcAttributes"] = [{"VpcId": VPC, "EnableDnsSupport": {"Value": True}, "EnableDnsHostnames": {"Value": True}}]
    if endpoints:
        out["SecurityGroups"] = [{"GroupId": "sg-0ep", "VpcId": VPC, "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.8.0.0/16"}]}]}]
        out["VpcEndpoints"] = [{"VpcEndpointId": f"vpce-0{svc}", "VpcEndpointType": "Interface", "VpcId": VPC,
                                "ServiceName": f"com.amazonaws.us-east-1.{svc}", "PrivateDnsEnabled": True,
                                "SubnetIds": SUBNETS, "Groups": [{"GroupId": "sg-0ep"}]}
                               for svc in ("ec2", "ecr.api", "ecr.dkr", "sts")]
        out["VpcEndpoints"].append({"VpcEndpointId": "vpce-0s3", "VpcEndpointType": "Gateway", "VpcId": VPC,
                                    "ServiceName": "com.amazonaws.us-east-1.s3", "RouteTableIds": ["rtb-0private"]})
    return out


def results(stack: Stack, given_facts, policy: str):
    """(mandatory findings, undecidable findings) of `policy`, run as the pack runs it: config from Configure."""
    config = {CONFIG_POLICY: {CONFIG_KEY: given_facts}} if given_facts is not None else {}
    rule = RULES_BY_NAME[policy]
    with analyzing(Analysis(policy_config=config)) as run:
        model = build_model(stack.args().resources, {}, given_facts)
        found = rule.results(model, rule.settings(run) or rule.defaults())
    return [f for f in found if not f.undecidable], [f for f in found if f.undecidable]


def test_without_facts_subnets_outside_the_stack_are_undecidable():
    decided, undecided = results(team_stack(), None, PRIVATELINK)
    assert decided == []
    assert any("outside this stack" in f.message for f in undecided)


def test_isolated_shared_subnets_without_endpoints_fail():
    decided, undecided = results(team_stack(), facts(), PRIVATELINK)
    assert undecided == []
    assert len(decided) == 2  # the Interface endpoints and the S3 Gateway endpoint
    assert "subnet-0a (existing)" in decided[0].message and "has no default route" in decided[0].message
    assert "no Interface endpoint for ec2, ecr.api, ecr.dkr, sts" in decided[0].message


def test_shared_subnets_behind_a_nat_gateway_pass():
    nat = {"NatGateways": [{"NatGatewayId": "nat-0a", "SubnetId": "subnet-0pub", "ConnectivityType": "public",
                            "NatGatewayAddresses": [{"AllocationId": "eipalloc-0a", "PublicIp": "203.0.113.7"}]}]}
    given = {**facts({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0a", "State": "active"}), **nat}
    assert results(team_stack(), given, PRIVATELINK) == ([], [])


def test_existing_endpoints_pass_and_need_no_dependency():
    """Endpoints that exist already cannot come up after the nodes: no dependsOn is asked for."""
    given = facts(endpoints=True)
    assert results(team_stack(), given, PRIVATELINK) == ([], [])
    assert results(team_stack(), given, AFTER) == ([], [])


def test_a_blackhole_default_route_carries_no_traffic():
    blackhole = {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-0gone", "State": "blackhole"}
    decided, _ = results(team_stack(), facts(blackhole), PRIVATELINK)
    assert decided and "has no default route" in decided[0].message


def test_a_main_route_table_not_among_the_facts_is_unknown_not_local_only():
    """A subnet without an explicit association uses the main route table: when the facts do not include it,
    egress is unknown (never "only the local route")."""
    given = facts(main=False)
    given["RouteTables"][0]["Associations"] = []  # the subnets use the (missing) main table
    decided, undecided = results(team_stack(), given, PRIVATELINK)
    assert decided == []
    assert undecided and "route table" in undecided[0].message


def test_vpc_dns_attributes_come_from_describe_vpc_attribute_only():
    stack = team_stack()
    assert results(stack, facts(), DNS) == ([], [])
    decided, undecided = results(stack, facts(attributes=False), DNS)
    assert decided == [] and undecided and "DNS settings of VPC vpc-0shared (existing)" in undecided[0].message
    off = facts()
    off["VpcAttributes"][0]["EnableDnsHostnames"]["Value"] = False
    decided, _ = results(stack, off, DNS)
    assert decided and "vpc-0shared" in decided[0].message


def test_the_default_vpc_has_its_documented_dns_attributes():
    given = facts(attributes=False)
    given["Vpcs"][0]["IsDefault"] = True
    model = build_model(team_stack().args().resources, {}, given)
    vpc = next(v for v in model.vpcs.values() if v.res.p("id") == VPC)
    assert (vpc.dns_support, vpc.dns_hostnames) == (True, True)
    given["Vpcs"][0]["IsDefault"] = False
    model = build_model(team_stack().args().resources, {}, given)
    vpc = next(v for v in model.vpcs.values() if v.res.p("id") == VPC)
    assert vpc.dns_support is UNKNOWN and vpc.dns_hostnames is UNKNOWN


def test_the_stacks_own_resource_wins_over_a_fact_with_its_id():
    s = team_stack()
    s.add("aws:ec2/subnet:Subnet", "own", {"id": "subnet-0a", "vpcId": VPC, "availabilityZone": "us-east-1c",
                                           "mapPublicIpOnLaunch": True})
    model = build_model(s.args().resources, {}, facts())
    found = [sn for sn in model.subnets.values() if sn.res.p("id") == "subnet-0a"]
    assert [sn.res.existing for sn in found] == [False]
    assert found[0].az == "us-east-1c"


@pytest.mark.parametrize("broken", [
    {"Subnets": "not a list"}, {"Subnets": [None, 3, {"VpcId": VPC}]}, {"RouteTables": [{"RouteTableId": "rtb-1",
                                                                                        "Routes": [None, "x"]}]},
    {"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpRanges": "x"}]}]}, {"VpcAttributes": [{}]}])
def test_malformed_facts_never_crash_the_pack(broken):
    """Entries without their id or of the wrong shape are skipped (preflight refuses them with exit 2 before
    they reach the pack; under the real CLI the config schema checks the document types)."""
    given = {**copy.deepcopy(facts()), **broken}
    for policy in (PRIVATELINK, DNS):
        results(team_stack(), given, policy)
