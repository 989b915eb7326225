"""Exemptions (issue 20, contracts.md §5) under the real CLI and preflight: the same config file, the same
results.

The stack is `public-managed` as deployed (its one violation: eks-public-access-cidrs, advisory, on the pulumi-eks
cluster). Measured with the CLI v3.276.0: the engine passes a policy's `exemptions` on to the pack after checking
them against the policy's config schema, and refuses a pack-level `exemptions` (or `exceptions`) key before the
pack starts - so exemptions live in each policy's section."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from preflight.inputs.stack_export import write_export
from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file
from tests.conformance.parity import cli_verdicts, differences, preflight_verdicts
from tests.conformance.pulumi_cli import REPO, PulumiCLI, policy_events

POLICY = "eks-public-access-cidrs"
COMPANION = "eks-guardrails-exemptions"
IN_FORCE = {"resource": "eks", "reason": "CI runners have no fixed egress (TICKET-42)", "expires": "2999-12-31"}
UNUSED = {"resource": "no-such-*", "reason": "left over", "expires": "2999-12-31"}
EXPIRED = {"resource": "eks", "reason": "until the VPN lands (TICKET-7)", "expires": "2020-01-31"}


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    sf = load_stack_file(REPO / "stacks" / "Pulumi.public-managed.yaml")
    st = record_program(REPO, sf.name, sf.config, preview=False)
    return write_export(st, tmp_path_factory.mktemp("exports") / "public-managed.json")


def config_file(tmp_path, config, name="policy-config.json"):
    path = tmp_path / name
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def same_verdicts(cli_path, tmp_path, export, config):
    cfg = config_file(tmp_path, config)
    cli = cli_verdicts(PulumiCLI(cli_path, tmp_path / "cli"), [export], cfg)
    pre = preflight_verdicts([export], cfg)
    assert differences(cli, {export: v for v in pre.values()}) == []
    return cli[export]


def test_exempted_and_unused_are_reported_alike(cli_path, tmp_path, export):
    v = same_verdicts(cli_path, tmp_path, export, {POLICY: {"exemptions": [IN_FORCE, UNUSED]}})
    assert not v.failed
    assert [p for p, *_ in v.violations] == [COMPANION, COMPANION]  # none left for the policy itself
    exempted = [m for *_, m in v.violations if f"[exempted until 2999-12-31: {IN_FORCE['reason']}] [{POLICY}] " in m]
    unused = [(u, m) for _, u, _, m in v.violations if "[exemption unused]" in m]
    assert len(exempted) == 1 and "0.0.0.0/0" in exempted[0]
    assert len(unused) == 1 and "no-such-*" in unused[0][1] and unused[0][0].endswith("pulumi:pulumi:Stack::eks-variants-public-managed")
    assert {lvl for _, _, lvl, _ in v.violations} == {"advisory"}


def test_an_expired_exemption_no_longer_applies_alike(cli_path, tmp_path, export):
    v = same_verdicts(cli_path, tmp_path, export,
                      {POLICY: {"enforcementLevel": "mandatory", "exemptions": [EXPIRED]}})
    assert v.failed
    [(policy, _urn, level, message)] = v.violations
    assert (policy, level) == (POLICY, "mandatory")
    assert f"[exemption expired 2020-01-31: {EXPIRED['reason']}] cluster eks" in message


@pytest.mark.parametrize("bad,cli_says,preflight_says", [
    ({"resource": "eks", "expires": "2999-12-31"}, "reason is required",
     f"{POLICY}: exemptions.0: reason is required"),
    ({"resource": "eks", "reason": "  ", "expires": "2999-12-31"}, "Does not match pattern",
     f"{POLICY}: exemptions.0.reason: Does not match pattern"),
    ({"resource": "eks", "reason": "x", "expires": "31/12/2999"}, "Does not match pattern",
     f"{POLICY}: exemptions.0.expires: Does not match pattern"),
    ({"resource": "eks", "reason": "x", "expires": "2027-02-30"}, "'2027-02-30' is not a date",
     f'policy config "{POLICY}".exemptions[0].expires: \'2027-02-30\' is not a date (YYYY-MM-DD)'),
], ids=["no-reason", "blank-reason", "bad-date-format", "no-such-day"])
def test_a_malformed_exemption_is_refused_by_both(cli_path, tmp_path, export, bad, cli_says, preflight_says):
    cfg = config_file(tmp_path, {POLICY: {"exemptions": [bad]}})
    got = PulumiCLI(cli_path, tmp_path / "cli").analyze(file=export, config=cfg)
    assert got.returncode != 0 and policy_events(got.stdout) == [] and cli_says in got.stderr, got.stderr
    pf = subprocess.run([sys.executable, "-m", "preflight", "--export", str(export), "--policy-config", str(cfg)],
                        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert pf.returncode == 2 and pf.stdout == "" and "Traceback" not in pf.stderr, pf.stderr
    [line] = pf.stderr.splitlines()
    assert line.startswith(f"preflight: {cfg}: ") and preflight_says in line, line


def test_a_pack_level_list_is_refused_by_the_engine(cli_path, tmp_path, export):
    """Why exemptions are not a top-level key: the engine refuses any top-level value that is not a string or an
    object, before the pack runs (so the CLI's own `exceptions` are not read from this file either)."""
    for key in ("exemptions", "exceptions"):
        cfg = config_file(tmp_path, {key: [dict(IN_FORCE, policy=POLICY)]}, f"{key}.json")
        got = PulumiCLI(cli_path, tmp_path / key).analyze(file=export, config=cfg)
        assert got.returncode == 1 and f'parsing "{key}"' in got.stderr and "must be a string or object" in got.stderr
