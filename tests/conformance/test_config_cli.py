"""Stack files written by the real `pulumi config set` (strings, numbers and booleans as strings, `--path` nested
keys and lists, `--secret`) are read by preflight exactly as the CLI hands them to the program (`pulumi config
--json`: every key with Pulumi.yaml's defaults applied, structured values as JSON), and the program's typed
config accepts them: `preflight --config-file` checks the stack. A `secure:` value preflight cannot decrypt
offline is named in a clear error, never a traceback."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from preflight.inputs.stack_files import load_project, load_stack_file, runtime_config
from tests.conformance.pulumi_cli import REPO

SETTINGS = [
    ("aws:region", "eu-west-1"), ("eks-variants:endpointAccess", "private"), ("eks-variants:dataPlane", "managed"),
    ("eks-variants:availabilityZones", "2"), ("eks-variants:secretsEncryption", "false"),
    ("eks-variants:kubernetesVersion", "1.33"), ("eks-variants:vpcCidr", "10.42.0.0/16"),
]
PATH_SETTINGS = [
    ("eks-variants:nodes.minSize", "1"), ("eks-variants:nodes.desiredSize", "2"), ("eks-variants:nodes.maxSize", "3"),
    ("eks-variants:nodes.instanceTypes[0]", "m6i.large"), ("eks-variants:nodes.instanceTypes[1]", "m6a.large"),
    ("eks-variants:privateLink.extraServices[0]", "logs"), ("eks-variants:tags.team", "payments"),
    ("eks-variants:tags.cost-center", "1234"), ("eks-variants:deletionProtection", "false"),
]


@pytest.fixture
def team_stack(cli, tmp_path):
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    shutil.copy(REPO / "Pulumi.yaml", project / "Pulumi.yaml")
    cli.run("stack", "init", "team-payments", cwd=project).ok()
    for key, value in SETTINGS:
        cli.run("config", "set", key, value, cwd=project).ok()
    for key, value in PATH_SETTINGS:
        cli.run("config", "set", "--path", key, value, cwd=project).ok()
    return project


def _normal(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def test_preflight_reads_cli_written_config_as_the_cli_passes_it(cli, team_stack):
    shown = json.loads(cli.run("config", "--json", "--show-secrets", cwd=team_stack).ok().stdout)
    stack_file = team_stack / "stacks" / "Pulumi.team-payments.yaml"
    sf = load_stack_file(stack_file)
    ours, secret_keys, _ = runtime_config(sf.config, load_project(team_stack), stack=sf.name)
    assert set(ours) == set(shown)
    assert {k: _normal(v) for k, v in ours.items()} == {k: _normal(v["value"]) for k, v in shown.items()}
    assert secret_keys == []
    assert _normal(ours["eks-variants:nodes"]) == {"minSize": 1, "desiredSize": 2, "maxSize": 3,
                                                   "instanceTypes": ["m6i.large", "m6a.large"]}
    assert ours["eks-variants:availabilityZones"] == "2"  # written as a string; the typed config takes it


def test_the_program_accepts_cli_written_config(team_stack):
    stack_file = team_stack / "stacks" / "Pulumi.team-payments.yaml"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--config-file", str(stack_file), "--json"], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["results"][0]
    assert result["status"] == "checked" and result["mandatory"] == 0, result
    assert result["resources"] > 30


def test_a_secret_preflight_cannot_decrypt_is_named_in_a_clear_error(cli, team_stack):
    cli.run("config", "set", "--secret", "eks-variants:vpcCidr", "10.43.0.0/16", cwd=team_stack).ok()
    stack_file = team_stack / "stacks" / "Pulumi.team-payments.yaml"
    assert "secure:" in stack_file.read_text()
    assert json.loads(cli.run("config", "get", "eks-variants:vpcCidr", "--json", cwd=team_stack).ok().stdout) \
        == {"value": "10.43.0.0/16", "secret": True}
    proc = subprocess.run([sys.executable, "-m", "preflight", "--config-file", str(stack_file)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    line = next(x for x in proc.stderr.splitlines() if "eks-variants:vpcCidr:" in x)
    assert "the `secure:` value" in line and "cannot decrypt" in line, line
    assert "preflight-secret-placeholder" not in line, line
