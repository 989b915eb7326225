"""eks-isolated-nodes-after-privatelink (was eks-private-only-nodes-after-privatelink): every node group whose
nodes lack internet egress, with the private endpoint on, depends, directly or through other resources (a
component counts for its children), on the required Interface endpoints and the S3 Gateway endpoint, so nodes never boot before
PrivateLink exists.

Source: Amazon EKS troubleshooting guide (NodeCreationFailure when nodes do not join within 15 minutes);
Amazon EKS User Guide, private-clusters.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import U, auto_cluster, findings, private_cluster, urn

POLICY = "eks-isolated-nodes-after-privatelink"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


def test_nodes_without_dependency_on_endpoints():
    f = findings(private_cluster(False, deps=["ep-s3"]).args(), "eks-isolated-nodes-after-privatelink")
    assert len(f) == 1 and "ep-ecr.dkr" in f[0].message


def test_node_groups_with_nat_egress_need_not_wait_for_endpoints():
    """Nodes that reach the internet through a NAT gateway do not need PrivateLink (Amazon EKS User Guide,
    private-clusters), so their order against the endpoints is not checked."""
    s = private_cluster(False, deps=[])
    s.add("aws:ec2/natGateway:NatGateway", "nat", {"id": U})
    for n in ("a", "b"):
        s.res[f"rt-{n}"].props["routes"] = [{"cidrBlock": "0.0.0.0/0", "natGatewayId": U}]
        s.res[f"rt-{n}"]._pdeps = {**s.res[f"rt-{n}"]._pdeps, "routes": ["nat"]}
    assert findings(s.args(), POLICY) == []
    assert findings(private_cluster(False, deps=[]).args(), POLICY)  # the same without NAT: must wait


def test_auto_mode_cluster_and_its_node_class_wait_for_privatelink_as_one_problem():
    # Auto Mode launches the nodes of its built-in pools and of every NodeClass itself, so the cluster must depend
    # on the endpoints (Amazon EKS User Guide, private-clusters); one violation, on the cluster
    for known in (True, False):
        s = auto_cluster(known, node_class=[{"tags": {"tier": "private"}}])
        s.add("aws:ec2/vpcEndpoint:VpcEndpoint", "ep-s3", {"vpcId": "vpc-1", "serviceName": "com.amazonaws.us-east-1.s3",
              "vpcEndpointType": "Gateway", "routeTableIds": ["rtb-priv"]}, {"vpcId": ["vpc"], "routeTableIds": ["rt-priv"]})
        f = findings(s.args(), POLICY)
        assert len(f) == 1 and f[0].urn == urn("aws:eks/cluster:Cluster", "cluster") and "ep-s3" in f[0].message
        s.res["cluster"]._deps = ["ep-s3"]
        assert findings(s.args(), POLICY) == []
