"""Benchmark preflight: median wall time of `python -m preflight --all`, warm per-stack cost, pack start-up.

    .venv/bin/python bench/preflight_bench.py [--runs 5] [--program DIR] [--policy-pack DIR]

Prints figures only; no thresholds (timings are not tests).
"""
from __future__ import annotations

import argparse
import glob
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--program", default=str(REPO))
    ap.add_argument("--policy-pack", default=str(REPO / "policies"))
    a = ap.parse_args()

    cmd = [sys.executable, "-m", "preflight", "--all", "--json", "--program", a.program,
           "--policy-pack", a.policy_pack]
    walls, codes = [], set()
    for _ in range(a.runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=str(REPO)))
        walls.append(time.perf_counter() - t)
        codes.add(r.returncode)
        if r.returncode == 2:
            print(r.stderr, file=sys.stderr)
    print(f"python -m preflight --all: median {statistics.median(walls):.2f} s wall over {a.runs} runs "
          f"(min {min(walls):.2f}, max {max(walls):.2f}; exit {sorted(codes)}; {os.cpu_count()} CPUs)")

    from preflight.analyzer import PolicyPackProcess
    from preflight.stackfile import load_project, list_stack_files, load_stack_file
    starts = []
    for _ in range(3):
        with PolicyPackProcess(a.policy_pack) as p:
            starts.append(p.start_seconds)
    print(f"policy pack start-up (spawn -> port accepted): median {statistics.median(starts):.2f} s")

    t = time.perf_counter()
    from preflight.recorder import record_program
    print(f"import recorder (pulumi SDK): {time.perf_counter() - t:.2f} s")
    files = list_stack_files(load_project(a.program))
    with PolicyPackProcess(a.policy_pack) as p:
        for rnd in ("cold", "warm"):
            rec = ana = 0.0
            for f in files:
                sf = load_stack_file(f)
                t0 = time.perf_counter()
                st = record_program(a.program, sf.name, sf.config)
                t1 = time.perf_counter()
                p.analyze(st)
                t2 = time.perf_counter()
                rec, ana = rec + t1 - t0, ana + t2 - t1
            n = max(len(files), 1)
            print(f"{rnd} pass over {len(files)} stacks: record {rec / n * 1000:.0f} ms/stack, "
                  f"analyze {ana / n * 1000:.0f} ms/stack, total {rec + ana:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
