"""docs/ci.md's GitHub Actions job must be valid YAML and use only flags preflight has."""
import re

import yaml

from preflight.cli import build_parser

from .conftest import REPO


def test_ci_job_is_valid_yaml_with_real_preflight_flags():
    text = (REPO / "docs" / "ci.md").read_text()
    github, gitlab = (yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)[:2])
    steps = github["jobs"]["preflight"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "--report preflight-out/report" in runs and "--baseline" in runs and "$GITHUB_STEP_SUMMARY" in runs
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)
    assert gitlab["preflight"]["artifacts"]["reports"]["junit"] == "preflight-out/junit.xml"
    runs += "\n" + "\n".join(gitlab["preflight"]["script"])
    known = {opt for action in build_parser()._actions for opt in action.option_strings}
    used = set(re.findall(r"(?<=\s)--[a-z-]+", " ".join(line for line in runs.splitlines() if "-m preflight" in line
                                                            or line.strip().startswith("--"))))
    assert used and used <= known, used - known
