"""Shared fixtures of the policy-pack tests: the pack, started once as the CLI starts it.

The project is installed editable (`make env`): `guardrails` and `preflight` import as packages, and the
helpers beside this file as `tests.policies.<module>` (tests/ is a package)."""
from __future__ import annotations

import pytest

from preflight.analyzer.pack_process import PolicyPackProcess
from tests.policies.policy_test_helpers import PACK


@pytest.fixture(scope="session")
def pack():
    with PolicyPackProcess(PACK) as proc:
        yield proc
