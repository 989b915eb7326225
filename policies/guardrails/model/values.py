"""Plain-value helpers of the model and the rules: unwrap pulumi_policy proxies, recognise unknowns, parse
booleans, lists and CIDRs."""
from __future__ import annotations

import base64
import ipaddress
from typing import Any, Iterable, List, Optional

# The wire sentinels the engine sends for values that are not known at preview (pulumi_policy.proxy);
# plain() turns each into UNKNOWN, the model's one "not known at preview" value.
UNKNOWN_SENTINELS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string (the engine uses this one for everything)
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
})


class _Unknown:
    """The one value that stands for "not known at preview" inside the model."""
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # never let an unknown be used as a truth value by accident
        raise TypeError("UNKNOWN has no truth value; test with `is UNKNOWN`")


UNKNOWN = _Unknown()


def is_unknown(v: Any) -> bool:
    return v is UNKNOWN or (isinstance(v, str) and v in UNKNOWN_SENTINELS)


def proxy_target(props: Any) -> Any:
    """The plain dict behind a pulumi_policy props proxy (its "__target"); anything else as it is."""
    if isinstance(props, dict):
        return props
    try:
        return props["__target"]
    except Exception:  # noqa: BLE001 - not a proxy
        return props


def plain(v: Any) -> Any:
    """Deep-convert pulumi_policy proxies (and secrets) to plain dicts/lists; unknowns become UNKNOWN."""
    if isinstance(v, str):
        return UNKNOWN if v in UNKNOWN_SENTINELS else v
    if v is None or isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    # _DictProxy / _ListProxy expose the raw target under "__target"
    try:
        target = v["__target"]
    except Exception:  # noqa: BLE001 - anything else (assets, secrets wrappers) is kept as is
        inner = getattr(v, "value", None)
        return plain(inner) if inner is not None else v
    return plain(target)


def tri_bool(v: Any, default: Optional[bool] = None) -> Any:
    """True / False / UNKNOWN; None (absent) -> default. Accepts "true"/"false" strings; any other value (a
    number, an asset, a reference, a list) is of the wrong type for a decision: UNKNOWN, reported undecidable."""
    if v is None:
        return default
    if v is UNKNOWN:
        return UNKNOWN
    if isinstance(v, bool):
        return v
    if isinstance(v, str):
        s = v.strip().lower()
        if s == "true":
            return True
        if s == "false":
            return False
        return UNKNOWN
    return UNKNOWN  # a number, object or list where a boolean belongs: the decision cannot be made


def as_list(v: Any) -> Any:
    """A list, [] for None, UNKNOWN for an unknown list; a scalar becomes a one-element list."""
    if v is None:
        return []
    if v is UNKNOWN:
        return UNKNOWN
    if isinstance(v, list):
        return v
    return [v]


def get(d: Any, *path: Any) -> Any:
    """Walk dicts/lists; None where absent, UNKNOWN where an intermediate value is unknown."""
    cur = d
    for p in path:
        if cur is UNKNOWN:
            return UNKNOWN
        if isinstance(cur, dict):
            cur = cur.get(p)
        elif isinstance(cur, list) and isinstance(p, int):
            cur = cur[p] if -len(cur) <= p < len(cur) else None
        else:
            return None
        if cur is None:
            return None
    return cur


def network(cidr: Any):
    if not isinstance(cidr, str):
        return None
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False)
    except ValueError:
        try:
            return ipaddress.ip_network(cidr.strip() + "/32", strict=False)
        except ValueError:
            return None


def cidr_within(inner: Any, outers: Iterable[Any]) -> bool:
    n = network(inner)
    if n is None:
        return False
    for o in outers:
        on = network(o)
        if on is not None and on.version == n.version and n.subnet_of(on):
            return True
    return False


def is_open_cidr(c: Any) -> bool:
    n = network(c)
    return n is not None and n.prefixlen == 0


def cidr_list(v: Any) -> List[Any]:
    """A CIDR list input as a list: [] for None, [UNKNOWN] for an unknown list."""
    if v is None:
        return []
    if v is UNKNOWN:
        return [UNKNOWN]
    return list(as_list(v))


def unique_by_identity(items: List[Any]) -> List[Any]:
    seen, out = set(), []
    for i in items:
        if id(i) not in seen:
            seen.add(id(i))
            out.append(i)
    return out


def decode_base64(s: str) -> str:
    """Text of a base64 value (launch template userData); the value itself if it is not base64."""
    try:
        return base64.b64decode(s, validate=False).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - binascii.Error and friends
        return s
