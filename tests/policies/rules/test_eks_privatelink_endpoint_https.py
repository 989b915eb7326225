"""eks-privatelink-endpoint-https: where nodes without internet egress need PrivateLink, the security groups of
the VPC's Interface endpoints allow TCP 443 from those node subnets (their CIDRs, a covering CIDR such as the VPC's, or the node/cluster
security group).

Source: Amazon EKS User Guide, private-clusters (endpoint security group must allow HTTPS from the nodes);
terraform-aws-eks issue 3113.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings

POLICY = "eks-privatelink-endpoint-https"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)
