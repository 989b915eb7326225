"""Field-by-field checks of a `pulumi stack export` document (deployment version 3), before it is used.

The types are those of the CLI's own structs (sdk/go/common/apitype/core.go: UntypedDeployment,
DeploymentV3, ManifestV1, ResourceV3), which Go's encoding/json refuses to fill from a value of another
type (`null` is accepted anywhere and means "not set"). Each problem is one line
`<file>: <resource URN or #index> / <field>: <what is wrong>`.
"""
from __future__ import annotations

import datetime
import functools
import re
from typing import Any, Callable, Optional

from .json_reader import NotANumber, first_problems, key_path

_MAX_LINES = 50


def _kind(v: Any) -> str:
    if isinstance(v, NotANumber):
        return f"{v.text[:24]} ({v.problem()})"
    if isinstance(v, bool):
        return f"a boolean ({'true' if v else 'false'})"
    if isinstance(v, (int, float)):
        return f"a number ({v!r})"
    if isinstance(v, str):
        return f"a string ({v[:40]!r})" if len(v) <= 40 else f"a string ({v[:40]!r}…)"
    if isinstance(v, list):
        return f"a list of {len(v)}"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _is_str(v): return isinstance(v, str)
def _is_bool(v): return isinstance(v, bool)
def _is_obj(v): return isinstance(v, dict)
def _is_num(v): return isinstance(v, (int, float)) and not isinstance(v, bool)
def _is_str_list(v): return isinstance(v, list) and all(isinstance(x, str) for x in v)


_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def _is_time(v) -> bool:  # Go's time.Time reads RFC 3339 only
    if not isinstance(v, str) or not _RFC3339.fullmatch(v):
        return False
    try:
        datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return True
    except ValueError:
        return False


def _is_urn_list(v) -> bool:
    return isinstance(v, list) and all(parse_urn(x) is not None for x in v)


def _is_prop_deps(v) -> bool:
    return isinstance(v, dict) and all(x is None or _is_urn_list(x) for x in v.values())


def _is_timeouts(v) -> bool:
    return isinstance(v, dict) and all(x is None or _is_num(x) for x in v.values())


def _is_urn(v) -> bool:  # "" is Go's zero value: not set
    return v == "" or parse_urn(v) is not None


def _is_provider_ref(v) -> bool:
    # "<provider URN>::<provider id>" (sdk/go/common/resource/providers ParseReference); "" = not set.
    return v == "" or (isinstance(v, str) and "::" in v and parse_urn(v.rsplit("::", 1)[0]) is not None)


# ResourceV3's fields: (check, what it must be).
_RESOURCE_FIELDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "custom": (_is_bool, "a boolean"), "delete": (_is_bool, "a boolean"), "id": (_is_str, "a string"),
    "inputs": (_is_obj, "an object"), "outputs": (_is_obj, "an object"),
    "parent": (_is_urn, "a URN (urn:pulumi:<stack>::<project>::<type>::<name>)"),
    "provider": (_is_provider_ref, "a provider reference (<provider URN>::<provider id>)"),
    "protect": (_is_bool, "a boolean"), "taint": (_is_bool, "a boolean"), "external": (_is_bool, "a boolean"),
    "dependencies": (_is_urn_list, "a list of URNs"), "initErrors": (_is_str_list, "a list of strings"),
    "propertyDependencies": (_is_prop_deps, "an object mapping property names to lists of URNs"),
    "pendingReplacement": (_is_bool, "a boolean"),
    "additionalSecretOutputs": (_is_str_list, "a list of strings"), "aliases": (_is_urn_list, "a list of URNs"),
    "customTimeouts": (_is_timeouts, "an object of numbers (seconds)"), "importID": (_is_str, "a string"),
    "retainOnDelete": (_is_bool, "a boolean"), "deletedWith": (_is_urn, "a URN"),
    "created": (_is_time, "an RFC 3339 time"), "modified": (_is_time, "an RFC 3339 time"),
    "sourcePosition": (_is_str, "a string"), "ignoreChanges": (_is_str_list, "a list of strings"),
    "replaceOnChanges": (_is_str_list, "a list of strings"), "refreshBeforeUpdate": (_is_bool, "a boolean"),
    "viewOf": (_is_urn, "a URN"),
}
_MANIFEST_FIELDS = {"time": (_is_time, "an RFC 3339 time"), "magic": (_is_str, "a string"),
                    "version": (_is_str, "a string"), "plugins": (lambda v: isinstance(v, list), "a list")}


def parse_urn(urn: Any) -> Optional[tuple[str, str, str, str]]:
    """(stack, project, qualified type, name) of a URN as resource.ParseURN reads it, or None."""
    return _parse_urn_text(urn) if isinstance(urn, str) else None


