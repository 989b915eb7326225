"""Lookups of existing infrastructure (`aws.ec2.get_vpc`, `get_subnets`, ...) in an offline preview.

A real preview asks AWS, so the program gets the real VPC and subnets. Offline there are two honest answers:

- **with facts** (`--aws-facts DIR`, preflight/inputs/aws_facts.py): the lookup is answered from what
  `aws ec2 describe-*` printed, with the provider's matching rules (EC2 filters and exact tags; a singular
  lookup that matches none or several fails as the provider's does);
- **without facts**: the result is unknown. The `_output` form gets a wholly unknown result, as the engine
  answers an invoke it cannot serve at preview (`ResourceInvokeResponse.unknown`): applies do not run and every
  value read from it is unknown. The plain form must return values, so each field is the unknown sentinel,
  which the SDK sends to the engine as an unknown when the program passes it to a resource; read item by item
  (iterated, indexed, measured) it stops the program with an error that says what to give. Each such lookup is
  noted in the output (`eks-guardrails-undecidable`), naming it.

Runs inside the program's process (the recorder's modules): standard library and pulumi only.
"""
from __future__ import annotations

import contextlib
import contextvars
import fnmatch
import functools
import importlib
import importlib.abc
import json
import re
import sys
from typing import Any, Callable, Iterator, Optional

from ..sentinels import UNKNOWN_VALUE

# token -> (facts document, describe command, kind): "one" returns one entry's fields, "ids" a list of ids
LOOKUPS: dict[str, tuple[str, str, str]] = {
    "aws:ec2/getVpc:getVpc": ("Vpcs", "describe-vpcs", "one"),
    "aws:ec2/getVpcs:getVpcs": ("Vpcs", "describe-vpcs", "ids"),
    "aws:ec2/getSubnet:getSubnet": ("Subnets", "describe-subnets", "one"),
    "aws:ec2/getSubnets:getSubnets": ("Subnets", "describe-subnets", "ids"),
    "aws:ec2/getRouteTable:getRouteTable": ("RouteTables", "describe-route-tables", "one"),
    "aws:ec2/getRouteTables:getRouteTables": ("RouteTables", "describe-route-tables", "ids"),
    "aws:ec2/getSecurityGroup:getSecurityGroup": ("SecurityGroups", "describe-security-groups", "one"),
    "aws:ec2/getSecurityGroups:getSecurityGroups": ("SecurityGroups", "describe-security-groups", "ids"),
    "aws:ec2/getNatGateway:getNatGateway": ("NatGateways", "describe-nat-gateways", "one"),
    "aws:ec2/getNatGateways:getNatGateways": ("NatGateways", "describe-nat-gateways", "ids"),
    "aws:ec2/getVpcEndpoint:getVpcEndpoint": ("VpcEndpoints", "describe-vpc-endpoints", "one"),
}


def is_lookup(token: str) -> bool:
    return token in LOOKUPS


def function_name(token: str) -> str:
    """aws:ec2/getSubnets:getSubnets -> aws.ec2.get_subnets (as a Python program calls it)."""
    pkg, mod, fn = token.split(":")
    mod = mod.split("/")[0]
    return ".".join(x for x in (pkg, "" if mod == "index" else mod, _snake(fn)) if x)


def how_to_give_facts(token: str) -> str:
    command = LOOKUPS[token][1] if token in LOOKUPS else "describe-*"
    return (f"give --aws-facts DIR with the output of `aws ec2 {command} --output json` (see docs/preflight.md, "
            "existing infrastructure)")


class LookupFailed(Exception):
    """The lookup fails against the facts, as the provider's would against AWS."""


class LookupValueUnknown(Exception):
    """A program read an unknown lookup field item by item. `problems`: the lines preflight reports (exit 2)."""

    def __init__(self, token: str, field: str):
        self.problems = [f"the program reads `{field}` of {function_name(token)} ({token}): iterates, indexes, "
                         "measures or tests it, but without AWS facts the lookup's result is unknown offline (a real "
                         f"preview reads it from AWS): {how_to_give_facts(token)}, or call {function_name(token)}"
                         "_output (an Output stays unknown at preview and the program's apply does not run)"]
        super().__init__(self.problems[0])


class UnknownLookupField(str):
    """A plain-form lookup field without facts: the unknown sentinel (a resource input holding it is unknown
    to the engine), which refuses to be iterated, indexed or measured."""

    def __new__(cls, token: str, field: str) -> "UnknownLookupField":
        s = super().__new__(cls, UNKNOWN_VALUE)
        s._lookup = (token, field)
        return s

    def _refuse(self, *args: Any) -> Any:
        raise LookupValueUnknown(*self._lookup)

    __iter__ = __getitem__ = __len__ = __contains__ = __bool__ = _refuse


# -- without facts ----------------------------------------------------------------------------------------

def result_fields(token: str) -> list[str]:
    """The wire names of a function's result type, from the installed SDK (`aws:ec2/getSubnets:getSubnets` ->
    pulumi_aws.ec2.get_subnets.GetSubnetsResult); [] when the SDK has no such type."""
    try:
        pkg, mod, fn = token.split(":")
        mod = mod.split("/")[0]
        module = importlib.import_module(".".join(x for x in (f"pulumi_{pkg}", "" if mod == "index" else mod,
                                                               _snake(fn)) if x))
        cls = getattr(module, fn[0].upper() + fn[1:] + "Result")
        from pulumi import _types
        return sorted(_types.output_type_types(cls))
    except Exception:  # noqa: BLE001 - another SDK layout: no fields known
        return []


