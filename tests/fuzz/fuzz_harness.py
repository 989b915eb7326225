"""Run generated inputs (fuzz_inputs) through `python -m preflight`, one subprocess each, and judge them.

Per input: a time limit (a hang is killed with its whole process group), the exit status the case
expects, stderr naming the input file (at most once a line) and what the case lists, no traceback and
no "internal error", no process left behind (every run carries a token in its environment, which the
pack and any worker inherit; /proc is scanned for it after the run), and nothing written outside the
run's output folder (the input folder and the repository's `git status` are compared before and after).
"""
from __future__ import annotations

import concurrent.futures
import dataclasses
import json
import os
import re
import shlex
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Optional

from tests.fuzz.fuzz_case import Case

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "policies"
TIME_LIMIT = 90.0  # seconds per input; a run that needs longer is a hang
PIPE_TIMEOUT = "2"  # PREFLIGHT_PIPE_TIMEOUT for the runs: a FIFO nobody writes costs 2 s, not 30
BASE_STACK = "public-managed"
BASE_POLICY = {"eks-public-access-cidrs": {"enforcementLevel": "mandatory", "allowedCidrs": ["10.0.0.0/8"]},
               "eks-resource-names": "advisory"}
# The size limits preflight documents (preflight/inputs/stack_export.py, stack_files.py, policy config).
LIMITS = {"export": 512 * 2 ** 20, "stack": 16 * 2 ** 20, "policy": 16 * 2 ** 20, "project": 16 * 2 ** 20}


@dataclasses.dataclass
class Outcome:
    case: Case
    code: Optional[int]
    stderr: str
    seconds: float
    problems: list  # what went wrong, by category: crash, hang, exit, unnamed, twice, leak, write


def prepare_bases(work: Path) -> dict:
    """The valid inputs the cases are made from: a real recorded export, a real stack file, a policy config."""
    out = work / "base"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--stack", BASE_STACK, "--write-export", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    export = json.loads((out / f"{BASE_STACK}.json").read_text())
    (work / "base-export.json").write_text(json.dumps(export))
    return {"export": export, "stack": (REPO / "stacks" / f"Pulumi.{BASE_STACK}.yaml").read_text(),
            "policy": BASE_POLICY, "export_path": str(work / "base-export.json")}


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=REPO,
                          capture_output=True, text=True).stdout


def _tree(d: Path) -> dict:
    out = {}
    for p in d.rglob("*"):
        try:
            st = p.lstat()
            # (a FIFO's times change when it is written: only what it is counts)
            out[str(p.relative_to(d))] = st.st_mode if stat.S_ISFIFO(st.st_mode) else (
                st.st_mode, st.st_size, st.st_mtime_ns)
        except OSError:
            pass
    return out


def _processes_with(token: bytes) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as f:
                    if token in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def _feed_fifo(path: Path, data: bytes, deadline: float) -> None:
    """Write `data` into the FIFO once a reader opens it (never blocks past `deadline`)."""
    while time.monotonic() < deadline:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no reader yet
            time.sleep(0.05)
            continue
        os.set_blocking(fd, True)
        try:
            os.write(fd, data)
        except BrokenPipeError:
            pass
        finally:
            os.close(fd)
        return


def _input_path(case: Case, inputs: Path) -> Path:
    if case.kind == "export":
        return inputs / "export.json"
    if case.kind == "policy":
        return inputs / "policy.json"
    if case.kind == "project":
        (inputs / "program").mkdir()
        return inputs / "program" / "Pulumi.yaml"
    return inputs / f"Pulumi.{case.stack_name}.yaml"


def _make_input(case: Case, path: Path, threads: list) -> None:
    s = case.special
    if s is None:
        path.write_bytes(case.content)
    elif s in ("fifo-silent", "fifo-writer"):
        os.mkfifo(path)
        if s == "fifo-writer":
            th = threading.Thread(target=_feed_fifo, args=(path, case.content, time.monotonic() + TIME_LIMIT),
                                  daemon=True)
            th.start()
            threads.append(th)
    elif s == "procsub":
        path.with_suffix(".src").write_bytes(case.content)
    elif s == "dir":
        path.mkdir()
    elif s == "devzero":
        path.symlink_to("/dev/zero")
    elif s == "symlink-loop":
        path.symlink_to(path.name)
    elif s == "sparse":
        with open(path, "wb") as f:
            f.truncate(LIMITS[case.kind] + 1)
    else:
        raise AssertionError(s)


