"""Policy config keys naming no policy of the pack (contracts.md §5), under the real CLI and preflight.

The CLI sends every key of --policy-pack-config on to the pack's Configure (ReconcilePolicyPackConfig), so the
pack decides, and both routes give the same verdict: a misspelt key fails (the CLI: `error: ... configuring policy
pack "eks-network-guardrails": policy config names no policy ...`, exit 1; preflight: one line naming the file,
exit 2), each naming the key and the closest policy name; a renamed policy's old name applies to the policy
with a note (the CLI shows the pack's stderr line; preflight prints the note Configure returned); a key naming no
policy and setting no enforcementLevel is refused by the CLI itself (`invalid enforcement level ""`) and by
preflight naming the key."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from preflight.inputs.stack_export import write_export
from preflight.program.record import record_program
from tests.conformance.pulumi_cli import REPO, PulumiCLI, policy_events
from tests.policies.config_name_cases import ALIASES, misspellings, failing_case
from tests.policies.fixture_cases import PROGRAM

PACK_NAME = "eks-network-guardrails"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict:
    """{policy: an export whose one mandatory violation is that policy's}, for every renamed policy."""
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for new in sorted(set(ALIASES.values())):
        st = record_program(PROGRAM, "fixture", failing_case(new).config("raw"), preview=False)
        out[new] = write_export(st, folder / f"{new}.json")
    return out


def preflight(export, config_file) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", "--export", str(export), "--policy-config",
                           str(config_file), "--json"], cwd=REPO, capture_output=True, text=True, timeout=300)


def config_file(tmp_path, config, name="policy-config.json"):
    path = tmp_path / name
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def levels_of(events, policy):
    return sorted({level for p, _urn, level, _msg in events if p == policy})


def preflight_levels(stdout, policy):
    report = json.loads(stdout)
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("policy") == policy and "enforcementLevel" in node:
                found.append(node["enforcementLevel"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(report)
    return sorted(set(found))


@pytest.mark.parametrize("old", sorted(ALIASES))
def test_an_old_name_applies_with_a_note_under_both(old, cli_path, tmp_path, exports):
    new = ALIASES[old]
    export = exports[new]
    note = f'note: policy config key "{old}" is the old name of policy "{new}"'
    # without config the violation is mandatory under both routes
    base = PulumiCLI(cli_path, tmp_path / "base").analyze(file=export)
    assert base.returncode == 1 and levels_of(policy_events(base.stdout), new) == ["mandatory"], base.stderr
    cfg = config_file(tmp_path, {old: "advisory"})
    got = PulumiCLI(cli_path, tmp_path / "cli").analyze(file=export, config=cfg)
    assert got.returncode == 0, got.stderr
    assert levels_of(policy_events(got.stdout), new) == ["advisory"]
    assert note in got.stderr, got.stderr
    pf = preflight(export, cfg)
    assert pf.returncode == 0, pf.stderr
    assert preflight_levels(pf.stdout, new) == ["advisory"]
    assert f"preflight: {note}" in pf.stderr, pf.stderr
    assert "warning" not in pf.stderr, pf.stderr


@pytest.mark.parametrize("key,source", misspellings(), ids=lambda v: v)
def test_a_misspelt_key_is_refused_naming_it_under_both(key, source, cli_path, tmp_path, exports):
    export = next(iter(exports.values()))
    cfg = config_file(tmp_path, {key: "advisory"})
    suggestion = f'"{key}" (did you mean "{ALIASES.get(source, source)}"?)'
    got = PulumiCLI(cli_path, tmp_path).analyze(file=export, config=cfg)
    assert got.returncode == 1 and policy_events(got.stdout) == [], got.stderr
    lines = [line for line in got.stderr.splitlines() if line.strip()]
    assert lines == [f'error: loading policy packs: configuring policy pack "{PACK_NAME}": policy config names no '
                     f"policy of pack {PACK_NAME}: {suggestion}"], got.stderr
    pf = preflight(export, cfg)
    assert pf.returncode == 2 and pf.stdout == "", pf.stderr
    assert pf.stderr.splitlines() == [f"preflight: {cfg}: policy config names no policy of pack {PACK_NAME}: "
                                      f"{suggestion}"], pf.stderr


def test_a_key_naming_no_policy_without_a_level_is_refused_under_both(cli_path, tmp_path, exports):
    export = next(iter(exports.values()))
    key = sorted(ALIASES)[0]
    cfg = config_file(tmp_path, {key: {"requiredServices": ["ec2"]}})
    got = PulumiCLI(cli_path, tmp_path).analyze(file=export, config=cfg)
    assert got.returncode == 1 and 'invalid enforcement level ""' in got.stderr, got.stderr
    pf = preflight(export, cfg)
    assert pf.returncode == 2, pf.stderr
    [line] = pf.stderr.splitlines()
    assert line.startswith(f'preflight: {cfg}: policy config key "{key}" names no policy of pack {PACK_NAME}')


def test_all_and_null_are_not_unknown_names(cli_path, tmp_path, exports):
    export = next(iter(exports.values()))
    for n, config in enumerate([{"all": "advisory"}, None]):
        cfg = config_file(tmp_path, config, f"c{n}.json")
        got = PulumiCLI(cli_path, tmp_path / str(n)).analyze(file=export, config=cfg)
        pf = preflight(export, cfg)
        assert (got.returncode, pf.returncode) == ((0, 0) if config else (1, 1)), (got.stderr, pf.stderr)
        assert "names no policy" not in got.stderr + pf.stderr
