"""Existing infrastructure, judged the same by the real CLI and preflight: the shared-VPC program
(tests/policies/realworld/shared-vpc) recorded at preview and as deployed with each facts folder, written as a
state file, then `pulumi policy analyze --file F --policy-pack-config C` (C from `python -m preflight.inputs.aws_facts
DIR`, the documented way to give the real CLI the facts) against `preflight --export F --aws-facts DIR`.

Both must report the same (policy, URN, level, message) lists, and the verdict must be the documented one
(Amazon EKS User Guide, private-clusters): nodes behind a NAT gateway pass, isolated nodes without endpoints fail
eks-isolated-nodes-privatelink, isolated nodes with the endpoints pass. The facts also apply with the policy that
carries them disabled (the engine still delivers its config)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conformance.parity import cli_verdicts, differences, preflight_verdicts
from tests.conformance.pulumi_cli import REPO

PROGRAM = REPO / "tests" / "policies" / "realworld" / "shared-vpc"
EXPECTED = {"nat": set(), "isolated": {"eks-isolated-nodes-privatelink"}, "privatelink": set()}


def _run(*args, check_codes=(0, 1)) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode in check_codes, run.stderr
    return run


@pytest.fixture(scope="module")
def exports(cli_path, tmp_path_factory):
    """{facts: (policy config file, [state files])}: the program recorded with each facts folder."""
    out = {}
    for facts in EXPECTED:
        root = tmp_path_factory.mktemp(f"facts-{facts}")
        config = root / "config.json"
        config.write_text(_run("-m", "preflight.inputs.aws_facts", str(PROGRAM / "facts" / facts), check_codes=(0,)).stdout)
        files = []
        for mode in ("preview", "deployed"):
            folder = root / mode
            _run("-m", "preflight", "--program", str(PROGRAM), "--stack", "plain", "output", "--aws-facts",
                 str(PROGRAM / "facts" / facts), "--write-export", str(folder), *(["--deployed"] if mode == "deployed" else []))
            files += sorted(folder.glob("*.json"))
        assert len(files) == 4
        out[facts] = (config, files)
    return out


@pytest.mark.parametrize("facts", sorted(EXPECTED))
def test_the_cli_and_preflight_judge_existing_infrastructure_alike(session_cli, exports, facts):
    config, files = exports[facts]
    cli = cli_verdicts(session_cli, files, config)
    pre = preflight_verdicts(files, config)
    assert differences(cli, pre) == []
    for f, verdict in cli.items():
        assert not verdict.error, verdict.error
        assert {p for p, _, level, _ in verdict.violations if level == "mandatory"} == EXPECTED[facts], f.name
        assert not [m for p, _, _, m in verdict.violations if "outside this stack" in m], f.name


def test_the_facts_apply_with_the_policy_that_carries_them_disabled(session_cli, exports, tmp_path):
    config, files = exports["isolated"]
    doc = json.loads(config.read_text())
    doc["eks-guardrails-undecidable"]["enforcementLevel"] = "disabled"
    disabled = tmp_path / "disabled.json"
    disabled.write_text(json.dumps(doc))
    cli = cli_verdicts(session_cli, files, disabled)
    assert differences(cli, preflight_verdicts(files, disabled)) == []
    for verdict in cli.values():
        assert {p for p, _, _, _ in verdict.violations} == {"eks-isolated-nodes-privatelink"}
