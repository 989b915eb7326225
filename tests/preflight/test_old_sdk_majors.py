"""Programs pinned to older SDK majors (issue 22, class 8): they run, or preflight says in one line which
versions it needs.

tests/preflight/fixtures/program_envs/old-majors is a pulumi-eks 1.0.4 program on pulumi-aws 5.43.0 and pulumi
3.51.1, in its own virtualenv (built from its requirements.lock by `make program-envs`). It is recorded with
those SDKs and judged as AWS documents: a public+private cluster whose default node group runs in private
subnets behind a NAT gateway passes (Amazon EKS User Guide, cluster-endpoint and private-clusters: nodes with
egress need no endpoints); a private-only cluster whose managed node group runs in public subnets fails
eks-private-endpoint-node-subnets (this pack's posture, docs/policies.md). SDKs older than the supported majors
are refused with exit 2 and one line naming every minimum.
"""
from __future__ import annotations

import json
import subprocess
import sys
import venv

import pytest

from preflight.program.python_env import OLDEST_MAJORS
from tests.preflight.helpers import FIXTURES, REPO

OLD_MAJORS = FIXTURES / "program_envs" / "old-majors"


def preflight(program, *args):
    return subprocess.run([sys.executable, "-m", "preflight", "--program", str(program), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def test_a_pulumi_eks_1_program_on_pulumi_aws_5_is_recorded_with_its_own_sdks_and_judged(tmp_path):
    if not (OLD_MAJORS / "venv" / ".installed-from-lock").is_file():
        pytest.fail(f"{OLD_MAJORS}/venv is not built: run `make program-envs` (make test does)")
    run = preflight(OLD_MAJORS, "--all", "--json", "--write-export", str(tmp_path))
    assert run.returncode == 1, run.stderr
    results = {r["stack"]: r for r in json.loads(run.stdout)["results"]}
    assert results["default"]["status"] == "checked" and results["default"]["violations"] == []
    failing = {(v["policy"], v["enforcementLevel"]) for v in results["managed-public"]["violations"]}
    assert failing == {("eks-private-endpoint-node-subnets", "mandatory")}
    for stack in ("default", "managed-public"):
        resources = json.loads((tmp_path / f"{stack}.json").read_text())["deployment"]["resources"]
        root = next(r for r in resources if r["type"] == "pulumi:pulumi:Stack")
        assert root["outputs"]["sdks"] == {"pulumi": "3.51.1", "pulumi-aws": "5.43.0", "pulumi-eks": "1.0.4"}
        types = {r["type"] for r in resources}
        assert {"eks:index:Cluster", "aws:ec2/natGateway:NatGateway"} <= types
        provider = next(r for r in resources if r["type"] == "pulumi:providers:aws")
        assert provider["urn"].endswith("::default_5_43_0")


def _fake_env(folder, **versions):
    """A virtualenv whose site-packages hold only distribution metadata: what the version probe reads."""
    venv.create(folder, with_pip=False)
    site = next(folder.glob("lib/python3*/site-packages"))
    for name, version in versions.items():
        dist = site / f"{name.replace('-', '_')}-{version}.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


@pytest.mark.parametrize("sdks,named", [
    ({"pulumi-aws": "4.38.1"}, "pulumi-aws 4.38.1"),
    ({"pulumi-aws": "6.5.0", "pulumi-eks": "0.42.7"}, "pulumi-eks 0.42.7"),
])
def test_older_majors_are_refused_in_one_line_naming_every_minimum(tmp_path, sdks, named):
    program = tmp_path / "prog"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: legacy\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n")
    (program / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (program / "__main__.py").write_text("raise SystemExit('never runs')\n")
    _fake_env(program / "venv", pulumi="3.100.0", **sdks)
    run = preflight(program, "--stack", "dev")
    assert run.returncode == 2, run.stderr
    lines = [line for line in run.stderr.splitlines() if named in line]
    assert len(lines) == 1 and "Traceback" not in run.stderr
    for name, major in OLDEST_MAJORS.items():
        assert f"{name} {major} or newer" in lines[0]
    assert "pulumi >=3.51.0,<4" in lines[0]
