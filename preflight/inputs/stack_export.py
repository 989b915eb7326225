"""`pulumi stack export` (deployment version 3) <-> RecordedStack.

write_export(stack, path) writes a recording the way `pulumi stack export --show-secrets` lays a
stack out (root stack resource, provider resources, resources with inputs/outputs/parent/provider/
dependencies/propertyDependencies; secrets as `plaintext`). A preview recording carries the unknown
sentinel where a value is not known yet; a real export never does, but this keeps round trips exact.
read_export(path) reads such a file (or a real export) back; `ciphertext` secrets cannot be
decrypted offline and read as unknown secrets.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from ..errors import InputError
from .stack_export_fields import export_problems, parse_urn
from .file_reader import MIB, read_input_text
from .json_reader import MAX_DEPTH, deepest, has_surrogate_escapes, key_path, parse_json_counted
from ..records import RecordedResource, RecordedStack
from ..sentinels import RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_VALUE
from .state_values import ValueReader

EXPORT_LIMIT = 512 * MIB
# A state file holding secrets names the secrets manager they belong to: `pulumi stack import` re-encrypts them
# with it and panics ("attempt to encrypt value") where there is none. A written export's secrets are plaintext
# (as `--show-secrets` writes them), so it names the passphrase manager with the empty passphrase: import it with
# PULUMI_CONFIG_PASSPHRASE set to "" (docs/preflight.md). The salt is what `pulumi stack init` writes for "".
EMPTY_PASSPHRASE_PROVIDER = {"type": "passphrase", "state": {
    "salt": "v1:Tc/o8S6KXys=:v1:+K8Oker+61Fd4Elx:UnoEV1O6j7scOxYaAcJgx4Lh2Z5pzg=="}}

try:
    from pulumi._version import _VERSION as _SDK_VERSION  # type: ignore
except Exception:  # noqa: BLE001
    _SDK_VERSION = "3.0.0"


def _to_state(v: Any) -> Any:
    if isinstance(v, dict):
        if v.get(SIG_KEY) == SECRET_SIG:
            return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(_to_state(v.get("value")))}
        if v.get(SIG_KEY) == RESOURCE_REF_SIG:
            return _reference_to_state(v)
        return {k: _to_state(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_to_state(x) for x in v]
    return v


def _reference_to_state(ref: dict) -> dict:
    """A resource reference as the engine writes it to state (pkg/resource/stack/deployment.go,
    SerializePropertyValue): `urn`, `packageVersion` always, and for a custom resource its `id` as a string,
    "" while the id is unknown (a state file cannot hold an unknown id there: the CLI refuses the file with
    "malformed resource reference: id must be a string")."""
    out = {SIG_KEY: RESOURCE_REF_SIG, "urn": ref.get("urn", ""), "packageVersion": ref.get("packageVersion") or ""}
    if "id" in ref:
        out["id"] = "" if ref["id"] in (None, UNKNOWN_VALUE) else ref["id"]
    return out


def to_deployment(stack: RecordedStack) -> dict:
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    version = f"v{_SDK_VERSION}"
    resources = []
    # The engine refuses a state whose dependencies name no resource of it ("refers to missing resource"). A
    # recording depends on resources it cannot hold: the children a remote component's plugin would create (an
    # awsx VPC's subnets, which its id outputs depend on). The state keeps the dependencies that resolve.
    present = {r.urn for r in stack.resources}
    for r in stack.resources:
        d: dict[str, Any] = {"urn": r.urn, "custom": r.custom}
        if r.custom:
            d["id"] = r.id if r.id is not None else UNKNOWN_VALUE
        d["type"] = r.type
        if r.inputs:
            d["inputs"] = _to_state(r.inputs)
        if r.outputs:
            d["outputs"] = _to_state(r.outputs)
        if r.parent:
            d["parent"] = r.parent
        dependencies = [u for u in r.dependencies if u in present]
        if dependencies:
            d["dependencies"] = dependencies
        if r.provider:
            d["provider"] = r.provider
        pdeps = {k: [u for u in v if u in present] for k, v in r.property_dependencies.items()}
        if any(pdeps.values()):
            d["propertyDependencies"] = {k: v for k, v in pdeps.items() if v}
        d["created"] = now
        d["modified"] = now
        resources.append(d)
    deployment: dict[str, Any] = {
        "manifest": {"time": now, "magic": hashlib.sha256(version.encode()).hexdigest(), "version": version}}
    if _holds_secrets(resources):
        deployment["secrets_providers"] = EMPTY_PASSPHRASE_PROVIDER
    deployment["resources"] = resources
    return {"version": 3, "deployment": deployment}


def _holds_secrets(v: Any) -> bool:
    if isinstance(v, dict):
        return v.get(SIG_KEY) == SECRET_SIG or any(_holds_secrets(x) for x in v.values())
    return isinstance(v, list) and any(_holds_secrets(x) for x in v)


def write_export(stack: RecordedStack, path) -> str:
    """Write `stack` as a `pulumi stack export` file. `path` may be a folder (then `<stack>.json`)."""
    p = Path(path)
    if p.is_dir() or str(path).endswith(("/", "\\")):
        p.mkdir(parents=True, exist_ok=True)
        p = p / f"{stack.name}.json"
    else:
        p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(to_deployment(stack), indent=4) + "\n", encoding="utf-8")
    return str(p)


def read_export(path) -> RecordedStack:
    """Read a `pulumi stack export` file (deployment version 3) into a RecordedStack."""
    p = Path(path)
    text = read_input_text(p, "export", EXPORT_LIMIT, bom_allowed=False)
    return _stack_from_text(p, text, path)


def _stack_from_text(p: Path, text: str, path) -> RecordedStack:
    data, bad_numbers = parse_json_counted(text, str(p), "export")
    check_values = bool(bad_numbers) or has_surrogate_escapes(text) or deepest(data) > MAX_DEPTH
    problems = export_problems(data, str(p), check_values=check_values)
    if problems:
        raise InputError(problems)
    raw = data["deployment"].get("resources") or []
    values = ValueReader()
    # Without a signature key in the file, no value needs deserializing: the values are used as parsed.
    from_state = values.properties if SIG_KEY in text else (lambda v, _: v)
    resources: list[RecordedResource] = []
    stack_name = project = None
    for r in raw:
        parsed = parse_urn(r["urn"])
        if r.get("delete"):
            continue  # pending deletion: not part of the stack's current state
        s, proj, _, name = parsed
        stack_name, project = stack_name or s, project or proj
        custom = bool(r.get("custom"))
        rid = r.get("id")
        props = {f: from_state(r.get(f) or {}, lambda path, u=r["urn"], f=f: f"{p}: {u} / {key_path((f,) + path)}")
                 for f in ("inputs", "outputs")}
        resources.append(RecordedResource(
            urn=r["urn"], type=r["type"], name=name, custom=custom, parent=r.get("parent") or None,
            provider=r.get("provider") or None,
            id=None if (rid in (None, "", UNKNOWN_VALUE) or not custom) else rid,
            inputs=props["inputs"], outputs=props["outputs"],
            dependencies=list(r.get("dependencies") or []),
            property_dependencies={k: list(v or []) for k, v in (r.get("propertyDependencies") or {}).items()}))
    if values.problems:
        raise InputError(values.problems)
    if values.encrypted:
        print(f"preflight: {p}: {values.encrypted} encrypted secret value(s) cannot be decrypted offline; "
              f"they are analyzed as unknown (export with --show-secrets to avoid this)", file=sys.stderr)
    if stack_name is None:
        stack_name, project = p.stem, "unknown"
    return RecordedStack(name=stack_name, project=project, resources=resources,
                         preview=False, source=str(path))
