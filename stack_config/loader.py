"""Read the ``eks-variants:*`` keys of the current stack, validate them, report every problem."""

from __future__ import annotations

import difflib
import json
import re
from importlib.metadata import version as _package_version
from typing import Any, Mapping, Optional

import pulumi
import pulumi_aws
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ValidationError

from .cross_checks import cross_check
from .errors import StackConfigError
from .kubernetes_versions import SUPPORTED_VERSIONS
from .schema import (
    AccessEntrySettings,
    AddonsSettings,
    FargateSettings,
    NodesSettings,
    PrivateLinkSettings,
    StackSettings,
)

_PULUMI_AWS_VERSION = _package_version("pulumi_aws")

# How each top-level key arrives: the CLI hands every value to the program as a string, and
# structured values (lists, objects) as JSON text.
KEY_KINDS: dict[str, str] = {
    "endpointAccess": "string",
    "dataPlane": "string",
    "vpcCidr": "string",
    "availabilityZones": "integer",
    "natGateways": "string",
    "kubernetesVersion": "string",
    "publicAccessCidrs": "list",
    "nodes": "object",
    "fargate": "object",
    "privateLink": "object",
    "clusterLogTypes": "list",
    "secretsEncryption": "boolean",
    "tags": "object",
    "availabilityZoneIds": "list",
    "deletionProtection": "boolean",
    "accessEntries": "list",
    "addons": "object",
}

_BLOCK_MODELS: dict[str, type[BaseModel]] = {
    "nodes": NodesSettings,
    "fargate": FargateSettings,
    "privateLink": PrivateLinkSettings,
    "accessEntries": AccessEntrySettings,
    "addons": AddonsSettings,
}


def all_config_values() -> dict[str, Any]:
    """Every config key of the stack (``namespace:key``), as the language host hands them over."""
    values: dict[str, Any] = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    return values


def _decode(key: str, value: Any) -> tuple[Any, Optional[str]]:
    kind = KEY_KINDS.get(key)
    if not isinstance(value, str) or kind in (None, "string"):
        return value, None
    try:
        return json.loads(value), None
    except json.JSONDecodeError:
        if kind in ("list", "object"):
            expected = "a list" if kind == "list" else "an object (a YAML mapping)"
            return value, f"expected {expected}, got the text {value!r}"
        return value, None  # the schema reports "should be a valid integer/boolean"


def raw_settings(namespace: str, config: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The namespace's keys decoded from their wire form, and the keys that could not be decoded."""
    prefix = f"{namespace}:"
    raw: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for full_key, value in config.items():
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix):]
        decoded, problem = _decode(key, value)
        if problem:
            problems.append((key, problem))
        else:
            raw[key] = decoded
    return raw, problems


def _suggest(unknown: str, known: list[str]) -> str:
    by_lower = {k.lower(): k for k in known}
    match = difflib.get_close_matches(unknown.lower(), list(by_lower), n=1, cutoff=0.6)
    return f"; did you mean `{by_lower[match[0]]}`?" if match else f"; known keys: {', '.join(known)}"


def _aliases(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def key_path(loc: tuple[Any, ...]) -> str:
    """``('accessEntries', 0, 'access')`` as ``accessEntries[0].access``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _format_error(namespace: str, error: dict[str, Any]) -> str:
    loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
    path = f"{namespace}:{key_path(tuple(error['loc']))}"
    kind = error["type"]
    if kind == "extra_forbidden":
        parent_model: type[BaseModel] = _BLOCK_MODELS.get(loc[0], StackSettings) if len(loc) > 1 else StackSettings
        return f"unknown key `{path}`{_suggest(loc[-1], _aliases(parent_model))}"
    if kind == "missing":
        return f"{path}: required but not set"
    message = error["msg"]
    if kind == "value_error":
        return f"{path}: {message.removeprefix('Value error, ')}"
    if kind == "literal_error":
        return f"{path}: {error['input']!r} is not allowed; {message[0].lower()}{message[1:]}"
    return f"{path}: {message[0].lower()}{message[1:]} (got {error['input']!r})"


def _version_hint(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """YAML reads an unquoted ``1.30`` as the number 1.3, and the CLI hands the program the text ``1.3``."""
    value = raw.get("kubernetesVersion")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and re.fullmatch(r"\d+\.\d", value) and value not in SUPPORTED_VERSIONS:
        return [("kubernetesVersion", f"YAML read {value}0 as the number {value}; quote it: '{value}0'")]
    return []


def validate(raw: dict[str, Any], namespace: str = "eks-variants") -> StackSettings:
    """Validate decoded values; raise ``StackConfigError`` with every problem, each with its key path."""
    problems: list[str] = []
    settings: Optional[StackSettings] = None
    try:
        settings = StackSettings.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_format_error(namespace, e) for e in exc.errors())
        problems.extend(f"{namespace}:{path}: {message}" for path, message in _version_hint(raw))
    problems.extend(f"{namespace}:{path}: {message}" for path, message in cross_check(raw))
    if problems:
        raise StackConfigError(problems)
    assert settings is not None
    return settings


def check(namespace: str, config: Mapping[str, Any]) -> StackSettings:
    """Validate a stack's whole configuration as the language host hands it over (``namespace:key`` to the
    value's string form): the settings, or ``StackConfigError`` with every problem, a missing or unknown
    ``aws:region`` included. ``load()`` (the program, so preflight) and ``python -m eks_variants new-stack``
    both call it, so both report the same lines."""
    raw, decode_problems = raw_settings(namespace, config)
    problems = [f"{namespace}:{key}: {message}" for key, message in decode_problems]
    problems.extend(region_problems(config.get("aws:region")))
    settings: Optional[StackSettings] = None
    try:
        settings = validate(raw, namespace)
    except StackConfigError as exc:
        problems.extend(exc.problems)
    if problems:
        raise StackConfigError(problems)
    assert settings is not None
    return settings


def load(namespace: Optional[str] = None) -> StackSettings:
    """The validated settings of the running stack, or ``StackConfigError`` (every problem, including a
    missing ``aws:region``) before any resource exists."""
    return check(namespace or pulumi.get_project(), all_config_values())


def region() -> str:
    """``aws:region`` (``load()`` has already reported it when missing)."""
    return all_config_values()["aws:region"]


def known_regions() -> list[str]:
    """The regions the installed pulumi-aws knows (its ``Region`` enum), not a hand-kept list."""
    return sorted(region.value for region in pulumi_aws.Region)


def region_problems(value: Any) -> list[str]:
    if not value:
        return ["aws:region: required but not set (e.g. `pulumi config set aws:region eu-west-1`)"]
    regions = known_regions()
    if value in regions:
        return []
    match = difflib.get_close_matches(str(value), regions, n=1, cutoff=0.8)
    hint = f"; did you mean `{match[0]}`?" if match else f" ({len(regions)} known, e.g. eu-west-1, us-east-1)"
    return [f"aws:region: {value!r} is not a region pulumi-aws {_PULUMI_AWS_VERSION} knows{hint}"]
