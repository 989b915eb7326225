"""Where preflight looks, as the Pulumi CLI does: run in a folder with a `Pulumi.yaml` (or below one) and no
`--program`, it checks that project and its `Pulumi.<stack>.yaml` files (in its stackConfigDir), as `pulumi
preview` would; `--all` and `--stack` apply to it. Outside any project it checks this repository, as before.

And the report plugin (preflight/output/report_plugin.py) a project names in its pyproject.toml, or none."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from preflight.output.report_plugin import NO_PLUGIN, load_plugin, plugin_setting
from tests.preflight.helpers import PACK, PROGRAM, REPO


def _preflight(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", "--policy-pack", str(PACK), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(PROGRAM, project)
    return project


def _sources(r: subprocess.CompletedProcess) -> list[str]:
    assert r.returncode in (0, 1), r.stderr
    return [x["source"] for x in json.loads(r.stdout)["results"]]


def test_in_a_project_folder_its_stacks_are_checked(tmp_path):
    project = _project(tmp_path)
    assert _sources(_preflight(project, "--all", "--json")) == ["dev", "prod"]
    assert _sources(_preflight(project, "--stack", "prod", "--json")) == ["prod"]


def test_below_a_project_folder_too(tmp_path):
    project = _project(tmp_path)
    assert _sources(_preflight(project / "netparts", "--stack", "dev", "--json")) == ["dev"]


def test_an_unknown_stack_names_the_projects_own(tmp_path):
    r = _preflight(_project(tmp_path), "--stack", "staging")
    assert r.returncode == 2
    assert "unknown stack 'staging'" in r.stderr and "known stacks: dev, prod" in r.stderr


def test_program_wins_over_the_working_folder(tmp_path):
    project = _project(tmp_path)
    r = subprocess.run([sys.executable, "-m", "preflight", "--program", str(REPO), "--stack", "dev"], cwd=project,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "unknown stack 'dev'" in r.stderr  # the repository has no dev stack


def test_outside_any_project_this_repository(tmp_path):
    r = _preflight(tmp_path, "--stack", "dev")
    assert r.returncode == 2 and "unknown stack 'dev'" in r.stderr
    assert "stacks/Pulumi.dev.yaml" in r.stderr and "private-managed" in r.stderr  # the repository's stacks


# The report plugin -------------------------------------------------------------------------------------

PLUGIN = '''
def text_sections(results):
    return [("all", "Every stack of the fixture", results)]
'''


def test_a_project_names_its_own_plugin(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.preflight]\nreport-plugin = "fixture_report"\n')
    (project / "fixture_report.py").write_text(PLUGIN)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(project), os.environ.get("PYTHONPATH", "")])}
    r = _preflight(project, "--all", env=env)
    assert r.stdout.startswith("Every stack of the fixture\n"), r.stdout + r.stderr
    assert plugin_setting(project / "netparts", REPO) == ("fixture_report", project / "pyproject.toml")


def test_no_plugin_plain_report_and_no_cost(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.preflight]\nreport-plugin = ""\n')
    assert load_plugin(project, REPO) is NO_PLUGIN
    r = _preflight(project, "--all", "--json", "--report", str(tmp_path / "report"))
    doc = json.loads(r.stdout)
    assert [x["source"] for x in doc["results"]] == ["dev", "prod"]
    assert all("cost" not in x and "variant" not in x for x in doc["results"])
    index = (tmp_path / "report" / "index.md").read_text()
    assert index.startswith("# Stacks\n") and "[dev](dev.md)" in index
    assert sorted(p.name for p in (tmp_path / "report").iterdir()) == ["dev.md", "index.md", "prod.md", "report.json"]
    assert "## Plan" in (tmp_path / "report" / "dev.md").read_text()
    r = _preflight(project, "--all", "--usage-file", str(tmp_path / "usage.yaml"))
    assert r.returncode == 2 and "no report plugin of this project estimates costs" in r.stderr


def test_a_plugin_that_cannot_be_imported_is_an_input_error(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.preflight]\nreport-plugin = "no_such_plugin"\n')
    r = _preflight(project, "--all")
    assert r.returncode == 2
    assert f"{project / 'pyproject.toml'}: [tool.preflight] report-plugin: cannot import no_such_plugin" in r.stderr


def test_without_a_setting_the_checkout_of_preflight_names_this_projects_plugin(tmp_path):
    assert plugin_setting(tmp_path, REPO) == ("eks_variants.report", REPO / "pyproject.toml")
