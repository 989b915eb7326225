"""One verdict, two engines: `pulumi policy analyze --file F` (the real CLI driving the pack) and `python -m
preflight --export F`, each as (policy, URN, enforcement level, message) tuples and a pass/fail."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from tests.conformance.pulumi_cli import REPO, PulumiCLI, policy_events


@dataclass
class Verdict:
    violations: list  # sorted (policy, urn, level, message)
    failed: bool  # a mandatory violation: the CLI exits 1 ("one or more mandatory policy violations were found")
    error: str = ""  # the run could not analyze the input at all

    def levels(self) -> set:
        return {(p, lvl) for p, _, lvl, _ in self.violations}


def cli_verdicts(cli: PulumiCLI, files: Sequence[Path], config: Optional[Path] = None) -> dict[Path, Verdict]:
    def one(f: Path) -> tuple[Path, Verdict]:
        r = cli.analyze(file=f, config=config)
        if r.returncode not in (0, 1) or (r.returncode == 1 and "mandatory policy violations" not in r.stderr):
            return f, Verdict([], False, error=f"exit {r.returncode}: {r.stderr.strip()}")
        return f, Verdict(policy_events(r.stdout), r.returncode == 1)

    with ThreadPoolExecutor(max_workers=2) as pool:  # the machines have two cores
        return dict(pool.map(one, files))


def preflight_verdicts(files: Sequence[Path], config: Optional[Path] = None) -> dict[Path, Verdict]:
    args = [sys.executable, "-m", "preflight", "--json"]
    for f in files:
        args += ["--export", str(f)]
    if config is not None:
        args += ["--policy-config", str(config)]
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    out = {}
    for result in doc["results"]:
        vs = sorted((v["policy"], v["urn"], v["enforcementLevel"], v["message"]) for v in result["violations"])
        out[Path(result["input"])] = Verdict(vs, result["mandatory"] > 0,
                                             error="; ".join(result.get("errors") or []))
    assert len(out) == len(files), (len(out), len(files))
    return out


def differences(cli: dict[Path, Verdict], pre: dict[Path, Verdict]) -> list[str]:
    lines = []
    for f in sorted(cli):
        a, b = cli[f], pre[f]
        if a.error or b.error:
            lines.append(f"{f.name}: cli error {a.error!r}, preflight error {b.error!r}")
        elif a.violations != b.violations or a.failed != b.failed:
            only_cli = sorted(set(a.violations) - set(b.violations))
            only_pre = sorted(set(b.violations) - set(a.violations))
            lines.append(f"{f.name}: failed cli={a.failed} preflight={b.failed}; only the CLI: "
                         f"{[(p, u, lvl) for p, u, lvl, _ in only_cli]}; only preflight: "
                         f"{[(p, u, lvl) for p, u, lvl, _ in only_pre]}")
    return lines
