"""Shared paths and the CLI runner for preflight tests."""
import os
import subprocess
import sys
from pathlib import Path



HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = HERE / "fixtures"
PROGRAM = FIXTURES / "program"
PACK = FIXTURES / "pack"

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def run_cli(*args, cwd=None, timeout=120):
    cmd = [sys.executable, "-m", "preflight", "--program", str(PROGRAM), *args]
    if "--policy-pack" not in args:
        cmd += ["--policy-pack", str(PACK)]
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(cmd, cwd=cwd or REPO, capture_output=True, text=True, timeout=timeout, env=env)
