"""eks-isolated-nodes-privatelink: Private-only endpoint: the cluster's VPC has Interface endpoints with private
DNS for each required service (config requiredServices) in subnets covering every AZ that hosts nodes, and an
S3 Gateway endpoint on the route table of every node subnet.

Source: Amazon EKS User Guide, private-clusters (endpoints for EC2, ECR, S3, STS); eksctl fully-private
clusters; awsdocs/amazon-eks-user-guide issue 110; sassoftware/viya4-iac-aws issue 272.
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import RULES_BY_NAME, findings, private_cluster

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
