"""Unit tests of the network model on stacks built directly (stack_builder.py): references resolve by URN
when ids are unknown (preview) and by id without propertyDependencies (export), per Amazon EKS User Guide,
private-clusters (the valid private-only layout)."""
from __future__ import annotations

from guardrails.model import build_model
from guardrails.model.values import UNKNOWN, tri_bool
from tests.policies.stack_builder import AUTO, U, all_mandatory, auto_cluster, private_cluster, urn


def test_tri_bool_accepts_strings():
    assert tri_bool("true") is True and tri_bool("False") is False and tri_bool(None, True) is True
    assert tri_bool(U) is UNKNOWN


def test_valid_private_cluster_passes_with_known_and_unknown_ids():
    for known in (True, False):
        assert all_mandatory(private_cluster(known).args()) == []


def test_model_links_by_urn_when_ids_unknown():
    m = build_model(private_cluster(False).args().resources)
    c = next(iter(m.clusters.values()))
    assert [s.res.name for s in c.subnets] == ["sn-a", "sn-b"]
    assert c.vpc.res.name == "vpc"
    ng = c.node_groups[0]
    assert ng.cluster is c and len(ng.subnets) == 2
    s3 = m.endpoints[urn("aws:ec2/vpcEndpoint:VpcEndpoint", "ep-s3")]
    assert sorted(rt.res.name for rt in s3.route_tables) == ["rt-a", "rt-b"]


def test_model_links_by_id_without_property_dependencies():
    s = private_cluster(True)
    for r in s.res.values():
        r._pdeps = {}
    m = build_model(s.args().resources)
    c = next(iter(m.clusters.values()))
    assert [x.res.name for x in c.subnets] == ["sn-a", "sn-b"]
    assert c.node_groups and c.node_groups[0].subnets[0].route_table.res.name == "rt-a"


def test_auto_mode_data_planes_and_their_node_class():
    # EKS Auto Mode: the cluster launches nodes in its subnets (built-in pools) and in a NodeClass's selected
    # subnets (EKS User Guide, create-node-class); the NodeClass belongs to the cluster it depends on
    for known in (True, False):
        s = auto_cluster(known, node_class=[{"id": "priv-a"}, {"tags": {"tier": "private"}}])
        s.add("aws:eks/cluster:Cluster", "other", {"name": "c2", "computeConfig": AUTO, "vpcConfig": {
            "subnetIds": ["subnet-pub-a", "subnet-pub-b"] if known else [U, U]}}, {"vpcConfig": ["pub-a", "pub-b"]})
        if known:
            for r in s.res.values():
                r._pdeps = {}  # an export without propertyDependencies: ids and dependencies only
        m = build_model(s.args().resources)
        c = m.clusters[urn("aws:eks/cluster:Cluster", "cluster")]
        assert c.auto_mode is True and c.auto_node_pools == ["general-purpose", "system"]
        kinds = {ng.kind: ng for ng in c.node_groups}
        assert sorted(kinds) == ["auto", "auto-nodeclass"]
        assert sorted(x.res.name for x in kinds["auto"].subnets) == ["priv-a", "priv-b"]
        assert sorted(x.res.name for x in kinds["auto-nodeclass"].subnets) == ["priv-a", "priv-b"]
        assert kinds["auto-nodeclass"].subnets_complete
        other = m.clusters[urn("aws:eks/cluster:Cluster", "other")]
        assert [ng.kind for ng in other.node_groups] == ["auto"]
