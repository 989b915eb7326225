"""Every export preflight writes is a state file the real CLI accepts: `pulumi stack import` into a stack of the
export's own project/stack name (file:// backend), `pulumi stack export` gives back the same resources, parents,
providers and dependencies, and `pulumi policy analyze --stack S` on the imported stack reports what `preflight
--export` reports for the file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from preflight.inputs.stack_export_fields import parse_urn
from tests.conformance.parity import cli_verdicts, differences, preflight_verdicts
from tests.conformance.pulumi_cli import PulumiCLI, policy_events


def _shape(doc: dict) -> list[tuple]:
    """What a round trip must keep of each resource: URN, type, custom, parent, provider, dependencies (as sets:
    the CLI does not promise their order) and propertyDependencies."""
    out = []
    for r in doc["deployment"]["resources"]:
        out.append((r["urn"], r["type"], bool(r.get("custom")), r.get("parent") or "", r.get("provider") or "",
                    tuple(sorted(set(r.get("dependencies") or []))),
                    tuple(sorted((k, tuple(sorted(set(v or [])))) for k, v in
                                 (r.get("propertyDependencies") or {}).items()))))
    return out


def import_export(cli: PulumiCLI, export: Path, *, show_secrets: bool = True) -> tuple[Path, str, dict]:
    doc = json.loads(export.read_text(encoding="utf-8"))
    stack, project, _, _ = parse_urn(doc["deployment"]["resources"][0]["urn"])
    folder = cli.project(cli.workdir / "projects" / f"{project}--{stack}", project)
    cli.run("stack", "init", stack, cwd=folder).ok()
    cli.run("stack", "import", "--file", export, cwd=folder).ok()
    args = ["stack", "export", "--stack", stack] + (["--show-secrets"] if show_secrets else [])
    back = json.loads(cli.run(*args, cwd=folder).ok().stdout)
    return folder, stack, back


def _exports(corpus) -> list[Path]:
    fixture = [f for f in corpus["fixture"] if "--raw--" in f.name or "--component--preview" in f.name]
    return corpus["stacks"] + corpus["realworld"] + fixture[::3] + corpus["values"]


def test_every_written_export_imports_and_exports_unchanged(cli_path, corpus, tmp_path_factory):
    problems, checked = [], 0
    for export in _exports(corpus):
        cli = PulumiCLI(cli_path, tmp_path_factory.mktemp("roundtrip"))
        try:
            _, _, back = import_export(cli, export)
        except AssertionError as e:
            problems.append(f"{export.name}: {e}")
            continue
        before = _shape(json.loads(export.read_text(encoding="utf-8")))
        if _shape(back) != before:
            problems.append(f"{export.name}: {sorted(set(before) ^ set(_shape(back)))[:3]}")
        checked += 1
    assert problems == []
    assert checked >= 100, checked


@pytest.mark.parametrize("which", ["stacks/private-managed", "stacks/public-private-self-managed",
                                   "stacks/public-fargate", "realworld/raw-vpc--isolated-private--deployed",
                                   "fixture/eks-public-endpoint-node-egress--public-managed--restricted-cidrs--raw--preview",
                                   "fixture/eks-fargate-private-subnets--public-fargate--fargate-rt-igw--raw--deployed"])
def test_analyze_on_the_imported_stack_matches_preflight_on_the_file(cli_path, corpus, tmp_path, which):
    group, stem = which.split("/")
    export = next(f for f in corpus[group] if f.stem == stem)
    cli = PulumiCLI(cli_path, tmp_path)
    folder, stack, _ = import_export(cli, export)
    r = cli.analyze(stack=stack, cwd=folder)
    pre = preflight_verdicts([export])[export]
    assert r.returncode == (1 if pre.failed else 0), r.stderr
    assert policy_events(r.stdout) == pre.violations
    assert pre.violations or group == "stacks", "a failing layout reported nothing"


def test_secrets_as_pulumi_stack_export_writes_them_give_the_same_verdict(cli_path, corpus, tmp_path):
    """A secret-leaf export imported, then exported again by the CLI: `--show-secrets` (plaintext) and the
    default (ciphertext under the stack's passphrase secrets manager). preflight reads plaintext secrets as their
    values; ciphertext it cannot decrypt: the verdict on the ciphertext file is compared with the CLI's on the
    same file when the CLI cannot decrypt it either (no passphrase: it hands the pack "[secret]", which the pack
    reads as unknown, as preflight reads the ciphertext)."""
    sources = [f for f in corpus["values"] if f.name.endswith("--secret-leaves.json")]
    assert sources
    cli = PulumiCLI(cli_path, tmp_path)
    plain, cipher = [], []
    for src in sources:
        own = PulumiCLI(cli_path, tmp_path / src.stem)  # one backend per file: several share a stack name
        folder, stack, back = import_export(own, src)
        plain.append(tmp_path / f"{src.stem}--show-secrets.json")
        plain[-1].write_text(json.dumps(back), encoding="utf-8")
        encrypted = own.run("stack", "export", "--stack", stack, cwd=folder).ok().stdout
        assert '"ciphertext"' in encrypted
        cipher.append(tmp_path / f"{src.stem}--ciphertext.json")
        cipher[-1].write_text(encrypted, encoding="utf-8")
    on_plain = cli_verdicts(cli, plain)
    assert differences(on_plain, preflight_verdicts(plain)) == []
    before = preflight_verdicts(sources)  # the files as preflight wrote them, before the CLI's round trip
    assert differences(on_plain, {p: before[s] for p, s in zip(plain, sources)}) == []
    assert any(v.failed for v in on_plain.values()), "the secret-leaf layouts include failing ones"
    blind = PulumiCLI(cli_path, tmp_path / "no-passphrase", passphrase="")
    blind.env.pop("PULUMI_CONFIG_PASSPHRASE")
    redacted = cli_verdicts(blind, cipher)
    assert differences(redacted, preflight_verdicts(cipher)) == []
    # The CLI hands the pack "[secret]" for what it cannot decrypt: the pack reads it as unknown (guardrails/
    # redacted.py), so it says what it cannot decide and never judges the text "[secret]".
    assert all("[secret]" not in m for v in redacted.values() for _, _, _, m in v.violations)
    assert any(p == "eks-guardrails-undecidable" for v in redacted.values() for p, _, _, _ in v.violations)
