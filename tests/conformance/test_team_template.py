"""Self-service: the lean team template (`make team-template`) as the real CLI sees it.

`pulumi new <template> --generate-only` asks the Python language host to template the project
(project/newcmd/new.go: LanguageRuntime before anything is written), so a CLI without `pulumi-language-python`
(the one built here) cannot run it for a Python template: that step is measured, not faked. What the CLI can
do is the rest of the team's flow in the project `pulumi new` copies: `pulumi stack init`, `pulumi config set`
with the answers the template's `config:` prompts for, and the result is a stack preflight checks clean."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.conformance.pulumi_cli import REPO

ANSWERS = {"aws:region": "eu-west-1", "eks-variants:endpointAccess": "private", "eks-variants:dataPlane": "managed"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    out = tmp_path_factory.mktemp("template") / "team-template"
    proc = subprocess.run([sys.executable, "-m", "eks_variants", "team-template", str(out)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_pulumi_new_of_the_python_template_needs_the_language_host(cli, template, tmp_path):
    args = ["new", template, "--generate-only", "--yes", "--dir", tmp_path / "team", "--name", "payments-eks",
            "--stack", "payments"] + [a for k, v in ANSWERS.items() for a in ("-c", f"{k}={v}")]
    r = cli.run(*args)
    assert r.returncode != 0 and "pulumi-language-python" in r.stderr, r.stderr


def test_the_template_prompts_for_the_keys_a_team_must_answer(template):
    prompts = yaml.safe_load((template / "Pulumi.yaml").read_text())["template"]["config"]
    assert set(ANSWERS) <= set(prompts), prompts


def test_a_team_stack_made_with_the_real_cli_in_the_template_checks_clean(cli, template, tmp_path):
    project = tmp_path / "payments-eks"
    shutil.copytree(template, project)
    (project / ".venv").symlink_to(REPO / ".venv")  # what `pulumi install` makes from requirements.txt
    (project / "stacks").mkdir(exist_ok=True)
    cli.run("stack", "init", "payments", cwd=project).ok()
    for key, value in ANSWERS.items():
        cli.run("config", "set", key, value, cwd=project).ok()
    cli.run("config", "set", "--path", "eks-variants:tags.team", "payments", cwd=project).ok()
    stack_file = project / "stacks" / "Pulumi.payments.yaml"
    assert stack_file.exists()
    proc = subprocess.run([sys.executable, "-m", "preflight", "--program", str(project), "--config-file",
                           str(stack_file), "--json"], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)["results"][0]
    assert result["status"] == "checked" and result["mandatory"] == 0, result
    assert result["resources"] > 30
