"""Shared paths and the CLI runner for preflight tests."""
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = HERE / "fixtures"
PROGRAM = FIXTURES / "program"
PACK = FIXTURES / "pack"


def run_cli(*args, cwd=None, timeout=120):
    cmd = [sys.executable, "-m", "preflight", "--program", str(PROGRAM), *args]
    if "--policy-pack" not in args:
        cmd += ["--policy-pack", str(PACK)]
    return subprocess.run(cmd, cwd=cwd or REPO, capture_output=True, text=True, timeout=timeout)