@functools.lru_cache(maxsize=65536)  # a URN is met again as parent, provider and dependency
def _parse_urn_text(urn: str) -> Optional[tuple[str, str, str, str]]:
    if not urn.startswith("urn:pulumi:"):
        return None
    parts = urn[len("urn:pulumi:"):].split("::")
    if len(parts) < 4 or not all(parts[:3]):
        return None
    return parts[0], parts[1], parts[2], "::".join(parts[3:])


def _fields(obj: dict, spec: dict, where: str, out: list[str]) -> None:
    for field, v in obj.items():
        rule = spec.get(field)
        if rule is not None and v is not None and not rule[0](v):
            out.append(f"{where} / {field}: must be {rule[1]}, not {_kind(v)}")


def export_problems(data: Any, name: str, *, check_values: bool = True) -> list[str]:
    """Every problem of a parsed export document (at most _MAX_LINES lines); [] when it can be used.
    Also turns unpaired surrogates in strings into U+FFFD in place (json_reader). `check_values` False:
    the caller knows no value needs it (no NotANumber, no surrogate escape, no deep nesting)."""
    out: list[str] = []
    if not isinstance(data, dict) or "deployment" not in data:
        return [f"{name}: not a `pulumi stack export` file (no `deployment`)"]
    version = data.get("version")
    if type(version) is not int or version != 3:  # 3.0 or "3" does not fill Go's int
        return [f"{name}: unsupported deployment version {version!r} (preflight reads version 3)"]
    dep = data["deployment"]
    if not isinstance(dep, dict):
        return [f"{name}: `deployment` must be an object, not {_kind(dep)}"]
    manifest = dep.get("manifest")
    if manifest is not None and not isinstance(manifest, dict):
        out.append(f"{name}: deployment / manifest: must be an object, not {_kind(manifest)}")
    elif manifest:
        _fields(manifest, _MANIFEST_FIELDS, f"{name}: deployment / manifest", out)
    for field in ("secrets_providers", "metadata"):
        if dep.get(field) is not None and not isinstance(dep[field], dict):
            out.append(f"{name}: deployment / {field}: must be an object, not {_kind(dep[field])}")
    if dep.get("pending_operations") is not None and not isinstance(dep["pending_operations"], list):
        out.append(f"{name}: deployment / pending_operations: must be a list, not "
                   f"{_kind(dep['pending_operations'])}")
    resources = dep.get("resources")
    if resources is None:
        resources = []
    if not isinstance(resources, list):
        return out + [f"{name}: deployment / resources: must be a list, not {_kind(resources)}"]
    seen: dict[str, int] = {}
    for i, r in enumerate(resources):
        if len(out) >= _MAX_LINES:
            break
        if not isinstance(r, dict):
            out.append(f"{name}: resource #{i}: must be an object, not {_kind(r)}")
            continue
        urn = r.get("urn")
        if parse_urn(urn) is None:
            shown = "missing" if urn is None else (f"{_kind(urn)}, not a URN "
                                                   f"(urn:pulumi:<stack>::<project>::<type>::<name>)")
            out.append(f"{name}: resource #{i} / urn: {shown}")
            where = f"{name}: resource #{i}"
        else:
            where = f"{name}: {urn}"
            if not r.get("delete"):
                if urn in seen:
                    out.append(f"{where}: the same URN as resource #{seen[urn]} (a stack holds each resource once)")
                seen.setdefault(urn, i)
        if not isinstance(r.get("type"), str) or not r.get("type"):
            out.append(f"{where} / type: must be a resource type string, not "
                       f"{'missing' if r.get('type') is None else _kind(r.get('type'))}")
        _fields(r, _RESOURCE_FIELDS, where, out)
        if not check_values:
            continue
        for field in ("inputs", "outputs"):  # property values: nesting counted from the property bag
            if isinstance(r.get(field), dict):
                out += first_problems(r[field], lambda p, f=field, w=where: f"{w} / {key_path((f,) + p)}",
                                      limit=_MAX_LINES)
        rest = {k: v for k, v in r.items() if k not in ("inputs", "outputs") and (
            isinstance(v, (dict, list)) or (isinstance(v, NotANumber) and k not in _RESOURCE_FIELDS))}
        if rest:
            out += first_problems(rest, lambda p, w=where: f"{w} / {key_path(p)}", limit=_MAX_LINES)
    if not out and check_values:  # everything outside the resources (they were checked above)
        out += first_problems({k: v for k, v in data.items() if k != "deployment"},
                              lambda p: f"{name}: {key_path(p)}")
        out += first_problems({k: v for k, v in dep.items() if k != "resources"},
                              lambda p: f"{name}: deployment / {key_path(p)}")
    return out[:_MAX_LINES]
