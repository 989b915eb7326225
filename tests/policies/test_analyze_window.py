"""Remediate/Analyze calls kept in flight (preflight/analyzer/in_flight.py) change nothing the user sees: on every
fixture case, in both forms, from a preview and from an export (where Remediate is called too), the
violations — policy, level, URN, message — and their order are those of one call at a time."""
from __future__ import annotations

import pytest

from preflight.analyzer.in_flight import WINDOW
from tests.policies.fixture_cases import FAILING, VALID
from tests.policies.fixture_runs import recorded  # the same recordings, cached for the session

WINDOWS = (1, 4, 32, WINDOW)  # WINDOW: the default


def _violations(pack, stack, snapshot, window):
    pack.window = window
    try:
        return [(v.policy, v.enforcement_level, v.urn, v.message) for v in pack.analyze(stack, snapshot=snapshot)]
    finally:
        pack.window = WINDOW


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in VALID + FAILING])
def test_windows_give_the_same_verdicts_in_the_same_order(pack, case, tmp_path_factory):
    form = case.forms[0]
    for path, snapshot in (("preview", False), ("export", True)):
        stack = recorded(case, form, path, tmp_path_factory)
        one_at_a_time = _violations(pack, stack, snapshot, 1)
        for window in WINDOWS[1:]:
            assert _violations(pack, stack, snapshot, window) == one_at_a_time, (case.id, path, window)
    if case in FAILING and case.policy != "eks-public-access-cidrs":
        assert case.policy in {p for p, level, _, _ in one_at_a_time if level == "mandatory"}
