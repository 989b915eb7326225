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
