"""Analyzer client: start a Python policy pack the way the Pulumi CLI does and drive it over the
analyzer gRPC protocol.

The CLI (sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer) runs the
`pulumi-analyzer-policy-python` shim with `<engine address> .` in the pack's folder; the shim runs
`<python> -u -m pulumi.policy <engine> .` (the pack's `virtualenv` runtime option picks the python),
which runs the pack's `__main__.py`; `PolicyPack(...)` prints the port on stdout. The engine then
calls Handshake (Python packs answer UNIMPLEMENTED), ConfigureStack, GetAnalyzerInfo, Configure
(the reconciled config: defaults from the policies, the pack's initial config, then the
--policy-pack-config file, "all" first; JSON-schema validated), Analyze once per registration with
the resource's inputs, and AnalyzeStack once with every resource's outputs.
Properties are marshalled like MarshalProperties{KeepUnknowns, KeepSecrets, SkipInternalKeys}.
"""
from __future__ import annotations

import collections
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2

from pulumi.runtime.proto import analyzer_pb2 as apb
from pulumi.runtime.proto import analyzer_pb2_grpc as agrpc

from .model import (RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN, InputError,
                    RecordedResource, RecordedStack, Violation)

LEVELS = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_TO_PB = {"advisory": apb.ADVISORY, "mandatory": apb.MANDATORY, "remediate": apb.REMEDIATE,
                "disabled": apb.DISABLED}
_PB_TO_LEVEL = {v: k for k, v in _LEVEL_TO_PB.items()}
# The engine's own address is passed to the pack; Python packs do not call back. preflight has no engine.
ENGINE_ADDRESS = "127.0.0.1:0"
START_TIMEOUT = float(os.environ.get("PREFLIGHT_PACK_START_TIMEOUT", "60"))


class PolicyPackError(InputError):
    pass


# ---------------------------------------------------------------------------------------------
# Marshalling (MarshalProperties with KeepUnknowns, KeepSecrets, SkipInternalKeys; no KeepResources).

def marshal_value(v: Any) -> Any:
    if isinstance(v, dict):
        sig = v.get(SIG_KEY)
        if sig == SECRET_SIG:
            return {SIG_KEY: SECRET_SIG, "value": marshal_value(v.get("value"))}
        if sig == RESOURCE_REF_SIG:
            # Without KeepResources a reference becomes its id (custom resources) or its URN.
            if "id" in v:
                rid = v.get("id")
                return UNKNOWN if rid in ("", None, UNKNOWN) else marshal_value(rid)
            return v.get("urn", "")
        if sig is not None:
            return {k: marshal_value(x) for k, x in v.items()}  # assets, archives: kept as they are
        return {k: marshal_value(x) for k, x in v.items() if not k.startswith("__")}
    if isinstance(v, list):
        return [marshal_value(x) for x in v]
    return v


def marshal_properties(props: dict) -> struct_pb2.Struct:
    st = struct_pb2.Struct()
    st.update(marshal_value(props or {}))
    return st


# ---------------------------------------------------------------------------------------------
# Policy pack config (pkg/resource/analyzer/config.go).

