"""Auto-naming as pulumi-aws applies it in Check, so the inputs the analyzer receives at preview carry the
physical names AWS will see (the engine analyzes the *checked* inputs: pulumi pkg/resource/deploy/
step_generator.go, "Send the resource off to any Analyzers").

pulumi-aws 7 (provider/resources.go, resource_overrides.go; pulumi-terraform-bridge pkg/tfbridge/info/
autonaming.go):
- every resource whose Terraform schema has an input `name` gets `AutoName("name", 255, "-")`
  (`setAutonaming`); some types override the property or its maximum length (`_OVERRIDES` below);
- an auto-name is `<logical name><separator><7 random hex>` (`resource.NewUniqueName`): never truncated,
  a name longer than the maximum fails Check ("name '…' plus 7 random chars is longer than maximum
  length N");
- a property is not defaulted when a property it conflicts with is set (bridge `applyDefaults`,
  `ConflictsWith`): with `namePrefix` / `nodeGroupNamePrefix` the Terraform provider names the resource at
  create, `<prefix><26-character unique id>` (terraform-plugin-sdk `id.PrefixedUniqueId`), unknown at preview;
- the engine's `pulumi:autonaming` stack config (CheckRequest.autonaming) replaces the random default:
  `mode: verbatim` (the logical name), `mode: disabled` (an explicit name is required), or a `pattern`
  (`enforce: true` skips the provider's length check), globally or under `providers.aws[.resources.<type>]`.

The random part is a hash of the URN and the property, so recordings are reproducible.
"""
from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Optional

from .invokes import fake_hex
from .provider_values import input_properties

RANDOM_SUFFIX_LENGTH = 7  # tfbridge AutoName: Randlen 7
PREFIX_SUFFIX_LENGTH = 26  # terraform-plugin-sdk id.UniqueIDSuffixLength


@dataclass(frozen=True)
class AutoNameRule:
    prop: str
    maxlen: int = 255
    separator: str = "-"
    prefix_prop: Optional[str] = None  # the conflicting `*NamePrefix` input
    add_prefix: str = ""  # PostTransform (aws_kms_alias: "alias/")


# Explicit overrides in pulumi-aws's resource_overrides.go for the types EKS programs use.
_OVERRIDES = {
    "aws:eks/fargateProfile:FargateProfile": AutoNameRule("fargateProfileName"),
    "aws:eks/nodeGroup:NodeGroup": AutoNameRule("nodeGroupName", prefix_prop="nodeGroupNamePrefix"),
    "aws:iam/role:Role": AutoNameRule("name", 64, prefix_prop="namePrefix"),
    "aws:kms/alias:Alias": AutoNameRule("name", 238, prefix_prop="namePrefix", add_prefix="alias/"),
    "aws:lambda/function:Function": AutoNameRule("name", 64),
    "aws:cloudwatch/eventRule:EventRule": AutoNameRule("name", 64, prefix_prop="namePrefix"),
}


class AutoNameError(Exception):
    """Check fails: the auto-name cannot be made (too long, or auto-naming disabled)."""


def rule_for(type_token: str) -> Optional[AutoNameRule]:
    if type_token in _OVERRIDES:
        return _OVERRIDES[type_token]
    if not type_token.startswith("aws:"):
        return None
    inputs = input_properties(type_token)
    if "name" not in inputs:
        return None
    return AutoNameRule("name", prefix_prop="namePrefix" if "namePrefix" in inputs else None)


def _set(value) -> bool:
    return value is not None  # the bridge defaults only absent properties (an unknown counts as set)


@dataclass(frozen=True)
class NamingContext:
    stack: str
    project: str
    organization: str
    config: dict  # PULUMI_CONFIG as the program sees it (strings, structured values as JSON)


def autonaming_config(ctx: NamingContext, type_token: str) -> Optional[dict]:
    """The `pulumi:autonaming` entry that applies to this resource type (most specific first)."""
    raw = ctx.config.get("pulumi:autonaming")
    if raw is None:
        return None
    try:
        cfg = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        cfg = raw
    if not isinstance(cfg, dict):
        raise AutoNameError(f"pulumi:autonaming: expected an object (mode or pattern), got {raw!r}")
    provider = ((cfg.get("providers") or {}).get(type_token.split(":")[0]) or {})
    resource = (provider.get("resources") or {}).get(type_token)
    for level in (resource, provider, cfg):
        if isinstance(level, dict) and ("mode" in level or "pattern" in level):
            return level
    return None


