"""eks-private-endpoint-node-subnets: Private endpoint on: node subnets do not map public IPs on launch and have
no default route to an internet gateway.

Source: Amazon EKS User Guide, cluster-endpoint and network-reqs (public-private and private modes run nodes
in private subnets).
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import AUTO, U, auto_cluster, findings, private_cluster, urn

POLICY = "eks-private-endpoint-node-subnets"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


def test_string_booleans_one_message_for_both_subnets():
    f = findings(private_cluster(False, map="true").args(), "eks-private-endpoint-node-subnets")
    assert len(f) == 1 and "sn-a" in f[0].message and "sn-b" in f[0].message  # one message, both subnets


def test_unknown_flag_is_undecidable_not_a_pass_or_crash():
    args = private_cluster(False, map=U).args()
    assert findings(args, "eks-private-endpoint-node-subnets") == []
    und = findings(args, "eks-private-endpoint-node-subnets", undecidable=True)
    assert und and und[0].message.startswith("cannot decide: [eks-private-endpoint-node-subnets]")


ALL_SUBNETS = ("priv-a", "priv-b", "pub-a", "pub-b")


def test_auto_mode_nodes_land_in_the_clusters_public_subnets():
    # Auto Mode's built-in node pools launch nodes in the cluster's subnets (eksctl User Guide, auto-mode: "if the
    # cluster ... uses public subnets as cluster subnets, Auto Mode will launch nodes in public subnets"); raw
    # computeConfig and the pulumi-eks autoMode input (node pools general-purpose and system by default)
    for known in (True, False):
        for component, compute in ((False, AUTO), (True, {"enabled": True})):
            f = findings(auto_cluster(known, ALL_SUBNETS, compute=compute, component=component).args(), POLICY)
            assert len(f) == 1, [x.message for x in f]
            assert "EKS Auto Mode nodes in the cluster's subnets" in f[0].message
            assert "pub-a" in f[0].message and "pub-b" in f[0].message and "priv-a" not in f[0].message
            assert f[0].urn == urn("eks:index:Cluster" if component else "aws:eks/cluster:Cluster", "cluster")
            assert findings(auto_cluster(known, compute=compute, component=component).args(), POLICY) == []


def test_auto_mode_off_or_without_node_pools_launches_nothing_in_the_cluster_subnets():
    for compute in ({"enabled": False}, {"enabled": True, "nodePools": []}, None):
        assert findings(auto_cluster(False, ALL_SUBNETS, compute=compute).args(), POLICY) == []


def test_auto_mode_node_class_decides_the_subnets_by_id_or_by_tags():
    # a NodeClass's spec.subnetSelectorTerms place the nodes of the node pools that use it (EKS User Guide,
    # create-node-class); tags are matched against the stack's subnets, ids resolved like any subnet id
    for known in (True, False):
        for terms in ([{"id": "pub-a"}], [{"tags": {"tier": "public"}}], [{"tags": {"tier": "*"}}]):
            args = auto_cluster(known, compute={"enabled": True, "nodePools": []}, node_class=terms).args()
            f = findings(args, POLICY)
            assert len(f) == 1 and "EKS Auto Mode NodeClass" in f[0].message and "pub-a" in f[0].message, terms
            assert f[0].urn == urn("kubernetes:eks.amazonaws.com/v1:NodeClass", "nodeclass")
        args = auto_cluster(known, node_class=[{"tags": {"tier": "private"}}]).args()
        assert findings(args, POLICY) == [] and findings(args, POLICY, undecidable=True) == []


def test_auto_mode_unknowns_are_undecidable_not_a_pass_or_a_failure():
    # computeConfig unknown: maybe no Auto Mode nodes, so the public cluster subnets are not a definite failure
    args = auto_cluster(False, ALL_SUBNETS, compute=U).args()
    assert findings(args, POLICY) == []
    assert any("EKS Auto Mode" in x.message for x in findings(args, POLICY, undecidable=True))
    # a tag selector when a subnet's tags are unknown: the NodeClass may pick it
    args = auto_cluster(False, node_class=[{"tags": {"tier": "private"}}], subnet_tags={"pub-a": U}).args()
    assert findings(args, POLICY) == []
    und = findings(args, POLICY, undecidable=True)
    assert len(und) == 1 and "NodeClass" in und[0].message
