"""eks-fargate-private-subnets: Fargate profile subnets have no default route to an internet gateway and do not
map public IPs.

Source: AWS Fargate profile docs and CreateFargateProfile API: only private subnets with no direct route to an
internet gateway are accepted.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_cases import Case
from tests.policies.fixture_runs import PATHS, assert_passes, assert_reports_exactly, failing, valid_siblings

POLICY = "eks-fargate-private-subnets"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("path", PATHS)
def test_pulumi_eks_leaves_the_igw_routed_subnet_out_of_the_profile(pack, path, tmp_path_factory):
    """pulumi-eks 4.4 gives a Fargate profile only the subnets without an internet gateway route when any exists
    (computeWorkerSubnets over fargate.subnetIds): one IGW-routed subnet among private ones is dropped, so the
    component form of fargate-rt-igw creates a valid profile."""
    case = Case("public", "fargate", "fargate-rt-igw", POLICY, forms=("component",))
    assert_passes(pack, POLICY, case, "component", path, tmp_path_factory)
