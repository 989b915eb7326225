"""docs/team-stacks.md ("A stack for your team", the README's team flow in full), tried as written: the scaffold
command, its output, preflight on the new stack, the refusal to overwrite, the bad-input lines, and the lean
`pulumi new` template's file set; the README's short version scaffolds with the same command."""
from __future__ import annotations

import importlib.metadata
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from eks_variants.team_template import (TEAM_TEMPLATE_ENTRIES, build, imported_top_level_modules,
                                        imported_top_level_modules_of)

REPO = Path(__file__).resolve().parent.parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = (REPO / "docs" / "team-stacks.md").read_text(encoding="utf-8")
README_SECTION = README[README.index("## A stack for your team"):README.index("## Deploying for real")]


def block_after(marker: str, nth: int = 0) -> str:
    """The nth fenced block after marker in docs/team-stacks.md."""
    return re.findall(r"```\w*\n(.*?)```", SECTION[SECTION.index(marker):], flags=re.S)[nth]


def python_command(project: Path, line: str) -> list[str]:
    """The doc's `.venv/bin/python -m eks_variants ...` line, run with this interpreter on the test project."""
    text = line.strip()
    if text.startswith("#"):  # "# the same: .venv/bin/python -m ..."
        text = text.split(":", 1)[1]
    words = shlex.split(text)
    assert words[:3] == [".venv/bin/python", "-m", "eks_variants"], words
    return [sys.executable, *words[1:], "--program", str(project)]


def run(project: Path, command: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)


def test_the_scaffold_command_as_the_docs_show_it(project):
    commands = block_after("**1. Scaffold the stack file**").splitlines()
    make = shlex.split(commands[0])
    assert make[:2] == ["make", "stack"]
    make_args = dict(word.split("=", 1) for word in make[2:])
    same = python_command(project, commands[1])
    assert same[3:9] == ["new-stack", make_args["NAME"], "--variant", make_args["VARIANT"], "--region",
                         make_args["REGION"]]
    # The README's short team flow scaffolds with the same command.
    assert commands[0] in re.findall(r"```sh\n\s*(.*?)\n\s*```", README_SECTION, flags=re.S)
    # The Makefile's recipe runs that command.
    assert '-m eks_variants new-stack "$(NAME)" --variant "$(VARIANT)" --region "$(REGION)"' in (
        REPO / "Makefile").read_text()

    done = run(project, same)
    assert done.returncode == 0, done.stderr
    shown = [line for line in block_after("**1. Scaffold the stack file**", 1).splitlines()
             if not line.startswith("...")]
    # The cost line's figure follows the price file (docs/report.md); its form is what the doc shows.
    cost_shown = [line for line in shown if line.startswith("estimated monthly cost: ")]
    assert len(cost_shown) == 1
    shown = [line for line in shown if line not in cost_shown]
    cost_printed = [line for line in done.stdout.splitlines() if line.startswith("estimated monthly cost: ")]
    assert len(cost_printed) == 1 and re.fullmatch(
        r"estimated monthly cost: \$[\d,]+\.\d\d \(preflight --report; usage-priced items not included\)",
        cost_printed[0]), done.stdout
    assert shown[0].startswith("wrote stacks/Pulumi.team-payments.yaml") and len(shown) >= 6
    actual = done.stdout.splitlines()
    positions = [actual.index(line) for line in shown]  # every line shown is printed, in that order
    assert positions == sorted(positions)
    path = project / "stacks" / "Pulumi.team-payments.yaml"
    assert path.is_file()

    # new-stack ran preflight on the file it wrote (its report is part of the output above).
    assert [line for line in actual if re.fullmatch(r"team-payments: \d+ resources checked, no policy violations", line)]

    before = path.read_text()
    again = run(project, same)
    refusal = re.search(r"It never overwrites: run it again and it says\n`(.*?)`", SECTION, flags=re.S).group(1)
    assert again.returncode == 2 and again.stderr.strip() == refusal.replace("\n", " ")
    assert path.read_text() == before


def test_bad_input_prints_the_lines_the_docs_show(project):
    shown = block_after("nothing written:").strip().splitlines()
    done = run(project, [sys.executable, "-m", "eks_variants", "new-stack", "payments", "--variant", "private-managed",
                         "--region", "eu-wset-1", "--set", "nodes.maxSise=6", "--program", str(project)])
    assert done.returncode == 2
    assert done.stderr.splitlines() == shown
    assert not (project / "stacks" / "Pulumi.team-payments.yaml").exists()


@pytest.fixture(scope="module")
def team_template(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("team") / "team-template"
    build(target)
    return target


def test_the_team_template_holds_what_the_docs_list(team_template):
    listed = block_after("it holds exactly:").split()
    assert listed == list(TEAM_TEMPLATE_ENTRIES)
    top = sorted(p.name + ("/" if p.is_dir() else "") for p in team_template.iterdir())
    assert top == sorted(listed)
    files = [p.relative_to(team_template).as_posix() for p in team_template.rglob("*") if p.is_file()]
    assert not [f for f in files if re.search(r"(^|/)(tests?|bench|preflight|docs|fixtures|__pycache__)/", f)]
    assert "components/variant.py" in files and "policies/PulumiPolicy.yaml" in files


def test_the_team_templates_requirements_cover_every_import(team_template):
    requirements = (team_template / "requirements.txt").read_text()
    pinned = {re.sub(r"[-_.]+", "-", m).lower() for m in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", requirements,
                                                                      flags=re.M)}
    provided = {module for module, dists in importlib.metadata.packages_distributions().items()
                if any(re.sub(r"[-_.]+", "-", d).lower() in pinned for d in dists)}
    program = [p for p in team_template.iterdir() if p.name not in ("policies", "stacks")]  # the pack has its own
    local = {p.name for p in program if p.is_dir()}
    imported = set().union(*(imported_top_level_modules(p) if p.is_dir() else imported_top_level_modules_of(p)
                             for p in program))
    missing = imported - local - set(sys.stdlib_module_names) - {"__future__"} - provided
    assert missing == set()
    assert {"pulumi", "pulumi-aws", "pulumi-eks", "pydantic"} <= pinned
    assert not {"pytest", "jsonschema", "jinja2"} & pinned  # development tools stay here


def test_the_team_template_runs_and_passes_preflight_on_its_own(team_template, tmp_path):
    project = shutil.copytree(team_template, tmp_path / "payments-eks")
    # The environment `pulumi install` would make from its requirements.txt: this project's, a superset.
    (project / ".venv").symlink_to(REPO / ".venv")
    done = subprocess.run([sys.executable, "-m", "preflight", "--program", str(project),
                           "--policy-pack", str(project / "policies"),
                           "--config-file", str(REPO / "stacks" / "Pulumi.private-managed.yaml")],
                          capture_output=True, text=True, timeout=300, cwd=project)
    assert done.returncode == 0, done.stderr
    assert "1 stack checked: 0 mandatory" in done.stdout
