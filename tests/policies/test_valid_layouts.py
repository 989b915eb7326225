"""Every valid fixture layout (each EKS variant, raw and pulumi-eks component form) passes the whole pack.

Through preflight and the real analyzer protocol, at preview, from an export and from an export with
propertyDependencies stripped (tests/policies/fixture_runs.py). Layouts: Amazon EKS User Guide,
network-reqs, cluster-endpoint and private-clusters (one valid layout per endpoint mode and data plane)."""
from __future__ import annotations

import pytest

from tests.policies.fixture_runs import VALID, params, recorded
from tests.policies.policy_test_helpers import advisory, mandatory


@pytest.mark.parametrize("case,form,path", params(VALID))
def test_valid_layouts_pass(pack, case, form, path, tmp_path_factory):
    vs = pack.analyze(recorded(case, form, path, tmp_path_factory))
    assert mandatory(vs) == [], [v.message for v in vs]
    assert advisory(vs) == (["eks-public-access-cidrs"] if case.advisory_open else [])
    # nothing is left undecided on these layouts, neither at preview nor from an export
    assert [v.message for v in vs if v.policy == "eks-guardrails-undecidable"] == []
