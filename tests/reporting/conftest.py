import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
STACKS = HERE / "stacks"
COST_STACKS = ("cost-private-managed", "cost-public-fargate", "cost-public-self-managed", "cost-unpriced",
               "cost-spot-mixed")


def run_preflight(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="session")
def recorded(tmp_path_factory):
    """The cost fixtures recorded once by preflight itself (--write-export), read back as RecordedStacks."""
    from preflight.inputs.stack_export import read_export
    out = tmp_path_factory.mktemp("exports")
    args = [a for name in COST_STACKS for a in ("--config-file", str(STACKS / f"Pulumi.{name}.yaml"))]
    done = run_preflight(*args, "--write-export", str(out))
    assert done.returncode == 0, done.stderr
    return {name: read_export(str(out / f"{name}.json")) for name in COST_STACKS}