_PATTERN_PART = re.compile(r"\$\{([^}]*)\}")
_RANDOM = {"hex": "0123456789abcdef", "alphanum": "0123456789abcdefghijklmnopqrstuvwxyz",
           "string": "abcdefghijklmnopqrstuvwxyz", "num": "0123456789"}


def _expand(pattern: str, logical: str, urn: str, ctx: NamingContext) -> str:
    def part(m: re.Match) -> str:
        expr = m.group(1)
        fixed = {"name": logical, "stack": ctx.stack, "project": ctx.project,
                 "organization": ctx.organization}
        if expr in fixed:
            return fixed[expr]
        if expr == "uuid":
            return str(uuid.UUID(fake_hex(urn + "#uuid", 32)))
        if expr.startswith("config."):
            key = expr[len("config."):]
            value = ctx.config.get(key if ":" in key else f"{ctx.project}:{key}")
            if value is None:
                raise AutoNameError(f"pulumi:autonaming: pattern {pattern!r}: no config value {key!r}")
            return str(value)
        fn = re.fullmatch(r"(hex|alphanum|string|num)\((\d+)\)", expr)
        if fn:
            charset, n = _RANDOM[fn.group(1)], int(fn.group(2))
            digest = fake_hex(f"{urn}#{expr}#{m.start()}", 64)
            return "".join(charset[int(digest[2 * i:2 * i + 2], 16) % len(charset)] for i in range(n))
        raise AutoNameError(f"pulumi:autonaming: pattern {pattern!r}: unknown expression ${{{expr}}}")
    return _PATTERN_PART.sub(part, pattern)


def _proposed(cfg: dict, logical: str, urn: str, ctx: NamingContext) -> tuple[Optional[str], str]:
    """(proposed name, mode) as the engine sends it in CheckRequest.autonaming."""
    mode = cfg.get("mode", "default")
    if "pattern" in cfg:
        return _expand(str(cfg["pattern"]), logical, urn, ctx), ("enforce" if cfg.get("enforce") else "propose")
    if mode == "verbatim":
        return logical, "propose"
    if mode == "disabled":
        return None, "disable"
    if mode == "default":
        return None, "default"
    raise AutoNameError(f"pulumi:autonaming: unknown mode {mode!r} (default, verbatim or disabled)")


def auto_name(type_token: str, urn: str, logical: str, inputs: dict,
              ctx: NamingContext) -> tuple[dict, dict]:
    """(properties to add to the checked inputs, {property: its prefix} for the properties the Terraform
    provider names at create from a prefix: unknown at preview).

    Raises AutoNameError where the provider's Check would fail."""
    rule = rule_for(type_token)
    if rule is None or _set(inputs.get(rule.prop)):
        return {}, {}
    if rule.prefix_prop and _set(inputs.get(rule.prefix_prop)):
        return {}, {rule.prop: inputs[rule.prefix_prop]}
    cfg = autonaming_config(ctx, type_token)
    proposed, mode = _proposed(cfg, logical, urn, ctx) if cfg else (None, "default")
    if mode == "disable":
        raise AutoNameError(f"{rule.prop}: automatic naming is disabled but no explicit name was provided")
    if mode == "enforce":
        return {rule.prop: proposed}, {}
    if mode == "propose":
        if len(proposed) > rule.maxlen:
            raise AutoNameError(f"{rule.prop}: calculated name '{proposed}' exceeds maximum length of {rule.maxlen}")
        return {rule.prop: _post_transform(rule, proposed)}, {}
    prefix = logical + rule.separator
    if len(prefix) + RANDOM_SUFFIX_LENGTH > rule.maxlen:
        raise AutoNameError(f"{rule.prop}: could not make instance of '{type_token}': name '{prefix}' plus "
                            f"{RANDOM_SUFFIX_LENGTH} random chars is longer than maximum length {rule.maxlen}")
    return {rule.prop: _post_transform(rule, prefix + fake_hex(f"{urn}#{rule.prop}", RANDOM_SUFFIX_LENGTH))}, {}


def _post_transform(rule: AutoNameRule, name: str) -> str:
    return name if name.startswith(rule.add_prefix) else rule.add_prefix + name


def created_with_prefix(prefix: str, urn: str) -> str:
    """The name the Terraform provider makes at create from a `*NamePrefix` (for `--deployed` recordings)."""
    digits = str(int(fake_hex(urn + "#prefix", 24), 16))[:PREFIX_SUFFIX_LENGTH]
    return prefix + digits.rjust(PREFIX_SUFFIX_LENGTH, "0")
