"""--jobs N: stacks recorded in forked workers give exactly what a sequential run gives; workers that
fail or die are reported per stack; every worker and the pack are always stopped and reaped."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.preflight.helpers import PACK, PROGRAM, REPO

from preflight.run.workers import Crashed, ForkPool, fork_available

pytestmark = pytest.mark.skipif(not fork_available(), reason="os.fork is not available")

TIMES = re.compile(r" \(\d+\.\d\d s\)$")


def _cli(*args, program=None, pack=None, timeout=180):
    cmd = [sys.executable, "-m", "preflight", *args]
    if program is not None:
        cmd += ["--program", str(program), "--policy-pack", str(pack or PACK)]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout)


def _lines(stderr: str) -> list[str]:
    """stderr lines without the per-stack seconds, which differ from run to run."""
    return [TIMES.sub("", line) for line in stderr.splitlines()]


def _program_with(tmp_path, **stacks):
    """A copy of the fixture program with extra stack files `name=config-yaml-text`."""
    prog = tmp_path / "prog"
    shutil.copytree(PROGRAM, prog)
    for name, text in stacks.items():
        (prog / "stacks" / f"Pulumi.{name.replace('_', '-')}.yaml").write_text(text)
    return prog


DEV = (PROGRAM / "stacks" / "Pulumi.dev.yaml").read_text()


def _failing(mode: str) -> str:
    return (f"config:\n  fixture-net:fail: {mode}\n  fixture-net:network: {{cidr: 1, dns: true}}\n"
            "  fixture-net:public: true\n")


def test_jobs_1_and_2_give_identical_json_for_the_projects_twelve_stacks():
    seq = _cli("--all", "--json", "--jobs", "1")
    par = _cli("--all", "--json", "--jobs", "2")
    assert seq.returncode == par.returncode and seq.returncode in (0, 1), (seq.stderr, par.stderr)
    assert par.stdout == seq.stdout
    assert len(json.loads(par.stdout)["results"]) == 12
    progress = [line for line in _lines(seq.stderr) if re.match(r"preflight: \[\d+/12\]", line)]
    assert len(progress) == 12
    assert [line for line in _lines(par.stderr) if line in progress] == progress  # in stack order


def test_debug_says_when_workers_are_used(tmp_path):
    prog = _program_with(tmp_path, w_dev2=DEV)
    r = _cli("--all", "--json", "--jobs", "2", "--debug", program=prog)
    assert "recording 2 stacks in 2 forked worker processes" in r.stderr, r.stderr
    seq = _cli("--all", "--json", "--jobs", "1", "--debug", program=prog)
    assert "forked worker" not in seq.stderr
    assert r.stdout == seq.stdout
    one = _cli("--stack", "dev", "--json", "--debug", program=prog)  # one stack: always in-process
    assert "forked worker" not in one.stderr


def test_input_errors_in_workers_are_reported_exactly_as_sequentially(tmp_path):
    prog = _program_with(tmp_path, w_dev2=DEV, x_crash=_failing("crash"), x_problems=_failing("problems"),
                         y_badyaml="config: [unclosed\n",
                         z_wrongtype=DEV.replace("azCount: 3", "azCount: lots"))
    for fmt in ([], ["--json"]):
        seq = _cli("--all", "--jobs", "1", *fmt, program=prog)
        par = _cli("--all", "--jobs", "2", *fmt, program=prog)
        assert seq.returncode == par.returncode == 2
        assert par.stdout == seq.stdout
        assert "Traceback" not in par.stderr
        # Progress lines come from the analysis thread, so their interleaving with the error lines
        # varies in both modes; the lines themselves do not.
        assert sorted(_lines(par.stderr)) == sorted(_lines(seq.stderr))
    assert "Pulumi.x-crash.yaml: the program failed: ZeroDivisionError: deliberate crash" in par.stderr
    assert "Pulumi.x-problems.yaml: fixture-net:azCount: 9 is too many" in par.stderr
    assert "malformed YAML" in par.stderr
    assert "'fixture-net:azCount' must be of type 'integer'" in par.stderr
    assert "dev: fixture-net:token is a secret" in par.stderr  # a worker's own stderr, replayed
    # Every input is in `results` (schema version 2), the unusable ones with status "error".
    assert [(x["source"], x["status"]) for x in json.loads(par.stdout)["results"]] == [
        ("dev", "checked"), ("prod", "checked"), ("w-dev2", "checked"), ("x-crash", "error"),
        ("x-problems", "error"), ("y-badyaml", "error"), ("z-wrongtype", "error")]
    human = _cli("--all", "--jobs", "2", program=prog)
    assert re.search(r"4 inputs could not be used: x-crash, x-problems, \S+/Pulumi\.y-badyaml\.yaml, "
                     r"z-wrongtype$", human.stdout.rstrip()), human.stdout
    dbg = _cli("--all", "--jobs", "2", "--debug", program=prog)
    assert "Traceback" in dbg.stderr and "ZeroDivisionError" in dbg.stderr


def test_each_stack_still_gets_fresh_program_modules_in_a_worker(tmp_path):
    prog = _program_with(tmp_path, w_dev2=DEV, w_dev3=DEV, w_dev4=DEV)
    out = tmp_path / "exports"
    r = _cli("--all", "--json", "--jobs", "2", "--write-export", str(out), program=prog)
    assert r.returncode == 1, r.stderr  # the fixture pack always has a mandatory finding
    for name in ("dev", "prod", "w-dev2", "w-dev3", "w-dev4"):
        resources = json.loads((out / f"{name}.json").read_text())["deployment"]["resources"]
        root = next(x for x in resources if x["type"] == "pulumi:pulumi:Stack")
        assert root["outputs"]["loads"] == 1, name  # netparts imported afresh for this stack


def test_a_killed_worker_is_reported_for_its_stack_and_the_rest_is_checked(tmp_path):
    prog = _program_with(tmp_path, w_dev2=DEV, x_die=_failing("die"))
    r = _cli("--all", "--json", "--jobs", "2", program=prog)
    assert r.returncode == 2, r.stderr
    assert [(x["source"], x["status"]) for x in json.loads(r.stdout)["results"]] == [
        ("dev", "checked"), ("prod", "checked"), ("w-dev2", "checked"), ("x-die", "error")]
    assert re.search(r"Pulumi\.x-die\.yaml: the recording worker \(pid \d+\) was killed by signal 9 "
                     r"\(SIGKILL\) before finishing this stack", r.stderr), r.stderr
    assert "Traceback" not in r.stderr
    human = _cli("--all", "--jobs", "2", program=prog)
    assert human.stdout.rstrip().endswith("1 input could not be used: x-die")


def test_when_every_worker_dies_the_rest_is_recorded_in_process(tmp_path):
    prog = _program_with(tmp_path, x_die1=_failing("die"), x_die2=_failing("die"), z_dev2=DEV)
    (prog / "stacks" / "Pulumi.prod.yaml").unlink()
    r = _cli("--all", "--json", "--jobs", "2", program=prog)
    assert r.returncode == 2, r.stderr
    assert [(x["source"], x["status"]) for x in json.loads(r.stdout)["results"]] == [
        ("dev", "checked"), ("x-die1", "error"), ("x-die2", "error"), ("z-dev2", "checked")]
    assert r.stderr.count("before finishing this stack") == 2


def _children(pid: int) -> list[tuple[int, str]]:
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            out.append((int(entry), cmd))
    return out


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc to find child processes")
def test_ctrl_c_stops_the_workers_and_the_pack(tmp_path):
    prog = _program_with(tmp_path, x_slow1=_failing("slow"), x_slow2=_failing("slow"))
    (prog / "stacks" / "Pulumi.prod.yaml").unlink()
    proc = subprocess.Popen([sys.executable, "-m", "preflight", "--all", "--jobs", "2", "--program", str(prog),
                             "--policy-pack", str(PACK)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        kids: list = []
        while time.monotonic() < deadline and proc.poll() is None:
            kids = _children(proc.pid)
            workers = [k for k in kids if "pulumi.policy" not in k[1]]
            if len(workers) == 2 and len(kids) == 3:
                break
            time.sleep(0.05)
        assert proc.poll() is None and len(kids) == 3, kids
        time.sleep(0.3)  # the workers are inside the slow program now
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole process group
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert "preflight: interrupted" in err and "Traceback" not in err
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(pid) for pid, _ in kids):
        time.sleep(0.05)
    assert all(_gone(pid) for pid, _ in kids), [(pid, cmd) for pid, cmd in kids if not _gone(pid)]


# ---------------------------------------------------------------------------------------------
# ForkPool itself (forks this test process; the tasks are trivial).

def _square_or_die(i):
    if i == 3:
        os._exit(3)
    print(f"out {i}")
    print(f"err {i}", file=sys.stderr)
    return i * i


def test_pool_answers_every_index_and_reaps_a_dead_worker():
    with ForkPool(2, _square_or_die).start() as pool:
        pids = [w.pid for w in pool.workers]
        got = dict(pool.run(range(6)))
    assert set(got) == set(range(6)) and pool.undispatched == []
    assert isinstance(got[3], Crashed) and got[3].how == "exited with status 3"
    assert got[5] == (25, "out 5\n", "err 5\n")
    assert all(_gone(pid) for pid in pids)


def test_pool_leaves_undispatched_indices_when_all_workers_die():
    with ForkPool(1, _square_or_die).start() as pool:
        got = dict(pool.run([1, 3, 4, 5]))
    assert got[1] == (1, "out 1\n", "err 1\n") and isinstance(got[3], Crashed)
    assert pool.undispatched == [4, 5]


def _sleep(i):
    time.sleep(60)


class _Timeout(Exception):
    pass


def _raise_timeout(*_):
    raise _Timeout


def test_pool_close_kills_busy_workers():
    pool = ForkPool(2, _sleep).start()
    pids = [w.pid for w in pool.workers]
    old = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(_Timeout):  # nothing finishes: stop waiting, as on Ctrl-C
            next(pool.run(range(4)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        pool.close(kill=True)
    assert all(_gone(pid) for pid in pids)