def needs_unknown_invokes(token: str) -> str:
    return (f"{function_name(token)}_output ({token}) without AWS facts needs a pulumi SDK that can receive an "
            "unknown invoke result (ResourceInvokeResponse.unknown, pulumi 3.100 or later): upgrade pulumi, or "
            + how_to_give_facts(token))


_OFFLINE: contextvars.ContextVar[Optional[Callable[[str], bool]]] = contextvars.ContextVar(
    "preflight_offline_lookups", default=None)
_PLAIN_FORM: contextvars.ContextVar[bool] = contextvars.ContextVar("preflight_plain_lookup", default=False)


@contextlib.contextmanager
def lookup_forms(is_offline_lookup: Callable[[str], bool]) -> Iterator[None]:
    """While a program runs: the SDK's plain lookup functions (`aws.ec2.get_subnets`, patched in each module
    as it is imported) mark their invokes and, where `is_offline_lookup(token)`, hand the program fields that
    refuse item-by-item reads; an unmarked lookup invoke comes from an `_output` form."""
    token = _OFFLINE.set(is_offline_lookup)
    finder = _PatchingFinder()
    sys.meta_path.insert(0, finder)
    for module in list(sys.modules.values()):
        _patch(module)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
        _OFFLINE.reset(token)


def plain_form() -> bool:
    """Whether the invoke being answered was made by a plain (not `_output`) lookup function."""
    return _PLAIN_FORM.get()


def _plain(fn: Callable, token: str) -> Callable:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        offline = _OFFLINE.get()
        if offline is None or not offline(token):
            return fn(*args, **kwargs)
        mark = _PLAIN_FORM.set(True)
        try:
            result = fn(*args, **kwargs)
        finally:
            _PLAIN_FORM.reset(mark)
        fields = vars(result)  # output types keep their fields here (pulumi._types.set)
        for name in list(fields):
            fields[name] = UnknownLookupField(token, name)
        return result
    call._preflight_lookup = True  # type: ignore[attr-defined]
    return call


@functools.lru_cache(maxsize=None)
def _function_modules() -> dict[str, tuple[str, str]]:
    """Module of each plain lookup function -> (function name, token): pulumi_aws.ec2.get_subnets ->
    (get_subnets, aws:ec2/getSubnets:getSubnets)."""
    out = {}
    for tok in LOOKUPS:
        pkg, mod, fn = tok.split(":")
        out[f"pulumi_{pkg}.{mod.split('/')[0]}.{_snake(fn)}"] = (_snake(fn), tok)
    return out


def _patch(module: Any) -> None:
    """Wrap the plain lookup function a module defines (its own module) or re-exports (its package)."""
    try:  # never `getattr`: any attribute access loads a module the SDKs import lazily
        namespace = object.__getattribute__(module, "__dict__")
    except (AttributeError, TypeError):
        return
    name = namespace.get("__name__")
    if not isinstance(name, str) or not name.startswith("pulumi_"):
        return
    functions = _function_modules()
    targets = [functions[name]] if name in functions else []
    targets += [v for m, v in functions.items() if m.rsplit(".", 1)[0] == name]
    for fn_name, tok in targets:
        fn = namespace.get(fn_name)
        if callable(fn) and not getattr(fn, "_preflight_lookup", False):
            setattr(module, fn_name, _plain(fn, tok))


class _PatchingFinder(importlib.abc.MetaPathFinder):
    """Patches a lookup function's module right after it runs, before its package's
    `from .get_subnets import *` copies the function."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _function_modules():
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchingLoader(spec.loader)
                return spec
        return None


class _PatchingLoader(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        _patch(module)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def describe_args(args: dict) -> str:
    """A lookup's arguments for a note, compact and in one order."""
    shown = {k: v for k, v in sorted(args.items()) if v not in (None, [], {})}
    if not shown:
        return "no arguments"
    text = json.dumps(shown, sort_keys=True, separators=(", ", ": "),
                      default=lambda v: UNKNOWN_VALUE if type(v).__name__ == "Unknown" else str(v))
    return text.replace(json.dumps(UNKNOWN_VALUE), "(unknown)")


def matches(pattern: str, value: Any) -> bool:
    """An EC2 filter value (`*` and `?` wildcards, case-sensitive) against one value of an entry."""
    text = json.dumps(value) if isinstance(value, bool) else str(value)
    return fnmatch.fnmatchcase(text, pattern)


NOTE_POLICY = "eks-guardrails-undecidable"


def lookup_notes(lookups: list, urn: str, level: str, pack: str = "", pack_version: str = "") -> list:
    """One advisory note per distinct lookup answered without facts (the pack sees no invokes, so preflight
    names them): what was looked up, that what depends on it is undecided here, how to give the facts."""
    from ..records import Violation
    notes = []
    for token, answered, args in sorted(set(tuple(x) for x in lookups)):
        if answered != "unknown" or level == "disabled":
            continue
        notes.append(Violation(NOTE_POLICY, level, urn, (
            f"cannot decide: the program looks up existing infrastructure with {function_name(token)} ({args}); "
            "offline, without AWS facts, its result is unknown, so every check of what the program builds from "
            f"it is undecided here (a real preview reads it from AWS): {how_to_give_facts(token)}"),
            pack, pack_version))
    return notes
