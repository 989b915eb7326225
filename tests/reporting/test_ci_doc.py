"""docs/ci.md's jobs run what they say: every `.venv/bin/python -m preflight ...` line of its GitHub Actions and
GitLab CI jobs is run here (on two stacks instead of --all, outputs in a temporary folder, with a policy config
that exempts one violation) and what it writes is checked."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema

from tests.preflight.helpers import FIXTURES, REPO

DOC = REPO / "docs" / "ci.md"
STACKS = "--stack public-managed private-managed"
SARIF_SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def doc_commands() -> list[str]:
    lines = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cmd = re.sub(r"^\s*(- )?", "", line)
        if cmd.startswith(".venv/bin/python -m preflight"):
            lines.append(cmd)
    return lines


def runnable(cmd: str, out, cfg) -> str:
    cmd = re.sub(r"\s*\|\| (true|status=\$\?)$", "", cmd)
    cmd = re.sub(r"(\.\./)?preflight-out/", lambda m: f"{out}/", cmd)
    cmd = cmd.replace("policy-config.json", str(cfg)).replace("--all", STACKS)
    return cmd.replace(".venv/bin/python", sys.executable, 1)


def test_the_documented_commands_run_and_write_what_ci_reads(tmp_path):
    commands = doc_commands()
    kinds = {re.search(r"--(json|output \w+|report)", c).group(1) for c in commands}
    assert kinds == {"json", "output sarif", "output junit", "output github", "report"}, kinds
    out = tmp_path / "preflight-out"
    out.mkdir()
    cfg = tmp_path / "policy-config.json"
    cfg.write_text(json.dumps({"eks-public-access-cidrs": {"exemptions": [
        {"resource": "eks", "reason": "CI runners (TICKET-42)", "expires": "2999-12-31"}]}}), encoding="utf-8")
    # the baseline first (the jobs' first step), then the pull request's commands in their order
    ordered = sorted(commands, key=lambda c: "--json" not in c)
    printed = {}
    for cmd in ordered:
        r = subprocess.run(["bash", "-c", runnable(cmd, out, cfg)], cwd=REPO, capture_output=True, text=True,
                           timeout=300)
        assert r.returncode in (0, 1) and "Traceback" not in r.stderr, (cmd, r.stderr)
        printed[cmd] = r.stdout
    assert json.loads((out / "baseline.json").read_text())["summary"]["stacks"] == 2
    sarif = json.loads((out / "preflight.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    assert any(r.get("suppressions") for r in sarif["runs"][0]["results"])
    junit = ET.parse(out / "junit.xml").getroot()
    assert [s.get("name") for s in junit.iter("testsuite")] == ["public-managed", "private-managed"]
    annotations = next(v for c, v in printed.items() if "--output github" in c)
    assert annotations.startswith("::notice file=") and "EKSNET-012" in annotations
    index = (out / "report" / "index.md").read_text()
    assert "public-managed" in index and "private-managed" in index and (out / "report" / "report.json").exists()
