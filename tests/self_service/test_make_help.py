"""`make help` lists every target that has a `## target: description` line, and the folders documented commands
write into (`--write-export out/` in docs/checking.md, `make team-template` in docs/team-stacks.md) are
git-ignored."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
MAKEFILE = (REPO / "Makefile").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_help_lists_every_documented_target():
    documented = re.findall(r"^## ([a-z-]+): ", MAKEFILE, flags=re.M)
    targets = set(re.findall(r"^([a-z][a-z-]*):(?!=)", MAKEFILE, flags=re.M))
    expected = [name for name in documented if name in targets]
    assert {"help", "env", "preflight", "test", "stack", "schema", "team-template"} <= set(expected)
    out = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True, timeout=60).stdout
    listed = [line.split()[1] for line in out.splitlines()]
    assert listed == expected
    assert "  make stack          a team stack file: make stack NAME=payments" in out


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("path", ["out/private-fargate.json", "out/team-template/Pulumi.yaml"])
def test_generated_output_is_git_ignored(path):
    assert subprocess.run(["git", "check-ignore", "-q", path], cwd=REPO, timeout=30).returncode == 0
    assert "--write-export out/" in (REPO / "docs" / "checking.md").read_text()
    assert "`make team-template` builds the lean\ntemplate in `out/team-template/`" in (
        REPO / "docs" / "team-stacks.md").read_text()
