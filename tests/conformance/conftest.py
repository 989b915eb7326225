"""The conformance tests need the real Pulumi CLI (`make pulumi-cli`) and the pack's virtualenv (`make
policy-venv`). Without them they skip, unless EKS_VARIANTS_REQUIRE_PULUMI_CLI=1 (as `.ci/run` sets it): then a
missing CLI fails every test here instead of skipping it."""
from __future__ import annotations

import os

import pytest

from tests.conformance.pulumi_cli import REQUIRE_ENV, PulumiCLI, find_cli, pack_venv_ready


def _missing() -> str:
    if find_cli() is None:
        return "the Pulumi CLI is not built (make pulumi-cli)"
    if not pack_venv_ready():
        return "the policy pack's virtualenv policies/venv does not exist (make policy-venv)"
    return ""


@pytest.fixture(scope="session")
def cli_path():
    missing = _missing()
    if missing:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{missing}; {REQUIRE_ENV}=1 requires it", pytrace=False)
        pytest.skip(missing)
    return find_cli()


@pytest.fixture
def cli(cli_path, tmp_path) -> PulumiCLI:
    return PulumiCLI(cli_path, tmp_path)


@pytest.fixture(scope="session")
def session_cli(cli_path, tmp_path_factory) -> PulumiCLI:
    return PulumiCLI(cli_path, tmp_path_factory.mktemp("cli"))


@pytest.fixture(scope="session")
def corpus(cli_path, tmp_path_factory):
    from tests.conformance.corpus import build
    return build(tmp_path_factory.mktemp("corpus"))

