"""Shared fixtures of the policy-pack tests: the pack (started once, as the CLI starts it) and helpers."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policies"
for p in (str(ROOT), str(PACK), str(Path(__file__).parent)):
    if p not in sys.path:
        sys.path.insert(0, p)


@pytest.fixture(scope="session")
def pack():
    from preflight.analyzer import PolicyPackProcess
    with PolicyPackProcess(PACK) as proc:
        yield proc

