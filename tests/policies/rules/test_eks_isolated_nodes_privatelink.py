"""eks-isolated-nodes-privatelink (was eks-private-only-privatelink): private endpoint on and nodes without
internet egress: the cluster's VPC has Interface endpoints with private DNS for each required service (config
requiredServices) in subnets covering those nodes' AZs, and an S3 Gateway endpoint on their route tables.

Source: Amazon EKS User Guide, private-clusters (clusters without outbound internet access: endpoints for EC2,
ECR, S3, STS); Amazon VPC User Guide (NAT gateways; internet gateways need a public IP on the instance); eksctl
fully-private clusters; awsdocs/amazon-eks-user-guide issue 110; sassoftware/viya4-iac-aws issue 272.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import RULES_BY_NAME, U, auto_cluster, findings, private_cluster

POLICY = "eks-isolated-nodes-privatelink"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


def test_missing_ecr_dkr_is_one_violation_naming_it():
    for known in (True, False):
        f = findings(private_cluster(known, services=["ec2", "ecr.api", "sts"]).args(), "eks-isolated-nodes-privatelink")
        assert len(f) == 1 and "ecr.dkr" in f[0].message and f[0].urn.endswith("::vpc")


def test_stack_policy_runs_through_the_sdk_object():
    rule = RULES_BY_NAME["eks-isolated-nodes-privatelink"]
    got = []
    rule.policy().validate(private_cluster(False, services=["ec2"]).args(), lambda m, u=None: got.append((m, u)))
    assert len(got) == 1 and "ecr.api, ecr.dkr, sts" in got[0][0]


# --- egress decides (Amazon EKS User Guide, private-clusters: the endpoints are for clusters without outbound
# internet access; Amazon VPC User Guide: NAT gateways, internet gateways need a public IP on the instance) ---

def _without_endpoints(route, map_public="false", public=False, nat_private=False):
    """private_cluster with no endpoints, both node subnets routed by `route` (a routes entry)."""
    s = private_cluster(False, services=[], map=map_public, public=public)
    del s.res["ep-s3"], s.res["ep-s3-b"]
    s.res["nodes"]._deps = []
    if route is not None:
        s.add("aws:ec2/natGateway:NatGateway", "nat", {"id": U, "connectivityType": "private" if nat_private else None})
        s.add("aws:ec2/internetGateway:InternetGateway", "igw", {"id": U, "vpcId": U}, {"vpcId": ["vpc"]})
        for n in ("a", "b"):
            rt = s.res[f"rt-{n}"]
            rt.props["routes"] = [route]
            key = next(iter(k for k in route if k.endswith("Id")), None)
            target = {"natGatewayId": "nat", "gatewayId": "igw"}.get(key)
            if target:
                rt._pdeps = {**rt._pdeps, "routes": [target]}
    return s.args()


@pytest.mark.parametrize("route,expected", [
    ({"cidrBlock": "0.0.0.0/0", "natGatewayId": U}, "pass"),
    (None, "fail"),                                                        # no default route: isolated
    ({"cidrBlock": "0.0.0.0/0", "gatewayId": U}, "fail"),                  # IGW but no public IP on the nodes
    ({"cidrBlock": "0.0.0.0/0", "transitGatewayId": "tgw-0123"}, "note"),  # egress decided in another network
    ({"cidrBlock": "0.0.0.0/0", "vpcPeeringConnectionId": "pcx-0123"}, "note"),
    ({"cidrBlock": "0.0.0.0/0", "networkInterfaceId": "eni-0123"}, "note"),  # a NAT instance or appliance
])
def test_egress_of_the_node_subnets_decides_whether_endpoints_are_needed(route, expected):
    args = _without_endpoints(route)
    fails, notes = findings(args, POLICY), findings(args, POLICY, undecidable=True)
    assert (("fail" if fails else "note" if notes else "pass") == expected), ([f.message for f in fails],
                                                                            [f.message for f in notes])
    if expected == "note":
        assert any("cannot tell internet egress" in f.message for f in notes)


def test_igw_route_with_public_ips_is_egress():
    args = _without_endpoints({"cidrBlock": "0.0.0.0/0", "gatewayId": U}, map_public="true")
    assert findings(args, POLICY) == [] and findings(args, POLICY, undecidable=True) == []


def test_private_nat_gateway_cannot_tell_egress():
    args = _without_endpoints({"cidrBlock": "0.0.0.0/0", "natGatewayId": U}, nat_private=True)
    assert findings(args, POLICY) == []
    assert any("private NAT gateway" in f.message for f in findings(args, POLICY, undecidable=True))


def test_public_private_cluster_with_isolated_nodes_fails_too():
    args = _without_endpoints(None, public=True)
    assert [f.message for f in findings(args, POLICY) if "no internet egress" in f.message]


def test_isolated_auto_mode_nodes_need_the_endpoints_in_either_private_endpoint_mode():
    # EKS Auto Mode nodes in the cluster's subnets without a default route have no internet egress, so they need
    # the PrivateLink endpoints (Amazon EKS User Guide, private-clusters), with or without the public endpoint
    for known in (True, False):
        for public in (False, True):
            f = findings(auto_cluster(known, public=public).args(), POLICY)
            text = " ".join(x.message for x in f)
            assert "ec2, ecr.api, ecr.dkr, sts" in text and "S3 Gateway" in text and "priv-a" in text, text
        # Auto Mode without node pools and without a NodeClass launches no node: nothing needs the endpoints
        assert findings(auto_cluster(known, compute={"enabled": True, "nodePools": []}).args(), POLICY) == []
