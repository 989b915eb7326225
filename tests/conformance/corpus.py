"""The exports the conformance tests hand to both the real CLI and preflight, written into one folder:

- `stacks/<stack>.json`: the twelve reference stacks, written by `python -m preflight --all --write-export`
  (preview recordings: ids and computed outputs unknown);
- `realworld/<program>--<stack>--<preview|deployed>.json`: every program of the real-world matrix (raw pulumi-aws,
  pulumi-eks components, awsx VPCs, the default VPC, launch templates + Auto Scaling groups), at preview and as
  deployed;
- `fixture/<case>--<form>--<preview|deployed>.json`: every valid layout and every one-mutation failing case of
  the policy fixtures, raw aws:* and pulumi-eks forms;
- `values/…`: the forms values take in real state files: every leaf of a stack a secret as `pulumi stack export
  --show-secrets` writes it (`plaintext` JSON), assets and archives (`values.py`).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from preflight.inputs.stack_export import write_export
from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file
from tests.conformance.values import with_assets_and_archives, with_secret_leaves
from tests.policies.fixture_cases import FAILING, PROGRAM, VALID
from tests.policies.realworld.realworld_cases import CASES

REPO = Path(__file__).resolve().parents[2]


def write_stacks(out: Path) -> list[Path]:
    folder = out / "stacks"
    proc = subprocess.run([sys.executable, "-m", "preflight", "--all", "--write-export", str(folder)], cwd=REPO,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = sorted(folder.glob("*.json"))
    assert len(files) == 12, files
    return files


def _record(folder: Path, name: str, config: dict, path: str, **kw):
    return record_program(folder, name, config, preview=(path == "preview"), **kw)


def write_realworld(out: Path) -> list[Path]:
    files = []
    for case in CASES:
        sf = load_stack_file(case.stack_file)
        for path in ("preview", "deployed"):
            stack = _record(case.folder, sf.name, sf.config, path, stack_outputs=case.export_stack_outputs)
            files.append(Path(write_export(stack, out / "realworld" / f"{case.program}--{sf.name}--{path}.json")))
    return files


def write_fixtures(out: Path) -> list[Path]:
    files = []
    for case in VALID + FAILING:
        slug = case.id.replace(":", "--")
        for form in case.forms:
            for path in ("preview", "deployed"):
                stack = _record(PROGRAM, "fixture", case.config(form), path)
                files.append(Path(write_export(stack, out / "fixture" / f"{slug}--{form}--{path}.json")))
    return files


def write_values(out: Path, sources: list[Path]) -> list[Path]:
    files = []
    for src in sources:
        files.append(with_secret_leaves(src, out / "values" / f"{src.stem}--secret-leaves.json"))
        files.append(with_assets_and_archives(src, out / "values" / f"{src.stem}--assets.json"))
    return files


def build(out: Path) -> dict[str, list[Path]]:
    stacks = write_stacks(out)
    realworld = write_realworld(out)
    fixture = write_fixtures(out)
    value_sources = [p for p in stacks if p.stem in ("private-managed", "public-fargate")] + \
        [p for p in fixture if "--deployed" in p.name and p.name.startswith(
            ("eks-isolated-nodes-privatelink--private-managed", "eks-public-endpoint-node-egress--public-managed"))]
    return {"stacks": stacks, "realworld": realworld, "fixture": fixture, "values": write_values(out, value_sources)}
