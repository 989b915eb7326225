"""Identical input, identical output, whatever PYTHONHASHSEED is (contracts §5): stdout of `--all --json` and
`--all`, the `--report` folder, the `--write-export` files (timestamps aside) and `--export` of stacks with many
subnets and violations (the repository's stacks, real-world programs, failing fixture cases) are compared byte
for byte across seeds. Each seed runs in its own `python -m preflight` process, the seeds side by side."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from preflight.inputs.stack_export import write_export
from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file
from tests.policies.fixture_cases import FAILING, PROGRAM as FIXTURE_PROGRAM
from tests.policies.realworld.realworld_cases import CASES
from tests.preflight.helpers import REPO

SEEDS = ("0", "1", "2", "3")
# Many subnets, several AZs, notes and mandatory violations: where set order would show first.
REALWORLD = ("raw-vpc:isolated-private", "raw-vpc:tgw-private", "awsx-subnet-specs:prod", "team-config:prod",
             "default-vpc:private", "eks-components:managed-default-subnets")
FIXTURE = (("eks-isolated-nodes-privatelink", "raw"), ("eks-privatelink-endpoint-https", "raw"),
           ("eks-private-endpoint-node-subnets", "component"), ("eks-cluster-subnets-multi-az", "raw"))
REPO_EXPORTS = ("private-managed", "public-private-self-managed", "private-auto")
RW = CASES[0].folder.parent
PREVIEWS = (("raw-vpc", ("isolated-private", "isolated-public-private", "tgw-private")),
            ("eks-components", ("managed-default-subnets", "nodegroup-v2-public-ip")))


def _preflight(seed: str, *args: str) -> str:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    r = subprocess.run([sys.executable, "-m", "preflight", *args], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=180)
    assert r.returncode in (0, 1), (args, r.returncode, r.stderr[-2000:])
    return r.stdout


def _files(folder: Path, strip_times: bool = False) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        text = p.read_text(encoding="utf-8")
        if strip_times:
            doc = json.loads(text)
            doc["deployment"]["manifest"].pop("time")
            for r in doc["deployment"]["resources"]:
                r.pop("created", None)
                r.pop("modified", None)
            text = json.dumps(doc, indent=4)
        out[p.relative_to(folder).as_posix()] = text
    return out


def _recorded_exports(folder: Path) -> list:
    """Real-world programs and failing fixture cases as deployed, written as `pulumi stack export` files."""
    paths = []
    by_id = {c.id: c for c in CASES}
    for cid in REALWORLD:
        case = by_id[cid]
        sf = load_stack_file(case.stack_file)
        st = record_program(case.folder, sf.name, sf.config, preview=False, stack_outputs=case.export_stack_outputs)
        paths.append(write_export(st, folder / f"{cid.replace(':', '-')}.json"))
    for policy, form in FIXTURE:
        case = next(c for c in FAILING if c.policy == policy and form in c.forms)
        st = record_program(FIXTURE_PROGRAM, "fixture", case.config(form), preview=False)
        paths.append(write_export(st, folder / f"fixture-{policy}-{form}.json"))
    return paths


def _differing(outputs: dict) -> list:
    """The names of the outputs that are not the same under every seed."""
    return sorted(name for name, by_seed in outputs.items() if len(set(by_seed.values())) > 1)


def _first_difference(by_seed: dict) -> str:
    (s0, a), *rest = by_seed.items()
    for s, b in rest:
        if a != b:
            la, lb = a.splitlines(), b.splitlines()
            i = next((i for i, (x, y) in enumerate(zip(la, lb)) if x != y), min(len(la), len(lb)))
            return (f"seed {s0} vs {s}, line {i + 1}:\n  {la[i] if i < len(la) else '<end>'}\n"
                    f"  {lb[i] if i < len(lb) else '<end>'}")
    return ""


def _run_all(jobs: list) -> None:
    """Run the (seed, job) pairs, as many at a time as there are CPUs (each preflight records with -j1)."""
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        for f in [pool.submit(job, seed) for job in jobs for seed in SEEDS]:
            f.result()


def test_output_does_not_depend_on_the_hash_seed(tmp_path):
    recorded = _recorded_exports(tmp_path / "recorded")
    outputs: dict = {}

    def put(name, seed, text):
        outputs.setdefault(name, {})[seed] = text

    def put_files(prefix, seed, folder, strip_times=False):
        for name, text in _files(folder, strip_times).items():
            put(f"{prefix} {name}", seed, text)

    def all_json(seed):
        report, exports = tmp_path / f"report-{seed}", tmp_path / f"exports-{seed}"
        put("--all --json", seed, _preflight(seed, "--all", "--json", "-j1", "--report", str(report),
                                             "--write-export", str(exports)))
        put_files("--report", seed, report)
        put_files("--write-export", seed, exports, strip_times=True)

    def all_text(seed):
        put("--all", seed, _preflight(seed, "--all", "-j1"))

    def previews(program, stacks):  # real-world programs at preview: subnets known through propertyDependencies
        files = [a for st in stacks for a in ("--config-file", str(RW / program / f"Pulumi.{st}.yaml"))]
        return lambda seed: put(f"--program {program} --json", seed,
                                _preflight(seed, "--program", str(RW / program), *files, "--json", "-j1"))

    _run_all([all_json, all_text] + [previews(p, s) for p, s in PREVIEWS])
    written = [str(tmp_path / f"exports-{SEEDS[0]}" / f"{s}.json") for s in REPO_EXPORTS]
    args = [a for p in written + recorded for a in ("--export", p)]

    def exports(seed):
        report = tmp_path / f"export-report-{seed}"
        put("--export --json", seed, _preflight(seed, *args, "--json", "--report", str(report)))
        put_files("--export --report", seed, report)

    _run_all([exports])
    assert any(n.startswith("--write-export ") for n in outputs) and any(n.startswith("--report ") for n in outputs)
    assert all(len(by_seed) == len(SEEDS) for by_seed in outputs.values()), \
        {n: sorted(s) for n, s in outputs.items() if len(s) != len(SEEDS)}
    differing = _differing(outputs)
    assert differing == [], "\n".join(f"{n}: {_first_difference(outputs[n])}" for n in differing)


def test_differing_names_the_outputs_that_change():
    """The comparison itself: an output that changes with the seed is named, one that does not is not."""
    assert _differing({"same": {"0": "x", "1": "x"}, "flips": {"0": "a, b", "1": "b, a"}}) == ["flips"]
    assert "line 1" in _first_difference({"0": "a, b", "1": "b, a"})
