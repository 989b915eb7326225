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
from tests.policies.stack_builder import U, findings, private_cluster

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
