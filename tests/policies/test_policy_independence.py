"""One policy's verdicts never depend on which other policies are enabled (issue 7).

pulumi_policy runs only the enabled policies, so anything one policy gathered for another (the inputs of
pulumi-eks components once were) would change the others' findings when it is disabled. Every fixture
case, both forms, at preview, through preflight's analyzer client with --policy-config: for each config
that disables some policies, every policy still enabled reports exactly what it reports with all enabled.
Subsets: each policy disabled alone, each policy left alone with all others disabled, and seeded random
subsets. The pack is started once per config; the recordings are made once.
"""
from __future__ import annotations

import random

import pytest

from guardrails.rules import RULES
from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.program.record import record_program
from tests.policies.fixture_cases import FAILING, PROGRAM, VALID, Case
from tests.policies.policy_test_helpers import PACK, mandatory

NAMES = [r.name for r in RULES]
RECORDINGS = [(f"{c.id}:{form}", c, form) for c in VALID + FAILING for form in c.forms]


def _subsets():
    for name in NAMES:
        yield f"without-{name}", (name,)
    for name in NAMES:
        yield f"only-{name}", tuple(n for n in NAMES if n != name)
    rng = random.Random(7)
    for i in range(3):
        yield f"random-{i}", tuple(sorted(rng.sample(NAMES, rng.randint(2, len(NAMES) - 2))))


SUBSETS = dict(_subsets())


def _config(disabled):
    return {name: "disabled" for name in disabled}


def _by_policy(violations):
    out: dict = {}
    for v in violations:
        out.setdefault(v.policy, []).append((v.urn, v.message, v.enforcement_level))
    return {k: sorted(v) for k, v in out.items()}


@pytest.fixture(scope="module")
def stacks():
    return {key: record_program(PROGRAM, "fixture", case.config(form), preview=True)
            for key, case, form in RECORDINGS}


@pytest.fixture(scope="module")
def all_enabled(stacks):
    with PolicyPackProcess(PACK, {}) as pack:
        return {key: _by_policy(pack.analyze(st)) for key, st in stacks.items()}


@pytest.mark.parametrize("subset", list(SUBSETS), ids=list(SUBSETS))
def test_disabling_other_policies_leaves_each_policys_findings_unchanged(stacks, all_enabled, subset):
    disabled = SUBSETS[subset]
    with PolicyPackProcess(PACK, _config(disabled)) as pack:
        for key, st in stacks.items():
            got = _by_policy(pack.analyze(st))
            assert not set(got) & set(disabled), key
            want = {p: f for p, f in all_enabled[key].items() if p not in disabled}
            assert got == want, key


def test_the_baseline_reports_every_failing_case(all_enabled):
    """The comparison above is only as good as the findings it compares: the baseline is not empty."""
    for key, case, form in RECORDINGS:
        if case.policy:
            assert case.policy in all_enabled[key], key


def test_issue_reproduction_component_no_ecr_dkr_with_two_policies_disabled():
    """Amazon EKS User Guide, private-clusters: a private-only cluster needs an ecr.dkr Interface endpoint;
    disabling the two resource-level policies once hid the component's inputs from the stack model."""
    st = record_program(PROGRAM, "fixture", Case("private", "managed", "no-ecr-dkr").config("component"),
                        preview=True)
    with PolicyPackProcess(PACK, {"eks-endpoint-access-enabled": "disabled",
                                  "eks-public-access-cidrs": "disabled"}) as pack:
        vs = pack.analyze(st)
    assert mandatory(vs) == ["eks-isolated-nodes-privatelink"], [v.message for v in vs]
    assert "ecr.dkr" in next(v.message for v in vs if v.policy == "eks-isolated-nodes-privatelink")
    assert not [v for v in vs if v.policy == "eks-cluster-subnets-multi-az"]