def parse_policy_config(text: str, source: str = "policy config") -> dict[str, dict]:
    """Parse a --policy-pack-config JSON document into {policy: {"enforcementLevel": str|None,
    "properties": dict|None}}."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except ValueError as e:
        raise InputError(f"{source}: malformed JSON: {e}") from None
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object mapping policy names to settings")
    out, problems = {}, []
    for name, val in data.items():
        level, props = None, None
        if isinstance(val, str):
            if val not in LEVELS:
                problems.append(f'{source}: parsing enforcement level for "{name}": "{val}" is not a valid '
                                f"enforcement level (one of {', '.join(LEVELS)})")
                continue
            level = val
        elif isinstance(val, dict):
            val = dict(val)
            if "enforcementLevel" in val:
                el = val.pop("enforcementLevel")
                if not isinstance(el, str) or el not in LEVELS:
                    problems.append(f'{source}: parsing enforcement level for "{name}": {json.dumps(el)} is not '
                                    f"a valid enforcement level (one of {', '.join(LEVELS)})")
                    continue
                level = el
            props = val or None
        else:
            problems.append(f'{source}: parsing "{name}": {json.dumps(val)} is not a valid value; must be a '
                            f"string or object")
            continue
        if level is None and not props:
            continue
        out[name] = {"enforcementLevel": level, "properties": props}
    if problems:
        raise InputError(problems)
    return out


def load_policy_config(path) -> dict[str, dict]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read policy config {path}: {e.strerror or e}") from None
    return parse_policy_config(text, str(path))


def _json_type(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "integer" if float(v).is_integer() else "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def validate_schema(value: Any, schema: dict, path: str = "") -> list[str]:
    """A JSON-schema subset (what policy config schemas use), messages in gojsonschema's style."""
    errs: list[str] = []
    where = path or "(root)"
    if not isinstance(schema, dict):
        return errs
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        actual = _json_type(value)
        ok = actual in types or (actual == "integer" and "number" in types)
        if not ok:
            return [f"{where}: Invalid type. Expected: {', '.join(types)}, given: {actual}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{where}: {where} must be one of the following: "
                    + ", ".join(json.dumps(e) for e in schema["enum"]))
    if "const" in schema and value != schema["const"]:
        errs.append(f"{where}: {where} does not match: {json.dumps(schema['const'])}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errs.append(f"{where}: String length must be greater than or equal to {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append(f"{where}: String length must be less than or equal to {schema['maxLength']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errs.append(f"{where}: Does not match pattern '{schema['pattern']}'")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append(f"{where}: Must be greater than or equal to {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errs.append(f"{where}: Must be less than or equal to {schema['maximum']}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errs.append(f"{where}: Array must have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errs.append(f"{where}: Array must have at most {schema['maxItems']} items")
        if schema.get("uniqueItems") and len({json.dumps(x, sort_keys=True) for x in value}) != len(value):
            errs.append(f"{where}: array items must be unique")
        if isinstance(schema.get("items"), dict):
            for i, x in enumerate(value):
                errs += validate_schema(x, schema["items"], f"{path}.{i}" if path else str(i))
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for req in schema.get("required") or []:
            if req not in value:
                errs.append(f"{where}: {req} is required")
        for k, x in value.items():
            sub = f"{path}.{k}" if path else k
            if k in props:
                errs += validate_schema(x, props[k], sub)
            elif schema.get("additionalProperties") is False:
                errs.append(f"{where}: Additional property {k} is not allowed")
            elif isinstance(schema.get("additionalProperties"), dict):
                errs += validate_schema(x, schema["additionalProperties"], sub)
    return errs


def reconcile_config(info: apb.AnalyzerInfo, given: dict[str, dict]) -> tuple[dict[str, dict], list[str]]:
    """ReconcilePolicyPackConfig: defaults from policy metadata and schema defaults, then the pack's
    initial config, then the given config; validate properties against each policy's schema."""
    result: dict[str, dict] = {}
    schemas: dict[str, dict] = {}
    for p in info.policies:
        props = None
        schema_props = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
        for k, v in schema_props.items():
            if isinstance(v, dict) and "default" in v:
                props = props or {}
                props[k] = v["default"]
        result[p.name] = {"enforcementLevel": _PB_TO_LEVEL.get(p.enforcementLevel, "advisory"),
                          "properties": props}
        if p.HasField("configSchema"):
            schemas[p.name] = {"type": "object", "properties": schema_props,
                               "required": list(p.configSchema.required)}
    initial = {k: {"enforcementLevel": _PB_TO_LEVEL.get(v.enforcementLevel),
                   "properties": json_format.MessageToDict(v.properties) or None}
               for k, v in info.initialConfig.items()}

    def apply(cfg: dict[str, dict]) -> None:
        allc = cfg.get("all")
        if allc and allc.get("enforcementLevel") in LEVELS:
            for k in result:
                result[k] = {"enforcementLevel": allc["enforcementLevel"], "properties": result[k]["properties"]}
        for name, c in cfg.items():
            cur = result.get(name, {"enforcementLevel": None, "properties": None})
            level = c.get("enforcementLevel") if c.get("enforcementLevel") in LEVELS else cur["enforcementLevel"]
            props = cur["properties"]
            if c.get("properties"):
                props = dict(props or {})
                props.update(c["properties"])
            result[name] = {"enforcementLevel": level, "properties": props}

    apply(initial)
    apply(given)
    errors = []
    for p in info.policies:
        if p.name in schemas:
            for e in validate_schema(result[p.name]["properties"] or {}, schemas[p.name]):
                errors.append(f"{p.name}: {e.replace('(root): ', '')}")
    return result, errors


# ---------------------------------------------------------------------------------------------


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


def provider_pb(res: RecordedResource, index: dict[str, RecordedResource]):
    """The provider of `res` as the engine describes it to analyzers (its inputs as properties)."""
    if not res.provider:
        return None
    purn = res.provider.rsplit("::", 1)[0]
    prov = index.get(purn)
    if prov is None:
        return None
    return apb.AnalyzerProviderResource(type=prov.type, urn=prov.urn, name=prov.name,
                                        properties=marshal_properties(prov.inputs))


def analyze_stack_request(stack: RecordedStack, index: Optional[dict[str, RecordedResource]] = None
                          ) -> apb.AnalyzeStackRequest:
    """AnalyzeStack's request: every resource's outputs, parent, provider and dependencies."""
    index = index if index is not None else stack.by_urn()
    sreq = apb.AnalyzeStackRequest()
    for res in stack.resources:
        ar = sreq.resources.add()
        ar.type, ar.urn, ar.name = res.type, res.urn, res.name
        ar.properties.CopyFrom(marshal_properties(res.outputs))
        ar.options.CopyFrom(apb.AnalyzerResourceOptions(
            customTimeouts=apb.AnalyzerResourceOptions.CustomTimeouts()))
        prov = provider_pb(res, index)
        if prov is not None:
            ar.provider.CopyFrom(prov)
        ar.parent = res.parent or ""
        ar.dependencies.extend(res.dependencies)
        for k, urns in res.property_dependencies.items():
            if urns:
                ar.propertyDependencies[k].urns.extend(urns)
    return sreq


class PolicyPackProcess:
    """A running policy pack. Use as a context manager; the process is always stopped on exit.

    `PolicyPackProcess(pack_dir, config=None)`; `config` is a mapping in the --policy-pack-config JSON
    format (`{"policy": "advisory"}`, `{"policy": {"enforcementLevel": ..., "prop": ...}}`, `"all"`)
    or the path of such a JSON file. `.info` is the GetAnalyzerInfo
    response; `.analyze(stack)` returns the list of Violation for one RecordedStack.
    """

    def __init__(self, pack_dir, config=None, *, python: Optional[str] = None, debug: bool = False,
                 organization: str = "organization"):
        self.pack_dir = Path(pack_dir).resolve()
        if isinstance(config, (str, os.PathLike)):
            config = load_policy_config(config)
        elif isinstance(config, dict):
            config = parse_policy_config(json.dumps(config), "policy config")
        self.given_config: dict[str, dict] = config or {}
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
        known = {p.name for p in self.info.policies}
        for name in self.given_config:
            if name != "all" and name not in known:
                self.warnings.append(f"policy config names {name!r}, which pack {self.name} does not have "
                                     f"(its policies: {', '.join(sorted(known))})")
        effective, errors = reconcile_config(self.info, self.given_config)
        if errors:
            raise InputError([f"invalid policy config for pack {self.name}: {e}" for e in errors])
        self.effective_config = effective
        req = apb.ConfigureAnalyzerRequest()
        for name, c in effective.items():
            level = c.get("enforcementLevel")
            if level not in LEVELS:
                continue
            pc = apb.PolicyConfig(enforcementLevel=_LEVEL_TO_PB[level])
            if c.get("properties"):
                pc.properties.update(c["properties"])
            req.policyConfig[name].CopyFrom(pc)
        if effective:
            try:
                self.stub.Configure(req)
            except grpc.RpcError as e:
                raise self._rpc_failure("Configure", e) from None
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
    def _provider_pb(self, res: RecordedResource, index: dict[str, RecordedResource]):
        return provider_pb(res, index)

    def _diagnostics(self, resp, default_urn: Optional[str], stack: RecordedStack,
                     known: set) -> list[Violation]:
        out = []
        for d in resp.diagnostics:
            level = _PB_TO_LEVEL.get(d.enforcementLevel, "advisory")
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

    def _remediate(self, req, urn: str) -> list[Violation]:
        try:
            resp = self.stub.Remediate(req)
        except grpc.RpcError as e:
            if e.code() == grpc.StatusCode.UNIMPLEMENTED:
                return []
            raise self._rpc_failure(f"Remediate({urn})", e) from None
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
        for res in stack.resources:
            props = res.inputs
            req = apb.AnalyzeRequest(type=res.type, urn=res.urn, name=res.name,
                                     properties=marshal_properties(props),
                                     options=apb.AnalyzerResourceOptions(
                                         parent=res.parent or "",
                                         customTimeouts=apb.AnalyzerResourceOptions.CustomTimeouts()))
            prov = self._provider_pb(res, index)
            if prov is not None:
                req.provider.CopyFrom(prov)
            if snapshot:
                violations += self._remediate(req, res.urn)
            try:
                resp = self.stub.Analyze(req)
            except grpc.RpcError as e:
                raise self._rpc_failure(f"Analyze({res.urn})", e) from None
            violations += self._diagnostics(resp, res.urn, stack, known)
        per_resource_done = time.perf_counter()
        sreq = analyze_stack_request(stack, index)
        stack_started = time.perf_counter()
        try:
            resp = self.stub.AnalyzeStack(sreq)
        except grpc.RpcError as e:
            if e.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._rpc_failure("AnalyzeStack", e) from None
            resp = apb.AnalyzeResponse()
        violations += self._diagnostics(resp, None, stack, known)
        # Wall seconds of the last analyze(): the per-resource RPCs (Remediate/Analyze) and AnalyzeStack.
        self.timings = {"per_resource": per_resource_done - started,
                        "analyze_stack": time.perf_counter() - stack_started}
        return violations
