"""Does each speed mechanism pay where users run preflight? (issue 19: keep a mechanism only where it buys at least
10 % on one of these.) Wall time of `python -m preflight` on four workloads, with everything on and with one
mechanism switched off at a time; verdicts must not change (the --json violations are compared).

Workloads: the twelve reference stacks (`--all`); a platform repository of 100 team stacks (copies of the
reference stack files in a temporary project that links this program); a 1,000- and a 10,000-resource export
(built as in policy_bench.py).

Mechanisms (switched off through PREFLIGHT_WITHOUT / EKS_GUARDRAILS_WITHOUT, or --jobs 1):
  workers            stacks recorded in forked processes (off: --jobs 1)
  in-flight          per-resource analyzer calls kept in flight (off: one at a time)
  heap-freeze        the collector paused until the SDKs are loaded, then that heap frozen (and at exit)
  pack-shared-stack  the pack's servicer: one deserialized stack for all policies, typed Analyze shortcut
  pack-gc-pause      the pack's collector paused while it builds its network model

    .venv/bin/python bench/mechanisms_bench.py [--runs 3] [--workloads stacks,teams,1k,10k] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policy_bench import ROOT, build_export, templates

MECHANISMS = {
    "all on": ({}, []),
    "workers": ({}, ["--jobs", "1"]),
    "in-flight": ({"PREFLIGHT_WITHOUT": "in-flight"}, []),
    "heap-freeze": ({"PREFLIGHT_WITHOUT": "heap-freeze"}, []),
    "pack-shared-stack": ({"EKS_GUARDRAILS_WITHOUT": "shared-stack"}, []),
    "pack-gc-pause": ({"EKS_GUARDRAILS_WITHOUT": "gc-pause"}, []),
}


def team_project(folder: Path, n: int) -> Path:
    """A project holding this program (linked) and `n` team stack files copied from the reference stacks."""
    for name in ("Pulumi.yaml", "pyproject.toml", "__main__.py", "components", "stack_config", "eks_variants", ".venv"):
        (folder / name).symlink_to(ROOT / name)
    stacks = folder / "stacks"
    stacks.mkdir()
    references = sorted((ROOT / "stacks").glob("Pulumi.*.yaml"))
    references = [p for p in references if not p.name.startswith("Pulumi.team-")]
    for i in range(n):
        shutil.copy(references[i % len(references)], stacks / f"Pulumi.team-t{i:03d}.yaml")
    return folder


def run(args: list[str], env: dict) -> tuple[float, int, list]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "preflight", *args, "--json"], cwd=ROOT,
                          env={**os.environ, **env}, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    doc = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return seconds, proc.returncode, [(r.get("source"), r.get("violations")) for r in doc.get("results", [])]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--workloads", default="stacks,teams,1k,10k")
    p.add_argument("--keep", metavar="DIR", help="keep the generated inputs here")
    p.add_argument("--mechanisms", default=",".join(MECHANISMS), help="which columns (\"all on\" always)")
    args = p.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="mechanisms-"))
    work.mkdir(parents=True, exist_ok=True)
    wanted = args.workloads.split(",")
    columns = {k: v for k, v in MECHANISMS.items() if k == "all on" or k in args.mechanisms.split(",")}
    workloads: dict[str, list[str]] = {}
    if "stacks" in wanted:
        workloads["12 stacks"] = ["--all"]
    if "teams" in wanted:
        project = work / "teams"
        if not project.exists():
            project.mkdir()
            team_project(project, 100)
        workloads["100 team stacks"] = ["--program", str(project), "--all"]
    sizes = [s for s in ("1k", "10k") if s in wanted]
    if sizes:
        tpls = templates()
        for s in sizes:
            path = work / f"export-{s}.json"
            if not path.exists():
                build_export(1000 if s == "1k" else 10000, tpls, path)
            workloads[f"{s} export"] = ["--export", str(path)]
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at start; runs per cell: {args.runs}")
    print(f"| workload | {' | '.join(columns)} |")
    print("|---" * (len(columns) + 1) + "|")
    for label, base_args in workloads.items():
        cells, verdict = [], None
        baseline = None
        for name, (env, extra) in columns.items():
            times = []
            for _ in range(args.runs):
                seconds, code, found = run(base_args + extra, env)
                if code not in (0, 1):
                    print(f"{label} without {name}: preflight exited {code}; nothing to time", file=sys.stderr)
                    return 1
                if verdict is None:
                    verdict = (code, found)
                elif (code, found) != verdict:
                    print(f"VERDICT CHANGED: {label} without {name}", file=sys.stderr)
                    return 1
                times.append(seconds)
            median = statistics.median(times)
            if baseline is None:
                baseline = median
                cells.append(f"{median:.2f} s")
            else:
                cells.append(f"{median:.2f} s ({(median / baseline - 1) * 100:+.0f} %)")
        print(f"| {label} | {' | '.join(cells)} |", flush=True)
    print("cells: median wall time; (%): slower (+) or faster (-) than all on, i.e. what the mechanism buys")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
