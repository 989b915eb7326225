"""Benchmark preflight: median wall time of `python -m preflight --all` (default --jobs and --jobs 1),
warm per-stack cost, pack start-up.

    .venv/bin/python bench/preflight_bench.py [--runs 7] [--program DIR] [--policy-pack DIR]

The two commands are run alternately, so a change in machine load affects both alike. Each line also
says how much CPU time other processes (or the hypervisor: steal) took on the machine while the runs
were going: if that is not near zero, the machine was busy and the figures are not representative.
Prints figures only; no thresholds (timings are not tests).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all CPUs, steal included); 0 if unknown."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _run(cmd: list[str]) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s of the command and everything it waited for, CPU s of everything else, exit, stderr)."""
    busy0, cpu0, t = _busy_seconds(), _children_cpu(), time.perf_counter()
    r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - t
    own = _children_cpu() - cpu0
    return wall, own, max(0.0, _busy_seconds() - busy0 - own), r.returncode, r.stderr


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--program", default=str(REPO))
    ap.add_argument("--policy-pack", default=str(REPO / "policies"))
    a = ap.parse_args()

    from preflight.run.workers import cpu_count
    load = Path("/proc/loadavg")
    print(f"{cpu_count()} CPUs; load average before: {' '.join(load.read_text().split()[:3])}"
          if load.exists() else f"{cpu_count()} CPUs")
    base = [sys.executable, "-m", "preflight", "--all", "--json", "--program", a.program,
            "--policy-pack", a.policy_pack]
    variants = {"python -m preflight --all": base, "python -m preflight --all --jobs 1": base + ["--jobs", "1"]}
    runs: dict[str, list] = {k: [] for k in variants}
    for _ in range(a.runs):
        for label, cmd in variants.items():
            wall, own, other, code, err = _run(cmd)
            runs[label].append((wall, own, other, code))
            if code == 2:
                print(err, file=sys.stderr)
    for label, rs in runs.items():
        walls = [r[0] for r in rs]
        print(f"{label}: median {statistics.median(walls):.2f} s wall over {len(rs)} runs "
              f"(min {min(walls):.2f}, max {max(walls):.2f}; exit {sorted({r[3] for r in rs})}); "
              f"CPU {statistics.median(r[1] for r in rs):.2f} s; other processes/steal "
              f"{statistics.median(r[2] for r in rs):.2f} s per run")

    from preflight.analyzer.pack_process import PolicyPackProcess
    from preflight.inputs.stack_files import list_stack_files, load_project, load_stack_file
    starts = []
    for _ in range(3):
        with PolicyPackProcess(a.policy_pack) as p:
            starts.append(p.start_seconds)
    print(f"policy pack start-up (spawn -> port accepted): median {statistics.median(starts):.2f} s")

    code = ("import time; t = time.perf_counter(); import preflight.program.record; "
            "print(time.perf_counter() - t)")
    imports = [float(subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True).stdout)
               for _ in range(3)]
    print(f"import preflight.program.record (pulumi SDK) in a fresh interpreter: median {statistics.median(imports):.2f} s")
    from preflight.program.record import record_program
    files = list_stack_files(load_project(a.program))
    with PolicyPackProcess(a.policy_pack) as p:
        for rnd in ("cold", "warm"):
            rec, ana = [], []
            for f in files:
                sf = load_stack_file(f)
                t0 = time.perf_counter()
                st = record_program(a.program, sf.name, sf.config)
                t1 = time.perf_counter()
                p.analyze(st)
                t2 = time.perf_counter()
                rec.append(t1 - t0)
                ana.append(t2 - t1)
            n = max(len(files), 1)
            if rnd == "cold" and rec:
                print(f"cold: first stack records in {rec[0]:.2f} s (the program's own imports: "
                      f"pulumi_aws.ec2 ...); the other {n - 1} in {sum(rec[1:]):.2f} s")
            else:
                print(f"warm pass over {n} stacks: record {sum(rec) / n * 1000:.0f} ms/stack "
                      f"(min {min(rec) * 1000:.0f}, max {max(rec) * 1000:.0f}), analyze "
                      f"{sum(ana) / n * 1000:.0f} ms/stack, total {sum(rec) + sum(ana):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
