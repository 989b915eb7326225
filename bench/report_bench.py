"""Benchmark `--report`: how much it adds to `python -m preflight --all` (target: under 0.5 s).

    .venv/bin/python bench/report_bench.py [--runs 5]

Two figures:
1. wall time of `preflight --all` and of `preflight --all --report DIR`, run alternately (so machine
   load hits both alike), medians and their difference;
2. the report step alone, in this process, on the same stacks (read back from `--write-export` files):
   facts, cost, diagrams, SVG rendering, pages and report.json, median over the runs. This one is not
   blurred by the seconds-long recording and analysis around it.
Prints figures only; no thresholds (timings are not tests).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _wall(cmd: list[str]) -> tuple[float, int]:
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if done.returncode == 2:
        print(done.stderr, file=sys.stderr)
    return time.perf_counter() - t, done.returncode


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    load = " ".join(open("/proc/loadavg").read().split()[:3]) if os.path.exists("/proc/loadavg") else "?"
    print(f"load average before: {load} (figures from a busy machine are not representative)")
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "preflight", "--all"]
        plain, report = [], []
        for i in range(a.runs):
            plain.append(_wall(base)[0])
            report.append(_wall(base + ["--report", str(Path(tmp) / f"r{i}")])[0])
        stacks = len(list((Path(tmp) / "r0").glob("*.svg")))
        p, r = statistics.median(plain), statistics.median(report)
        print(f"preflight --all ({stacks} stacks): median {p:.2f} s; with --report: {r:.2f} s; "
              f"--report adds {r - p:+.2f} s (wall, {a.runs} runs each, alternating)")

        exports = Path(tmp) / "exports"
        subprocess.run([sys.executable, "-m", "preflight", "--all", "--write-export", str(exports)], cwd=REPO,
                       capture_output=True, check=False)
        from preflight.inputs.stack_export import read_export
        from preflight.output.json_document import Entry, document
        from preflight.output.report_folder import describe, write_report
        from preflight.output.report_plugin import load_plugin
        plugin = load_plugin(REPO, REPO)  # this project's: eks_variants.report
        import stack_config  # noqa: F401 - loaded by the program in a real run before the report step
        recorded = [read_export(str(f)) for f in sorted(exports.glob("*.json"))]
        times = []
        for i in range(a.runs):
            t = time.perf_counter()
            entries = [describe(Entry(stack=s.name, input=s.name, kind="stack", resources=len(s.resources),
                                      violations=[], recorded=s), plugin=plugin) for s in recorded]
            write_report(str(Path(tmp) / f"inproc{i}"), entries, document(entries, "pack", "0", 0), plugin=plugin)
            times.append(time.perf_counter() - t)
        print(f"report step alone ({len(recorded)} stacks: facts, cost, Mermaid, SVG, pages, report.json): "
              f"median {statistics.median(times):.3f} s, first run {times[0]:.3f} s (imports included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