def _command(case: Case, path: Path, bases: dict, out: Path) -> list[str]:
    procsub = f"<(cat {shlex.quote(str(path.with_suffix('.src')))})"  # bash hands preflight /dev/fd/63
    arg = procsub if case.special == "procsub" else str(path)
    if case.kind == "export":
        args = ["--export", arg]
    elif case.kind == "policy":
        args = ["--export", bases["export_path"], "--policy-config", arg]
    elif case.kind == "project":
        args = ["--program", str(path.parent), "--all"]
    else:
        args = ["--program", str(REPO), "--config-file", arg, "--write-export", str(out)]
    cmd = [sys.executable, "-m", "preflight", "--policy-pack", str(PACK), *args]
    if case.special == "procsub":
        return ["bash", "-c", "exec " + " ".join(a if a == procsub else shlex.quote(a) for a in cmd)]
    return cmd


def run_case(case: Case, bases: dict, root: Path) -> Outcome:
    work = Path(tempfile.mkdtemp(prefix="case-", dir=root))
    inputs, out = work / "in", work / "out"
    inputs.mkdir()
    out.mkdir()
    threads: list = []
    path = _input_path(case, inputs)
    _make_input(case, path, threads)
    before_inputs, before_git = _tree(inputs), _git_status()
    token = f"preflight-fuzz-{uuid.uuid4().hex}"
    env = dict(os.environ, PREFLIGHT_FUZZ_RUN=token, PREFLIGHT_PIPE_TIMEOUT=PIPE_TIMEOUT)
    t0 = time.monotonic()
    proc = subprocess.Popen(_command(case, path, bases, out), cwd=out, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
    problems = []
    try:
        _, err = proc.communicate(timeout=TIME_LIMIT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        problems.append(("hang", f"no exit within {TIME_LIMIT:.0f} s"))
    seconds = time.monotonic() - t0
    stderr = err.decode("utf-8", "replace")
    code = proc.returncode
    leaked: list[int] = []
    for _ in range(30):  # the pack dies with preflight (SIGTERM, or PR_SET_PDEATHSIG): allow it 3 s
        leaked = _processes_with(token.encode())
        if not leaked:
            break
        time.sleep(0.1)
    if leaked:
        problems.append(("leak", f"processes left: {leaked}"))
        for pid in leaked:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if not any(p[0] == "hang" for p in problems):
        problems += _judge(case, code, stderr, path)
    if _tree(inputs) != before_inputs or _git_status() != before_git:
        problems.append(("write", "files changed outside the output folder"))
    written_here = {p for p in _tree(out)}
    if case.kind != "stack" and written_here:
        problems.append(("write", f"files written without --write-export: {sorted(written_here)[:3]}"))
    return Outcome(case, code, stderr, seconds, problems)


def _judge(case: Case, code: Optional[int], stderr: str, path: Path) -> list:
    if "Traceback (most recent call last)" in stderr or "internal error" in stderr or code not in (0, 1, 2):
        return [("crash", f"exit {code}: {_tail(stderr)}")]
    if case.expect == "accept":
        return [] if code in (0, 1) else [("exit", f"expected a verdict (0/1), got {code}: {_tail(stderr)}")]
    if case.expect == "judge" and code in (0, 1):
        return []
    if code != 2:
        return [("exit", f"expected exit 2, got {code}")]
    named = str(path.parent.name if case.kind == "project" else path.name)
    missing = [n for n in (named, *case.names) if n not in stderr]
    if missing:
        return [("unnamed", f"stderr does not name {missing}: {_tail(stderr)}")]
    # Each line names the input once: `file: file: problem` (a prefix added twice) is a defect.
    once = f"{path.parent.name}/{path.name}" if case.kind == "project" else path.name
    twice = [line for line in stderr.splitlines() if line.count(once) > 1]
    return [("twice", f"a line names {once} more than once: {twice[0]}")] if twice else []


def _tail(text: str) -> str:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return " | ".join(lines[-3:])[:400]


def run_all(cases: list[Case], bases: dict, root: Path, workers: int = 2, progress=None) -> list[Outcome]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_case, c, bases, root) for c in cases]
        outcomes = []
        for f in futures:
            outcomes.append(f.result())
            if progress:
                progress(outcomes[-1])
    return outcomes


def error_messages(outcomes: list[Outcome]) -> set[str]:
    """The distinct error lines, with paths, numbers and quoted values made generic."""
    out = set()
    for o in outcomes:
        for line in o.stderr.splitlines():
            if line.startswith("preflight: ") and o.code == 2:
                line = re.sub(r"/\S+", "<path>", line)
                line = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "<value>", line)
                out.add(re.sub(r"\d+", "N", line))
    return out


def summary(outcomes: list[Outcome]) -> str:
    count = lambda kind: sum(any(p[0] == kind for p in o.problems) for o in outcomes)  # noqa: E731
    return (f"{len(outcomes)} inputs, {count('crash')} crashes, {count('hang')} hangs, "
            f"{count('exit')} wrong exit codes, {count('leak')} leaked processes\n"
            f"{count('unnamed')} errors not naming their input, {count('twice')} naming it twice, "
            f"{count('write')} writes outside the output folder; "
            f"{len(error_messages(outcomes))} distinct error messages")
