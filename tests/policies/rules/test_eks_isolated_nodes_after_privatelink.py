"""eks-isolated-nodes-after-privatelink: Private-only endpoint: every node group depends, directly or through
other resources, on the required Interface endpoints and the S3 Gateway endpoint, so nodes never boot before
PrivateLink exists.

Source: Amazon EKS troubleshooting guide (NodeCreationFailure when nodes do not join within 15 minutes);
Amazon EKS User Guide, private-clusters.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import findings, private_cluster

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
