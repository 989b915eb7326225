"""Run `python -m preflight` in this process on generated documents (tests/fuzz/test_state_properties.py and
`make fuzz`): the run's exit status, stderr and --json verdict."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from preflight.cli import main

REPO = Path(__file__).resolve().parents[2]
BASE_STACK = "private-managed"


def base_export(work: Path) -> dict:
    """A real recorded export (preview) of a reference stack: the template every generated document starts from."""
    proc = subprocess.run([sys.executable, "-m", "preflight", "--stack", BASE_STACK, "--write-export", str(work)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads((work / f"{BASE_STACK}.json").read_text())


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as e:  # argparse
            code = e.code if isinstance(e.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def run_export(doc, *, report: bool = False, raw: bytes = None) -> tuple[int, str, str, Path]:
    """Write `doc` (or `raw` bytes) as an export file and analyze it (with --report when asked)."""
    work = Path(tempfile.mkdtemp(prefix="state-"))
    path = work / "export.json"
    path.write_bytes(raw if raw is not None else json.dumps(doc).encode())
    args = ["--export", str(path), "--json"] + (["--report", str(work / "report")] if report else [])
    code, out, err = run(args)
    return code, out, err, path


def verdict(stdout: str) -> list:
    doc = json.loads(stdout)
    return sorted((v["policy"], v["enforcementLevel"], v["urn"]) for r in doc["results"] for v in r["violations"])


def crashed(code: int, err: str) -> bool:
    return "Traceback (most recent call last)" in err or "internal error" in err or code not in (0, 1, 2)
