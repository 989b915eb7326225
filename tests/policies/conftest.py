"""Shared fixtures of the policy-pack tests: the pack, started once as the CLI starts it.

The project is installed editable (`make env`): `guardrails` and `preflight` import as packages. pytest
puts this folder on sys.path (rootdir-relative, no __init__.py), so the helper modules beside this file
(policy_test_helpers, fixture_cases, fixture_runs, stack_builder) import by name from any test below it."""
from __future__ import annotations

import pytest

from policy_test_helpers import PACK


@pytest.fixture(scope="session")
def pack():
    from preflight.analyzer import PolicyPackProcess
    with PolicyPackProcess(PACK) as proc:
        yield proc
