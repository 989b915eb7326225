"""eks-public-endpoint-node-egress: Public-only endpoint: every node subnet reaches the endpoint (default route
to an internet gateway with mapPublicIpOnLaunch = true or a launch-template public IP, or a default route to a
NAT gateway); with restricted publicAccessCidrs, the nodes' NAT Elastic IPs are inside them.

Source: Amazon EKS User Guide, cluster-endpoint (restricting public access without the private endpoint) and
managed-node-groups (public IP only from the subnet setting); eksctl docs vpc-cluster-access.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import auto_cluster, findings

POLICY = "eks-public-endpoint-node-egress"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


def test_public_only_auto_mode_nodes_in_isolated_cluster_subnets_cannot_reach_the_endpoint():
    # Auto Mode nodes land in the cluster's subnets; with only the public endpoint they need a NAT route or a public
    # IP behind an internet gateway (Amazon EKS User Guide, cluster-endpoint)
    for known in (True, False):
        f = findings(auto_cluster(known, private=False, public=True).args(), POLICY)
        assert len(f) == 1 and "EKS Auto Mode" in f[0].message and "priv-a" in f[0].message
        assert findings(auto_cluster(known, ("pub-a", "pub-b"), private=False, public=True).args(), POLICY) == []


def test_auto_mode_node_class_without_public_ips_in_igw_subnets_cannot_reach_the_endpoint():
    # a NodeClass's spec.advancedNetworking.associatePublicIPAddress = false takes away the public IP Auto Mode nodes
    # would get from a subnet that maps them (EKS User Guide, create-node-class and auto-controls)
    for known in (True, False):
        off = {"advancedNetworking": {"associatePublicIPAddress": False}}
        args = auto_cluster(known, ("pub-a", "pub-b"), compute={"enabled": True, "nodePools": []}, private=False,
                            public=True, node_class=[{"tags": {"tier": "public"}}], node_class_spec=off).args()
        f = findings(args, POLICY)
        assert len(f) == 1 and "NodeClass" in f[0].message and "get no public IP" in f[0].message
        args = auto_cluster(known, ("pub-a", "pub-b"), compute={"enabled": True, "nodePools": []}, private=False,
                            public=True, node_class=[{"tags": {"tier": "public"}}]).args()
        assert findings(args, POLICY) == []


# -- restricted publicAccessCidrs and a NAT gateway's new Elastic IP -------------------------------------------
# Amazon EKS User Guide, cluster-endpoint: with only the public endpoint and restricted publicAccessCidrs, nodes in
# private subnets reach the API through their NAT gateway's Elastic IP, which must be listed. Amazon EC2 User
# Guide, Elastic IP addresses: a new Elastic IP is allocated from Amazon's pool unless an address, a BYOIP pool or
# a customer-owned pool is given, so CIDRs fixed in the program before it exists cannot hold it.

def nat_cluster(cidrs, eip=None, cidrs_from_eip=False):
    from tests.policies.stack_builder import U, Stack
    s = Stack()
    s.add("aws:ec2/vpc:Vpc", "vpc", {"id": U, "cidrBlock": "10.0.0.0/16"})
    s.add("aws:ec2/internetGateway:InternetGateway", "igw", {"id": U, "vpcId": U}, {"vpcId": ["vpc"]})
    s.add("aws:ec2/eip:Eip", "eip", {"id": U, "allocationId": U, "publicIp": U, "domain": "vpc", **(eip or {})})
    s.add("aws:ec2/subnet:Subnet", "pub", {"id": U, "vpcId": U, "availabilityZone": "us-east-1a",
                                           "mapPublicIpOnLaunch": True}, {"vpcId": ["vpc"]})
    s.add("aws:ec2/natGateway:NatGateway", "nat", {"id": U, "subnetId": U, "allocationId": U},
          {"subnetId": ["pub"], "allocationId": ["eip"]})
    for n, az in (("a", "us-east-1a"), ("b", "us-east-1b")):
        s.add("aws:ec2/subnet:Subnet", f"priv-{n}", {"id": U, "vpcId": U, "availabilityZone": az}, {"vpcId": ["vpc"]})
        s.add("aws:ec2/routeTable:RouteTable", f"rt-{n}", {"id": U, "vpcId": U, "routes": [
            {"cidrBlock": "0.0.0.0/0", "natGatewayId": U}]}, {"vpcId": ["vpc"], "routes": ["nat"]})
        s.add("aws:ec2/routeTableAssociation:RouteTableAssociation", f"rta-{n}", {"subnetId": U, "routeTableId": U},
              {"subnetId": [f"priv-{n}"], "routeTableId": [f"rt-{n}"]})
    vpc_config = {"subnetIds": [U, U], "endpointPublicAccess": True, "endpointPrivateAccess": False,
                  "publicAccessCidrs": [U] if cidrs_from_eip else cidrs}
    s.add("aws:eks/cluster:Cluster", "cluster", {"id": U, "name": "c", "vpcConfig": vpc_config},
          {"vpcConfig": ["priv-a", "priv-b"] + (["eip"] if cidrs_from_eip else [])})
    s.add("aws:eks/nodeGroup:NodeGroup", "nodes", {"clusterName": U, "subnetIds": [U, U]},
          {"clusterName": ["cluster"], "subnetIds": ["priv-a", "priv-b"]})
    return s.args()


def test_restricted_cidrs_fixed_before_a_new_elastic_ip_exists_cannot_hold_it():
    f = findings(nat_cluster(["198.51.100.0/24", "203.0.113.10/32"]), POLICY)
    assert len(f) == 1
    assert "whose Elastic IP is allocated from Amazon's pool" in f[0].message
    assert "['198.51.100.0/24', '203.0.113.10/32']" in f[0].message
    assert findings(nat_cluster(["198.51.100.0/24"]), POLICY, undecidable=True) == []


@pytest.mark.parametrize("case", [
    dict(cidrs_from_eip=True, cidrs=None),                   # computed from the Elastic IP: unknown until it exists
    dict(cidrs=["3.0.0.0/8"]),                               # wide enough to hold an Amazon address by chance
    dict(cidrs=["198.51.100.0/24"], eip={"address": "52.1.2.3"}),         # a chosen address
    dict(cidrs=["198.51.100.0/24"], eip={"publicIpv4Pool": "ipv4pool-ec2-0abc"}),  # BYOIP
])
def test_what_only_the_address_can_tell_stays_undecided(case):
    args = nat_cluster(**case)
    assert findings(args, POLICY) == []
    if not case.get("cidrs_from_eip"):  # CIDRs computed from the Elastic IP hold it: nothing to note
        notes = findings(args, POLICY, undecidable=True)
        assert len(notes) == 1 and "the Elastic IP of NAT gateway nat or the publicAccessCidrs are unknown" in notes[0].message


def test_known_elastic_ips_are_judged_by_address():
    assert findings(nat_cluster(["52.1.2.0/24"], eip={"publicIp": "52.1.2.3"}), POLICY) == []
    f = findings(nat_cluster(["198.51.100.0/24"], eip={"publicIp": "52.1.2.3"}), POLICY)
    assert len(f) == 1 and "52.1.2.3 is not in publicAccessCidrs" in f[0].message
