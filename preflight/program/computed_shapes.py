"""What a provider fills in inside the objects a program gives (`vpcConfig`, a launch template's
`networkInterfaces`, ...), read from the installed SDK's own output types.

A provider computes nested fields too (`aws.eks.Cluster`'s `vpcConfig.clusterSecurityGroupId` and `vpcId`), and
in a preview of a new resource they are unknown, so the whole property is unknown to the program (the SDK deems
an object holding an unknown unknown) and everything computed from it carries the dependency on the resource.
The SDKs cannot say *which* nested fields are computed: a bridged provider's nested input types mirror its output
types field for field (all 8,240 pulumi_aws 7.x output types with an Args counterpart have the same fields). So at
preview every field an output type declares and the program did not give reads as unknown; the fields it gave
are kept."""
from __future__ import annotations

import collections.abc as abc
import dataclasses
import importlib
import typing
import warnings
from typing import Any, Optional

from pulumi import _types
from pulumi.runtime import rpc as _rpc

from ..sentinels import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE


@dataclasses.dataclass
class Shape:
    """An object type's fields (wire names) and, for each field holding objects, their Shape and whether the field
    is a map of them (else one object or a list of them)."""
    fields: frozenset = frozenset()
    nested: dict = dataclasses.field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.nested)


EMPTY = Shape()
_SEQUENCES = (list, abc.Sequence, typing.Sequence, typing.List)
_MAPPINGS = (dict, abc.Mapping, typing.Mapping, typing.Dict)


def _object_class(hint: Any) -> tuple[Optional[type], bool]:
    """The SDK output type a field holds (through Output/Optional and lists or maps of it), and whether it is a
    map of them; (None, False) for scalars and untyped values."""
    is_map = False
    for _ in range(8):  # Output[Optional[Sequence[X]]] unwraps in a few steps
        hint = _types.unwrap_type(hint)
        if isinstance(hint, type) and _types.is_output_type(hint):
            return hint, is_map
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in _SEQUENCES and args:
            hint = args[0]
        elif origin in _MAPPINGS and len(args) == 2:
            hint, is_map = args[1], True
        else:
            return None, False
    return None, False


_SHAPES: dict[tuple, Shape] = {}


def _shape(cls: type, resource: bool = False) -> Shape:
    key = (cls, resource)
    if key in _SHAPES:
        return _SHAPES[key]
    shape = Shape()
    _SHAPES[key] = shape  # a type that contains itself stops here
    try:
        types = _types.resource_types(cls) if resource else _types.output_type_types(cls)
    except Exception:  # noqa: BLE001 - a hint the SDK cannot resolve: nothing known about the type
        return shape
    # A resource's own absent properties are unknown at preview already (the SDK resolves them so).
    shape.fields = frozenset() if resource else frozenset(types)
    for name, hint in types.items():
        obj, is_map = _object_class(hint)
        if obj is not None:
            sub = _shape(obj)
            if sub:
                shape.nested[name] = (sub, is_map)
    return shape


def sdk_resource_class(type_token: str) -> Optional[type]:
    """The SDK resource class of a type token, from the modules the SDKs register."""
    try:
        pkg, mod, _ = type_token.split(":")
    except ValueError:
        return None
    for m in _rpc._RESOURCE_MODULES.get(f"{pkg}:{mod}") or []:
        info = getattr(m, "mod_info", None)
        if not info or type_token not in info.get("classes", {}):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pymod = importlib.import_module(info["fqn"])
        return getattr(pymod, info["classes"][type_token], None)
    return None


_RESOURCE_SHAPES: dict[str, Shape] = {}


def resource_shape(type_token: str) -> Shape:
    """The object-typed properties of a resource type and the fields of each, at any depth."""
    if type_token not in _RESOURCE_SHAPES:
        try:
            cls = sdk_resource_class(type_token)
            _RESOURCE_SHAPES[type_token] = _shape(cls, resource=True) if cls is not None else EMPTY
        except Exception:  # noqa: BLE001 - unknown or unusual type: nothing known about it
            _RESOURCE_SHAPES[type_token] = EMPTY
    return _RESOURCE_SHAPES[type_token]


def with_unknowns(value: Any, shape: Shape) -> Any:
    """`value` (an object given as input, a list of them, a secret holding one) with every field of `shape` it
    lacks added as the unknown sentinel, at any depth; given fields are kept."""
    if isinstance(value, list):
        return [with_unknowns(v, shape) for v in value]
    if not isinstance(value, dict):
        return value  # unknown, null or a scalar: nothing to add to
    sig = value.get(SIG_KEY)
    if sig == SECRET_SIG:
        return {**value, "value": with_unknowns(value.get("value"), shape)}
    if sig is not None:  # a resource reference, asset or archive
        return value
    out = dict(value)
    for name in shape.fields:
        out.setdefault(name, UNKNOWN_VALUE)
    for name, (sub, is_map) in shape.nested.items():
        v = out.get(name)
        if is_map and isinstance(v, dict) and v.get(SIG_KEY) is None:
            out[name] = {k: with_unknowns(x, sub) for k, x in v.items()}
        elif v is not None:
            out[name] = with_unknowns(v, sub)
    return out


def preview_state(type_token: str, outputs: dict) -> dict:
    """What a preview hands the program for a new resource: `outputs` with every nested field its provider may
    fill in unknown."""
    return with_unknowns(outputs, resource_shape(type_token))


def nested_paths(shape: Shape, prefix: str = "", depth: int = 0) -> list[str]:
    """The nested fields of a shape as paths (`vpcConfig.clusterSecurityGroupId`), to a bounded depth."""
    paths = [prefix + n for n in sorted(shape.fields)]
    if depth < 6:
        for name, (sub, _) in sorted(shape.nested.items()):
            paths += nested_paths(sub, f"{prefix}{name}.", depth + 1)
    return paths
