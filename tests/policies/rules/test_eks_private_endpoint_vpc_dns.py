"""eks-private-endpoint-vpc-dns: Private endpoint on: the cluster's VPC has enableDnsSupport and
enableDnsHostnames true.

Source: Amazon EKS User Guide, cluster-endpoint and network-reqs (DNS hostnames and resolution required for
the private endpoint).
Fail side: each failing fixture case of this policy is reported by it alone, once. Pass side: the valid
layouts those cases are mutations of report nothing from it. Every path (preview, export, ids only).
"""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import assert_passes, assert_reports_exactly, failing, valid_siblings
from tests.policies.stack_builder import findings, private_cluster

POLICY = "eks-private-endpoint-vpc-dns"


@pytest.mark.parametrize("case,form,path", failing(POLICY))
def test_failing_fixture_reports_exactly_this_policy(pack, case, form, path, tmp_path_factory):
    assert_reports_exactly(pack, case, form, path, tmp_path_factory)


@pytest.mark.parametrize("case,form,path", valid_siblings(POLICY))
def test_valid_layout_passes(pack, case, form, path, tmp_path_factory):
    assert_passes(pack, POLICY, case, form, path, tmp_path_factory)


def test_string_boolean_dns_hostnames_off():
    f = findings(private_cluster(False, dns="false").args(), "eks-private-endpoint-vpc-dns")
    assert len(f) == 1 and "enableDnsHostnames" in f[0].message
