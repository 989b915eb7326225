"""The real CLI beside preflight on the same state: `pulumi policy analyze --policy-pack policies/pack-launcher
--file F --json` (Pulumi CLI built by `make pulumi-cli`) and `python -m preflight --export F --json`, on the
1,000- and 10,000-resource exports of policy_bench.py, wall time of each (median of --repeat runs), the ratio,
and whether both reported the same violations.

    .venv/bin/python bench/cli_bench.py [--sizes 1000,10000] [--repeat 3]

Goal (issue 21): preflight no slower than the real CLI on the same state. Needs build/tools/pulumi and
policies/venv (make pulumi-cli policy-venv); says so and exits 0 without them.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policy_bench import ROOT, build_export, templates

sys.path.insert(0, str(ROOT))
from tests.conformance.pulumi_cli import PulumiCLI, find_cli, pack_venv_ready, policy_events  # noqa: E402


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def preflight_run(path: Path):
    proc = subprocess.run([sys.executable, "-m", "preflight", "--export", str(path), "--json"], cwd=ROOT,
                          capture_output=True, text=True)
    doc = json.loads(proc.stdout)
    return sorted((v["policy"], v["urn"], v["enforcementLevel"], v["message"])
                  for r in doc["results"] for v in r["violations"])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cli_path = find_cli()
    if cli_path is None or not pack_venv_ready():
        print("cli_bench: skipped: needs build/tools/pulumi and policies/venv (make pulumi-cli policy-venv)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        cli = PulumiCLI(cli_path, Path(tmp) / "cli")
        print(f"cli_bench: {cli.version()} vs python -m preflight, median of {args.repeat}")
        print(f"{'resources':>10} {'pulumi policy analyze':>22} {'preflight --export':>19} {'ratio':>6}  same")
        tpls = templates()
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"export-{n}.json"
            build_export(n, tpls, path)
            cli_s, cli_out = timed(lambda: cli.analyze(file=path), args.repeat)
            pre_s, pre_vs = timed(lambda: preflight_run(path), args.repeat)
            same = policy_events(cli_out.stdout) == pre_vs
            print(f"{n:>10} {cli_s:>21.2f}s {pre_s:>18.2f}s {pre_s / cli_s:>6.2f}  {same} "
                  f"({len(pre_vs)} violations)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
