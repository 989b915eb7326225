"""`python -m preflight --export` at scale: wall time of a 1,000- and a 10,000-resource export (built as in
policy_bench.py: copies of the twelve valid variants' layouts), with the per-resource calls one at a time
(PREFLIGHT_ANALYZE_WINDOW=1) and kept in flight (the default window), the verdicts of both compared
(--json output: every violation, in order), and the floor: the pack's own CPU time per Analyze call.

    .venv/bin/python bench/export_bench.py [--sizes 1000,10000] [--repeat 3] [--keep DIR]

Target (issue 12): the 10,000-resource export takes no more than 4 s longer than the 1,000-resource one.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from policy_bench import ROOT, build_export, templates

from preflight.inputs.stack_export import read_export
from preflight.analyzer.in_flight import WINDOW
from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.analyzer.wire import analyze_request


def run_cli(path: Path, window: int) -> tuple[float, int, list]:
    env = dict(os.environ, PREFLIGHT_ANALYZE_WINDOW=str(window))
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "preflight", "--export", str(path), "--json"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    out = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return seconds, proc.returncode, [r.get("violations") for r in out.get("results", [])]


def pack_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_call(stub, pid: int, reqs: list) -> dict[str, float]:
    """Milliseconds per Analyze call: wall one at a time and in flight, CPU of the pack and of this client."""
    for r in reqs[:200]:  # warm-up
        stub.Analyze(r)
    t0 = time.perf_counter()
    for r in reqs:
        stub.Analyze(r)
    out = {"one": (time.perf_counter() - t0) / len(reqs) * 1e3}
    cpu0, client0, t0 = pack_cpu_seconds(pid), time.process_time(), time.perf_counter()
    futures = []
    for r in reqs:
        futures.append(stub.Analyze.future(r))
        if len(futures) >= WINDOW:
            futures.pop(0).result()
    for f in futures:
        f.result()
    out["flight"] = (time.perf_counter() - t0) / len(reqs) * 1e3
    out["client"] = (time.process_time() - client0) / len(reqs) * 1e3
    out["pack"] = (pack_cpu_seconds(pid) - cpu0) / len(reqs) * 1e3
    return out


def floor(path: Path, calls: int = 4000) -> dict[str, float]:
    """Per Analyze call on the export's own resources, the pack run as preflight (and the CLI) runs it; and the
    handlers' CPU alone (in this process, no gRPC): the pack's servicer and pulumi-policy's own."""
    from pulumi_policy import EnforcementLevel
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    from guardrails import servicer
    from guardrails.rules import ALL_POLICIES
    stack = read_export(path)
    index = stack.by_urn()
    reqs = [analyze_request(r, index) for r in stack.resources[:calls]]
    with PolicyPackProcess(ROOT / "policies") as pack:
        pack.connect()
        out = per_call(pack.stub, pack.proc.pid, reqs)
    for name, cls in (("handler", servicer.install()), ("sdk_handler", _PolicyAnalyzerServicer)):
        handler = cls("eks-network-guardrails", "0", ALL_POLICIES, EnforcementLevel.ADVISORY)
        t0 = time.process_time()
        for r in reqs:
            handler.Analyze(r, None)
        out[name] = (time.process_time() - t0) / len(reqs) * 1e3
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=3, help="runs per size and window (the median is reported)")
    ap.add_argument("--keep", help="folder to keep the generated exports in")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    out_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="export-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    tpls = None
    medians: dict[tuple[int, int], float] = {}
    same = True
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    for n in sizes:
        path = out_dir / f"export-{n}.json"
        if not path.exists():
            tpls = tpls or templates()
            build_export(n, tpls, path)
        verdicts = {}
        for window in (1, WINDOW):
            runs = [run_cli(path, window) for _ in range(args.repeat)]
            codes = {code for _, code, _ in runs}
            medians[n, window] = statistics.median(s for s, _, _ in runs)
            verdicts[window] = runs[0][2]
            count = sum(len(v or []) for v in runs[0][2])
            print(f"{n:>6} resources, window {window:>2}: median {medians[n, window]:6.2f} s of {args.repeat} "
                  f"(runs {', '.join(f'{s:.2f}' for s, _, _ in runs)}); exit {sorted(codes)}; {count} violations")
        if verdicts[1] != verdicts[WINDOW]:
            same = False
            print(f"  DIFFERENT verdicts for {n} resources between window 1 and {WINDOW}")
        else:
            print(f"  same verdicts, same order, window 1 and {WINDOW}")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        delta = medians[large, WINDOW] - medians[small, WINDOW]
        print(f"{large} vs {small} resources: +{delta:.2f} s with calls in flight (target: at most +4 s), "
              f"+{medians[large, 1] - medians[small, 1]:.2f} s one call at a time")
    f = floor(out_dir / f"export-{sizes[-1]}.json")
    print(f"per Analyze call: wall {f['one']:.3f} ms one at a time, {f['flight']:.3f} ms with {WINDOW} in flight; "
          f"CPU {f['pack']:.3f} ms in the pack (of which its handler {f['handler']:.3f} ms, the SDK's own handler "
          f"would take {f['sdk_handler']:.3f} ms; the rest is PolicyPack's gRPC server: one interpreter, 4 threads) "
          f"+ {f['client']:.3f} ms in preflight's gRPC client")
    print(f"floor: {f['pack'] + f['client']:.3f} ms of CPU per resource on {os.cpu_count()} shared cores, at best "
          f"{max(f['pack'], f['client']):.3f} ms when both processes have a core each; load average "
          f"{os.getloadavg()[0]:.1f} at the end")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
