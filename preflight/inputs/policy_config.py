"""Policy pack config as the CLI handles it (pkg/resource/analyzer/config.go): parse a
--policy-pack-config document, check properties against each policy's JSON schema (a subset, with
gojsonschema's messages) and reconcile them with the pack's own defaults. `reconcile_config` is the one
place defaults are settled on the engine side; its result is what Configure sends to the pack, for every
policy the pack has."""
from __future__ import annotations

import difflib
import json
import re
from typing import Any

from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2 as apb

from ..errors import InputError
from .file_reader import MIB, read_input_text
from .json_reader import first_problems, key_path, parse_json

POLICY_CONFIG_LIMIT = 16 * MIB
# Enforcement levels, by name and as the analyzer protocol numbers them (the wire module sends them).
LEVELS = ("advisory", "mandatory", "remediate", "disabled")
LEVEL_TO_PB = {"advisory": apb.ADVISORY, "mandatory": apb.MANDATORY, "remediate": apb.REMEDIATE,
               "disabled": apb.DISABLED}
PB_TO_LEVEL = {v: k for k, v in LEVEL_TO_PB.items()}


def parse_policy_config(text: str, source: str = "policy config") -> dict[str, dict]:
    """Parse a --policy-pack-config JSON document into {policy: {"enforcementLevel": str|None,
    "properties": dict|None}}."""
    if not text.strip():
        return {}
    data = parse_json(text, source, "policy config")
    problems = first_problems(data, lambda path: f"{source}: {key_path(path)}")
    if problems:
        raise InputError(problems)
    if data is None:  # Go's encoding/json: null leaves the map empty
        return {}
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
    """The --policy-config file (a regular file or a pipe, read as preflight/inputs/file_reader.py says)."""
    return parse_policy_config(read_input_text(path, "policy config", POLICY_CONFIG_LIMIT, bom_allowed=False),
                               str(path))


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
        result[p.name] = {"enforcementLevel": PB_TO_LEVEL.get(p.enforcementLevel, "advisory"),
                          "properties": props}
        if p.HasField("configSchema"):
            schemas[p.name] = {"type": "object", "properties": schema_props,
                               "required": list(p.configSchema.required)}
    initial = {k: {"enforcementLevel": PB_TO_LEVEL.get(v.enforcementLevel),
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


def unknown_policy_names(info: apb.AnalyzerInfo, given: dict[str, dict]) -> list[str]:
    """The keys of the given config naming no policy of the pack ("all" names every policy). The CLI sends
    them on to Configure as they are (ReconcilePolicyPackConfig); the pack decides (this pack refuses them,
    or takes them as a renamed policy's old name)."""
    known = {p.name for p in info.policies}
    return [name for name in given if name != "all" and name not in known]


def unknown_policy_warning(info: apb.AnalyzerInfo, name: str) -> str:
    """For a pack that took an unknown key without a word (pulumi_policy's servicer ignores it)."""
    return (f"policy config names {name!r}, which pack {info.name} does not have "
            f"(its policies: {', '.join(sorted(p.name for p in info.policies))})")


def levelless_keys(info: apb.AnalyzerInfo, effective: dict[str, dict], source: str) -> list[str]:
    """One line per key the CLI would refuse before Configure: a key naming no policy of the pack (nor
    "all" with a level) gets no enforcement level from the pack's defaults, and the CLI's Configure
    (sdk/go/common/resource/plugin/analyzer_plugin.go) then fails with `invalid enforcement level ""`,
    naming no key. Here the key is named."""
    known = sorted(p.name for p in info.policies)
    out = []
    for name, c in effective.items():
        if c.get("enforcementLevel") in LEVELS:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        out.append(f'{source}: policy config key "{name}" names no policy of pack {info.name}{hint} and sets no '
                   f"enforcementLevel, which the Pulumi CLI refuses (invalid enforcement level \"\"); a renamed "
                   f"policy's old name needs an enforcementLevel, or use the policy's name")
    return out


def configure_request(effective: dict[str, dict]) -> apb.ConfigureAnalyzerRequest:
    """Configure's request: the reconciled level and properties of every policy."""
    req = apb.ConfigureAnalyzerRequest()
    for name, c in effective.items():
        level = c.get("enforcementLevel")
        if level not in LEVELS:
            continue
        pc = apb.PolicyConfig(enforcementLevel=LEVEL_TO_PB[level])
        if c.get("properties"):
            pc.properties.update(c["properties"])
        req.policyConfig[name].CopyFrom(pc)
    return req
