"""How the real CLI starts this pack, measured: the routes README, docs/checking.md and docs/preflight.md give users.

- `--policy-pack policies/pack-launcher`: the CLI runs the launcher as a binary analyzer plugin, reads
  PulumiPolicy.yaml beside it, and the pack answers as `eks-network-guardrails` at PulumiPolicy.yaml's version.
- `--policy-pack policies` (the folder): the CLI starts a Python pack only through the Python language host,
  `pulumi-language-python`, which Pulumi's CLI distribution ships and a CLI built from the Go modules lacks.
- The CLI does not create the pack's virtualenv by itself on either route: without `policies/venv` the run stops
  with the launcher's message saying how to make it (`make policy-venv`)."""
from __future__ import annotations

import json
import subprocess

import yaml

from tests.conformance.pulumi_cli import PACK_DIR, PINNED, copy_pack_without_venv, policy_events


def test_the_cli_is_the_pinned_release_or_newer(cli):
    got = cli.version()
    assert got.startswith("v3."), got
    assert tuple(map(int, got[1:].split(".")[:2])) >= tuple(map(int, PINNED[1:].split(".")[:2])), (got, PINNED)


def _any_export(corpus):
    return next(f for f in corpus["fixture"] if f.name.startswith("eks-isolated-nodes-privatelink--private-managed")
                and f.name.endswith("--raw--deployed.json"))


def test_the_launcher_route_loads_the_pack_with_its_name_and_version(cli, corpus):
    r = cli.analyze(file=_any_export(corpus))
    assert r.returncode == 1 and "one or more mandatory policy violations were found" in r.stderr, r.stderr
    summary = [json.loads(line)["summaryEvent"] for line in r.stdout.splitlines() if '"summaryEvent"' in line]
    version = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())["version"]
    assert summary and summary[0]["PolicyPacks"] == {"eks-network-guardrails": version}
    assert ("eks-isolated-nodes-privatelink", "mandatory") in {(p, lvl) for p, _, lvl, _ in policy_events(r.stdout)}


def test_the_folder_route_needs_the_python_language_host(cli, corpus):
    r = cli.run("policy", "analyze", "--policy-pack", PACK_DIR, "--file", _any_export(corpus), "--json")
    assert r.returncode != 0
    assert "pulumi-language-python" in r.stderr, r.stderr


def test_the_cli_does_not_create_the_pack_virtualenv(cli, corpus, tmp_path):
    pack = copy_pack_without_venv(tmp_path / "pack")
    r = cli.run("policy", "analyze", "--policy-pack", pack / "pack-launcher", "--file", _any_export(corpus), "--json")
    assert r.returncode != 0
    assert "make policy-venv" in r.stderr and str(pack / "venv") in r.stderr, r.stderr
    assert not (pack / "venv").exists()


def test_the_launcher_runs_the_pack_unbuffered_whatever_the_environment(cli, corpus):
    """The pack announces its port on stdout; a launcher without `-u` hung the CLI wherever PYTHONUNBUFFERED was
    not set (the sandbox sets it, a user's shell usually does not). PulumiCLI runs with a clean environment."""
    assert "PYTHONUNBUFFERED" not in cli.env
    r = cli.analyze(file=_any_export(corpus))
    assert r.returncode == 1, r.stderr


def test_the_pack_announces_its_port_at_once_when_started_by_the_launcher(cli_path, tmp_path):
    proc = subprocess.Popen([str(PACK_DIR / "pack-launcher"), "127.0.0.1:1"], stdout=subprocess.PIPE, text=True,
                            env={"PATH": "/usr/bin:/bin"}, cwd=tmp_path)
    try:
        port = proc.stdout.readline().strip()
        assert port.isdigit() and int(port) > 0, port
    finally:
        proc.kill()
        proc.wait()
