"""The policy pack process: start a Python policy pack the way the Pulumi CLI does and drive it over the
analyzer gRPC protocol.

The CLI (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer) runs the
`pulumi-analyzer-policy-python` shim with `<engine address> .` in the pack's folder; the shim runs
`<python> -u -m pulumi.policy <engine> .` (the pack's `virtualenv` runtime option picks the python),
which runs the pack's `__main__.py`; `PolicyPack(...)` prints the port on stdout. The engine then
calls Handshake (Python packs answer UNIMPLEMENTED), ConfigureStack, GetAnalyzerInfo, Configure
(the config reconciled by policy_config.py), Analyze once per registration with
the resource's inputs, and AnalyzeStack once with every resource's outputs.
Requests are built by wire.py.
"""
from __future__ import annotations

import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

import grpc
import yaml
from google.protobuf import empty_pb2, json_format
from pulumi.runtime.proto import analyzer_pb2 as apb
from pulumi.runtime.proto import analyzer_pb2_grpc as agrpc

from ..errors import InputError
from .in_flight import WINDOW, Answer, calls_in_order
from ..inputs.policy_config import (configure_request, levelless_keys, load_policy_config, parse_policy_config,
                            reconcile_config, unknown_policy_names, unknown_policy_warning)
from ..records import RecordedStack, Violation
from .wire import PB_TO_LEVEL, Messages

# The engine's own address is passed to the pack; Python packs do not call back. preflight has no engine.
ENGINE_ADDRESS = "127.0.0.1:0"
START_TIMEOUT = float(os.environ.get("PREFLIGHT_PACK_START_TIMEOUT", "60"))
# Notes a pack returns in Configure's trailing metadata (eks-network-guardrails: a renamed policy's old name
# was used, policies/guardrails/servicer.py); the CLI shows the same note from the pack's stderr.
NOTE_METADATA = "eks-guardrails-config-note"


class PolicyPackError(InputError):
    pass


def _pack_python(pack_dir: Path, options: dict) -> str:
    venv = options.get("virtualenv")
    if venv:
        vdir = (pack_dir / venv) if not os.path.isabs(venv) else Path(venv)
        py = vdir / "bin" / "python"
        if py.exists():
            return str(py)
        print(f"preflight: note: the pack's virtualenv {vdir} does not exist; running it with {sys.executable} "
              f"(the project's environment)", file=sys.stderr)
    return sys.executable


