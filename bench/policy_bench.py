"""Policy-pack scaling: generated state exports of 1,000 / 5,000 / 10,000 resources, analyzed by the pack.

Each export holds many copies ("cells") of the fixture layouts of all twelve variants (four data planes) (VPC, subnets, route
tables, NAT, endpoints, security groups, cluster, node groups), recorded as after `pulumi up` and renamed
per cell (URNs, ids, cluster names), so one stack has hundreds of VPCs and clusters. Each export is read
back with preflight's read_export and analyzed like `python -m preflight --export FILE` (as `pulumi policy
analyze --file`: Analyze per resource — and Remediate, when a policy is at level remediate — then
AnalyzeStack once). The two phases are timed apart: AnalyzeStack is where the pack does its work (one
deserialization of the stack, the network model, every stack policy); the per-resource phase is one gRPC
round trip per resource, several in flight (preflight/analyzer/in_flight.py), whose floor is printed too.

    .venv/bin/python bench/policy_bench.py [--sizes 1000,5000,10000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import tempfile
import time
from pathlib import Path

from pulumi_policy import PolicyResource
from pulumi_policy.policy import PolicyResourceOptions
from pulumi_policy.proxy import unknown_checking_proxy

from guardrails.model import build_model
from guardrails.rules import RULES
from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.inputs.stack_export import read_export, write_export
from preflight.program.record import record_program

ROOT = Path(__file__).resolve().parents[1]


def _fixture_cases():
    """tests/policies/fixture_cases.py (the fixture program and its valid layouts), loaded from its file:
    the tests folder is not a package of the project."""
    spec = importlib.util.spec_from_file_location("fixture_cases", ROOT / "tests" / "policies" / "fixture_cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_CASES = _fixture_cases()
PROGRAM, VALID = _CASES.PROGRAM, _CASES.VALID

STACK = "bench"


def templates():
    """The twelve valid variants (raw and component form) as export resource lists, minus stack/providers."""
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for case in VALID:
            for form in ("raw", "component"):
                st = record_program(PROGRAM, STACK, case.config(form), preview=False)
                d = json.loads(Path(write_export(st, Path(tmp) / f"{case.mode}-{case.plane}-{form}.json")).read_text())
                res = d["deployment"]["resources"]
                out.append((d, [r for r in res if not r["type"].startswith("pulumi:")]))
    return out


def _renamer(resources):
    tokens = set()
    for r in resources:
        tokens.add(r["urn"])
        for k in ("id",):
            if isinstance(r.get(k), str):
                tokens.add(r[k])
        for k in ("arn", "allocationId", "name"):
            v = (r.get("outputs") or {}).get(k)
            if isinstance(v, str) and v:
                tokens.add(v)
    tokens.discard("")
    pattern = re.compile('"(' + "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)) + ')"')
    text = json.dumps(resources)
    return lambda k: json.loads(pattern.sub(lambda m: '"' + m.group(1) + f"-c{k}" + '"', text))


def build_export(n: int, tpls, path: Path) -> int:
    base, _ = tpls[0]
    keep = [r for r in base["deployment"]["resources"] if r["type"].startswith("pulumi:")]
    renamers = [_renamer(res) for _, res in tpls]
    resources, k = list(keep), 0
    while len(resources) < n:
        cell = renamers[k % len(renamers)](k)
        resources.extend(cell[: n - len(resources)] if len(resources) + len(cell) > n else cell)
        k += 1
    doc = dict(base)
    doc["deployment"] = dict(base["deployment"], resources=resources)
    path.write_text(json.dumps(doc))
    return k


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,10000")
    ap.add_argument("--keep", help="folder to keep the generated exports in")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (the best is reported)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    out_dir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="policy-bench-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    tpls = templates()
    stack_times, own = {}, {}
    with PolicyPackProcess(ROOT / "policies") as pack:
        pack.analyze(read_export(_small(out_dir, tpls)), snapshot=True)  # warm-up: pack started and imported
        floor = empty_rpc_ms(pack)
        print(f"protocol floor: {floor:.3f} ms per empty Analyze round trip (Python gRPC, both ends on this machine)")
        for n in sizes:
            path = out_dir / f"export-{n}.json"
            cells = build_export(n, tpls, path)
            stack = read_export(path)
            best, found = None, None
            for _ in range(args.repeat):
                vs = pack.analyze(stack, snapshot=True)  # exactly what `python -m preflight --export` does
                if best is None or pack.timings["analyze_stack"] < best["analyze_stack"]:
                    best, found = dict(pack.timings), vs
            mand = sum(1 for v in found if v.enforcement_level == "mandatory")
            stack_times[n] = best["analyze_stack"]
            own[n] = guardrails_time(stack)
            rpcs = len(stack.resources)
            print(f"{n:>6} resources ({cells} cells): AnalyzeStack {best['analyze_stack']:6.2f} s "
                  f"(deserialization + model + every stack policy; of which model + rules {own[n]:5.2f} s); "
                  f"per-resource Analyze {best['per_resource']:6.2f} s for {rpcs} RPCs "
                  f"({best['per_resource'] / rpcs * 1e3:.2f} ms each); mandatory violations {mand}")
    if 1000 in stack_times and 10000 in stack_times:
        print(f"time(10k)/time(1k): AnalyzeStack {stack_times[10000] / stack_times[1000]:.2f}, "
              f"model + rules {own[10000] / own[1000]:.2f}")
    return 0


def empty_rpc_ms(pack, calls: int = 2000) -> float:
    """Round trip of an Analyze that no policy looks at: the cost of one RPC, not of the pack's rules."""
    from pulumi.runtime.proto import analyzer_pb2 as apb
    req = apb.AnalyzeRequest(type="bench:index:Nothing", urn="urn:pulumi:b::b::bench:index:Nothing::n", name="n")
    t0 = time.perf_counter()
    for _ in range(calls):
        pack.stub.Analyze(req)
    return (time.perf_counter() - t0) / calls * 1e3


def guardrails_time(stack) -> float:
    """Model build + every rule, in process, on the resources as the SDK hands them to a stack policy
    (the SDK's own per-policy deserialization is excluded)."""
    opts = PolicyResourceOptions(False, [], False, False, [], [], None)
    prs = {r.urn: PolicyResource(r.type, unknown_checking_proxy(json.loads(json.dumps(r.outputs))), r.urn, r.name,
                                 opts, None, None, [], {}) for r in stack.resources}
    for r in stack.resources:
        pr = prs[r.urn]
        pr.parent = prs.get(r.parent)
        pr.dependencies = [prs[d] for d in r.dependencies if d in prs]
        pr.property_dependencies = {k: [prs[d] for d in v if d in prs] for k, v in r.property_dependencies.items()}
    t0 = time.perf_counter()
    m = build_model(list(prs.values()))
    for rule in RULES:
        rule.results(m, rule.defaults())
    return time.perf_counter() - t0


def _small(out_dir: Path, tpls) -> Path:
    p = out_dir / "warmup.json"
    build_export(50, tpls, p)
    return p


if __name__ == "__main__":
    raise SystemExit(main())
