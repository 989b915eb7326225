"""eks-private-endpoint-no-node-public-ip: Private endpoint on: no node launch template or pulumi-eks node input
asks for a public IP (associatePublicIpAddress / nodeAssociatePublicIpAddress true or "true").

Source: Amazon EKS User Guide, cluster-endpoint and managed-node-groups; pulumi-eks NodeGroupV2 defaults
nodeAssociatePublicIpAddress to true (read from its source); Checkov CKV_AWS_88 (launch template public IP).
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from guardrails.model import build_model
from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import auto_cluster, findings

POLICY = "eks-private-endpoint-no-node-public-ip"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


def test_pulumi_eks_auto_mode_cluster_has_no_default_node_group():
    # pulumi-eks creates no default node group (whose nodeAssociatePublicIpAddress defaults to true) when
    # autoMode is enabled (nodejs/eks/cluster/cluster.ts); Auto Mode nodes get a public IP only from their subnet
    # (EKS User Guide, auto-controls: "determined automatically by the type of subnet")
    for known in (True, False):
        args = auto_cluster(known, component=True, compute={"enabled": True}).args()
        assert findings(args, POLICY) == [] and findings(args, POLICY, undecidable=True) == []
        assert [ng.kind for ng in build_model(args.resources).node_groups] == ["auto"]