def _dying_with_parent(args: list[str]) -> list[str]:
    """`args` wrapped so the pack dies with the thread that started it (Linux PR_SET_PDEATHSIG, set by
    util-linux `setpriv`, which then execs the same command), so a preflight killed outright leaves no pack
    behind (the pack runs in its own session, out of reach of the terminal's signals). Not done with a
    `preexec_fn`: Python code in a child forked from a process with gRPC threads can crash."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [setpriv, "--pdeathsig", "KILL", "--", *args] if setpriv else args


class PolicyPackProcess:
    """A running policy pack. Use as a context manager; the process is always stopped on exit.

    `PolicyPackProcess(pack_dir, config=None)`; `config` is a mapping in the --policy-pack-config JSON
    format (`{"policy": "advisory"}`, `{"policy": {"enforcementLevel": ..., "prop": ...}}`, `"all"`)
    or the path of such a JSON file (or `parsed_config`, as parse_policy_config returns it). `.info` is
    the GetAnalyzerInfo response; `.analyze(stack)` returns the list of Violation for one RecordedStack.
    """

    def __init__(self, pack_dir, config=None, *, parsed_config: Optional[dict[str, dict]] = None,
                 config_source: Optional[str] = None, python: Optional[str] = None, debug: bool = False,
                 organization: str = "organization", window: int = WINDOW):
        self.pack_dir = Path(pack_dir).resolve()
        # The --policy-config file, named in schema errors (None: the config was given in code).
        self.config_source = config_source
        self.window = window  # resources whose Remediate/Analyze calls are in flight at once (in_flight.py)
        if isinstance(config, (str, os.PathLike)):
            self.config_source = str(config)
            config = load_policy_config(config)
        elif isinstance(config, dict):
            config = parse_policy_config(json.dumps(config), "policy config")
        # The config as parse_policy_config returns it (`parsed_config`: already parsed, e.g. by the plan).
        self.given_config: dict[str, dict] = parsed_config if parsed_config is not None else (config or {})
        self.python = python
        self.debug = debug
        self.organization = organization
        self.proc: Optional[subprocess.Popen] = None
        self.channel = None
        self.stub: Optional[agrpc.AnalyzerStub] = None
        self.info: Optional[apb.AnalyzerInfo] = None
        self.name = ""
        self.version = ""
        self.effective_config: dict[str, dict] = {}
        self.warnings: list[str] = []
        self.notes: list[str] = []  # what the pack said about its config (Configure's NOTE_METADATA)
        self.start_seconds = 0.0
        self._stderr_tail: collections.deque = collections.deque(maxlen=40)
        self._threads: list[threading.Thread] = []
        self._port_line: Optional[str] = None
        self._port_event = threading.Event()

    # -- process ---------------------------------------------------------------------------------
    def spawn(self) -> "PolicyPackProcess":
        """Start the pack process (non-blocking); `connect()` waits for its port."""
        if self.proc is not None:
            return self
        meta_path = self.pack_dir / "PulumiPolicy.yaml"
        if not self.pack_dir.is_dir():
            raise PolicyPackError(f"policy pack not found: {self.pack_dir} is not a folder")
        try:
            meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
        except FileNotFoundError:
            raise PolicyPackError(f"failed to load Pulumi policy project located at {self.pack_dir}: "
                                  f"no PulumiPolicy.yaml") from None
        except (OSError, yaml.YAMLError) as e:
            raise PolicyPackError(f"failed to load {meta_path}: {e}") from None
        runtime = meta.get("runtime")
        rname = runtime.get("name") if isinstance(runtime, dict) else runtime
        options = (runtime.get("options") or {}) if isinstance(runtime, dict) else {}
        if rname != "python":
            raise PolicyPackError(f"{meta_path}: preflight runs Python policy packs only (runtime {rname!r})")
        self.version = str(meta.get("version") or "")
        python = self.python or _pack_python(self.pack_dir, options)
        # The shim receives `<engine> . -virtualenv=...` but passes only "$1" "$2" to python.
        args = [python, "-u", "-m", "pulumi.policy", ENGINE_ADDRESS, "."]
        env = dict(os.environ)
        env.pop("PULUMI_CONFIG", None)
        env["PYTHONUNBUFFERED"] = "1"
        if python != sys.executable and "virtualenv" in options:
            env["PATH"] = str(Path(python).parent) + os.pathsep + env.get("PATH", "")
            env.pop("PYTHONHOME", None)
        t0 = time.monotonic()
        self._t0 = t0
        self.proc = subprocess.Popen(_dying_with_parent(args), cwd=str(self.pack_dir), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        for target in (self._read_stdout, self._read_stderr):
            th = threading.Thread(target=target, daemon=True)
            th.start()
            self._threads.append(th)
        return self

    def _read_stdout(self):
        assert self.proc and self.proc.stdout
        first = True
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if first:
                self._port_line = line
                self._port_event.set()
                first = False
            elif self.debug:
                print(f"[pack stdout] {line}", file=sys.stderr)
        self._port_event.set()

    def _read_stderr(self):
        assert self.proc and self.proc.stderr
        for raw in self.proc.stderr:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._stderr_tail.append(line)
            if self.debug:
                print(f"[pack stderr] {line}", file=sys.stderr)

    def _failure(self, what: str) -> PolicyPackError:
        tail = [l for l in self._stderr_tail if l.strip()]
        last = tail[-1].strip() if tail else "no output"
        return PolicyPackError(f"policy pack {self.pack_dir} {what}: {last}")

    def connect(self) -> "PolicyPackProcess":
        """Wait for the port, then Handshake, GetAnalyzerInfo and Configure."""
        if self.stub is not None:
            return self
        self.spawn()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._port_event.wait(0.05):
            if self.proc.poll() is not None:
                break
            if time.monotonic() > deadline:
                raise self._failure(f"did not print its port within {START_TIMEOUT:.0f} s")
        line = (self._port_line or "").strip()
        if not line.isdigit():
            for th in self._threads:
                th.join(timeout=2)
            if self.proc.poll() is None and line:
                raise PolicyPackError(f"policy pack {self.pack_dir} printed {line!r} instead of its port")
            raise self._failure("failed to start")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{int(line)}")
        try:
            grpc.channel_ready_future(self.channel).result(timeout=START_TIMEOUT)
        except grpc.FutureTimeoutError:
            raise self._failure("did not accept a connection") from None
        self.stub = agrpc.AnalyzerStub(self.channel)
        self.start_seconds = time.monotonic() - self._t0
        try:
            self.stub.Handshake(apb.AnalyzerHandshakeRequest(engine_address=ENGINE_ADDRESS,
                                                             root_directory=str(self.pack_dir),
                                                             program_directory=str(self.pack_dir)))
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._rpc_failure("Handshake", e) from None
        try:
            self.info = self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        except grpc.RpcError as e:
            raise self._rpc_failure("GetAnalyzerInfo", e) from None
        self.name = self.info.name
        self.version = self.version or self.info.version
        unknown = unknown_policy_names(self.info, self.given_config)
        effective, errors = reconcile_config(self.info, self.given_config)
        where = f"{self.config_source}: " if self.config_source else ""
        if errors:
            raise InputError([f"{where}invalid policy config for pack {self.name}: {e}" for e in errors])
        levelless = levelless_keys(self.info, effective, self.config_source or "policy config")
        if levelless:
            raise InputError(levelless)
        self.effective_config = effective
        if effective:
            try:
                _, call = self.stub.Configure.with_call(configure_request(effective))
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.INVALID_ARGUMENT and self.proc.poll() is None:
                    # the pack refused the config (eks-network-guardrails: a key naming none of its policies)
                    raise InputError(f"{where or 'policy config: '}{(e.details() or '').strip()}") from None
                raise self._rpc_failure("Configure", e) from None
            self.notes += [v for k, v in (call.trailing_metadata() or ()) if k == NOTE_METADATA]
        # Unknown keys the pack took without a word: most packs ignore them (pulumi_policy's servicer does)
        self.warnings += [unknown_policy_warning(self.info, n) for n in unknown
                          if not any(f'"{n}"' in note for note in self.notes)]
        return self

    def _rpc_failure(self, call: str, e: grpc.RpcError) -> PolicyPackError:
        detail = (e.details() or "").strip().splitlines()
        if self.proc is not None and self.proc.poll() is not None:
            return self._failure(f"exited during {call}")
        return PolicyPackError(f"policy pack {self.name or self.pack_dir}: {call} failed: "
                               f"{detail[-1] if detail else e.code().name}")

    def close(self) -> None:
        if self.channel is not None:
            try:
                self.channel.close()
            except Exception:  # noqa: BLE001
                pass
            self.channel = None
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                # The pack holds no state worth a graceful stop: SIGTERM ends it at once (SIGINT makes
                # its gRPC server shut down politely, which costs 0.1-0.25 s per run).
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        if proc is not None:
            # The readers end at the pipes' EOF once the pack is gone; then the pipes are closed here
            # (left to the garbage collector they warn "unclosed file" under -W always).
            threads, self._threads = self._threads, []
            for th in threads:
                th.join(timeout=1)
            if not any(th.is_alive() for th in threads):
                for pipe in (proc.stdout, proc.stderr):
                    if pipe is not None:
                        pipe.close()
        self.stub = None

    def __enter__(self) -> "PolicyPackProcess":
        try:
            return self.connect()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()

    # -- analysis --------------------------------------------------------------------------------
    def _diagnostics(self, resp, default_urn: Optional[str], stack: RecordedStack,
                     known: set) -> list[Violation]:
        out = []
        for d in resp.diagnostics:
            level = PB_TO_LEVEL.get(d.enforcementLevel, "advisory")
            if level == "remediate":
                level = "mandatory"
            if level == "disabled":
                continue
            if default_urn is not None:
                urn = default_urn  # Analyze: the engine always uses the analyzed resource's URN
            else:
                urn = d.urn if d.urn and d.urn in known else stack.root_urn
            out.append(Violation(policy=d.policyName, enforcement_level=level, urn=urn, message=d.message,
                                 policy_pack=d.policyPackName, policy_pack_version=self.version or d.policyPackVersion))
        return out

    def _remediations(self, answer: Answer, urn: str) -> list[Violation]:
        if answer.error is not None:
            if answer.error.code() == grpc.StatusCode.UNIMPLEMENTED:
                return []
            raise self._rpc_failure(f"Remediate({urn})", answer.error)
        resp = answer.response
        if resp is None:
            return []
        out = []
        for r in resp.remediations:
            if r.diagnostic:
                message = r.diagnostic
            elif r.HasField("properties"):
                message = f"remediation would change the resource's properties to {json_format.MessageToDict(r.properties)}"
            else:
                continue
            out.append(Violation(policy=r.policyName, enforcement_level="advisory", urn=urn, message=message,
                                 policy_pack=r.policyPackName,
                                 policy_pack_version=self.version or r.policyPackVersion))
        return out

    def analyze(self, stack: RecordedStack, *, stack_config: Optional[dict] = None,
                snapshot: bool = False) -> list[Violation]:
        """Analyze (per resource, in registration order) then AnalyzeStack (once) for one stack.

        Analyze always gets a resource's inputs and AnalyzeStack its outputs. With `snapshot` (an
        export, like `pulumi policy analyze --file`: pkg/resource/deploy/analyze_snapshot.go) each
        resource is first sent to Remediate, whose diagnostics and would-be changes are reported as
        advisory, without applying them."""
        self.connect()
        assert self.stub is not None
        index = stack.by_urn()
        known = set(index)
        try:
            creq = apb.AnalyzerStackConfigureRequest(stack=stack.name, project=stack.project,
                                                     organization=self.organization)
            for k, v in (stack_config or {}).items():
                creq.config[k] = v if isinstance(v, str) else json.dumps(v)
            self.stub.ConfigureStack(creq)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._rpc_failure("ConfigureStack", e) from None
        violations: list[Violation] = []
        started = time.perf_counter()
        # The Python SDK's Remediate only runs policies at level "remediate" (pulumi_policy/policy.py
        # Remediate: `if enforcement_level != EnforcementLevel.REMEDIATE: continue`) and answers nothing
        # else: with no such policy in the config Configure sent, the call cannot report anything.
        remediating = snapshot and any(c.get("enforcementLevel") == "remediate"
                                       for c in self.effective_config.values())
        messages = Messages(index)
        for res, remediated, analyzed in calls_in_order(
                stack.resources, messages.analyze, self.stub.Analyze,
                self.stub.Remediate if remediating else None, self.window):
            # AnalyzeStack's entry is built while the next resources' answers are pending
            messages.add_to_stack(res)
            violations += self._remediations(remediated, res.urn)
            if analyzed.error is not None:
                raise self._rpc_failure(f"Analyze({res.urn})", analyzed.error)
            violations += self._diagnostics(analyzed.response, res.urn, stack, known)
        per_resource_done = stack_started = time.perf_counter()
        try:
            resp = self.stub.AnalyzeStack(messages.stack_request)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._rpc_failure("AnalyzeStack", e) from None
            resp = apb.AnalyzeResponse()
        violations += self._diagnostics(resp, None, stack, known)
        # Wall seconds of the last analyze(): the per-resource RPCs (Remediate/Analyze) and AnalyzeStack.
        self.timings = {"per_resource": per_resource_done - started,
                        "analyze_stack": time.perf_counter() - stack_started}
        return violations
