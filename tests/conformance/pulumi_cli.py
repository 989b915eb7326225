"""The real Pulumi CLI (built by `make pulumi-cli` into build/tools/), run only against a throw-away `file://`
backend and PULUMI_HOME with a passphrase secrets provider: nothing here reads or writes a user's Pulumi state,
needs a login or reaches a network.

`find_cli()` gives the CLI's path (PULUMI_CLI, else build/tools/pulumi) or None; `PulumiCLI(path, workdir)` runs
it (passphrase "" by default: the secrets manager preflight's written exports name, export.py); `policy_events(stdout)`
reads `pulumi policy analyze --json` output as (policy, urn, level, message) tuples.

How the pack is started: the pinned CLI (v3.274 and later) starts a Python pack given as a folder only through
the Python language host, `pulumi-language-python`, whose Go module the module proxy does not serve, and no
longer falls back to a `pulumi-analyzer-policy-python` plugin (pkg/resource/plugin/analyzer_plugin.go). Given an
executable instead, it runs it as a binary analyzer plugin; `policies/pack-launcher` is that executable and runs
the pack as the language host would (`<venv>/bin/python <pack> <engine address>`). `PACK_ARG` is what to pass as
`--policy-pack`; everything after the process start (state decoding, config reconciliation, Analyze,
AnalyzeStack, exceptions, exit status) is the CLI's own.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / "build" / "tools"
PACK_DIR = REPO / "policies"
PACK_ARG = PACK_DIR / "pack-launcher"
PINNED = re.search(r"github.com/pulumi/pulumi/pkg/v3 (v[0-9.]+)",
                   (REPO / "tools" / "pulumi-cli" / "go.mod").read_text()).group(1)
REQUIRE_ENV = "EKS_VARIANTS_REQUIRE_PULUMI_CLI"


def find_cli() -> Optional[Path]:
    given = os.environ.get("PULUMI_CLI")
    path = Path(given) if given else TOOLS / "pulumi"
    return path if path.exists() and os.access(path, os.X_OK) else None


def pack_venv_ready() -> bool:
    return (PACK_DIR / "venv" / "bin" / "python").exists()


@dataclass
class Result:
    args: list
    returncode: int
    stdout: str
    stderr: str

    def ok(self) -> "Result":
        assert self.returncode == 0, f"pulumi {' '.join(map(str, self.args))} -> {self.returncode}\n{self.stderr}"
        return self


class PulumiCLI:
    """The CLI with its own PULUMI_HOME and `file://` backend under `workdir`."""

    def __init__(self, cli: Path, workdir: Path, passphrase: str = "") -> None:
        self.cli = cli
        self.workdir = workdir
        self.home = workdir / "pulumi-home"
        self.backend = workdir / "backend"
        self.home.mkdir(parents=True, exist_ok=True)
        self.backend.mkdir(parents=True, exist_ok=True)
        path = os.pathsep.join([str(cli.parent), "/usr/local/bin", "/usr/bin", "/bin"])
        keep = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TMPDIR", "TERM")}
        self.env = dict(keep, HOME=str(workdir), PATH=path, PULUMI_HOME=str(self.home),
                        PULUMI_BACKEND_URL=f"file://{self.backend}", PULUMI_CONFIG_PASSPHRASE=passphrase,
                        PULUMI_SKIP_UPDATE_CHECK="true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
                        PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true", PULUMI_SKIP_CONFIRMATIONS="true",
                        NO_COLOR="1")

    def run(self, *args, cwd: Optional[Path] = None, stdin: Optional[str] = None, timeout: float = 120) -> Result:
        proc = subprocess.run([str(self.cli), *map(str, args), "--non-interactive"], cwd=cwd or self.workdir,
                              env=self.env, input=stdin, capture_output=True, text=True, timeout=timeout)
        return Result(list(args), proc.returncode, proc.stdout, proc.stderr)

    def version(self) -> str:
        return self.run("version").ok().stdout.strip()

    def analyze(self, *, file: Optional[Path] = None, stack: Optional[str] = None, cwd: Optional[Path] = None,
                config: Optional[Path] = None) -> Result:
        args = ["policy", "analyze", "--policy-pack", PACK_ARG, "--json"]
        if config is not None:
            args += ["--policy-pack-config", config]
        args += ["--file", file] if file is not None else ["--stack", stack]
        return self.run(*args, cwd=cwd)

    def project(self, folder: Path, name: str) -> Path:
        """A minimal project folder named `name` (for stack init/import/export; no program is ever run)."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n", encoding="utf-8")
        return folder


def policy_events(stdout: str) -> list[tuple[str, str, str, str]]:
    """`pulumi policy analyze --json` prints one engine event per line: its policy violations as sorted
    (policy, urn, enforcement level, message) tuples."""
    out = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        event = json.loads(line)
        pe = event.get("policyEvent")
        if pe is not None:
            out.append((pe["policyName"], pe["resourceUrn"], pe["enforcementLevel"], pe["message"]))
    return sorted(out)


def copy_pack_without_venv(dest: Path) -> Path:
    """The pack's files without its virtualenv (to measure what the CLI does about a missing one)."""
    shutil.copytree(PACK_DIR, dest, ignore=shutil.ignore_patterns("venv", "__pycache__"), symlinks=True)
    return dest

