"""JSON as the Pulumi CLI (Go's encoding/json) reads it, for exports and policy configs.

- `NaN`, `Infinity` and `-Infinity` are not JSON: refused (Python's json module accepts them).
- A number must fit a 64-bit float (Go decodes JSON numbers into float64 and refuses `1e400`; protobuf's
  `Value` carrying it to the pack is a double too): refused beyond, with the key path.
- A string with an unpaired UTF-16 surrogate escape (`"\\ud800"`) is read as Go reads it: the surrogate
  becomes U+FFFD (encoding/json's documented behaviour); it could not be sent to the pack otherwise.
- Nesting is bounded at MAX_DEPTH levels: Python packs turn property values into Python objects
  recursively, and deeper documents would end in a RecursionError here or in the pack.
"""
from __future__ import annotations

import json
import re
import sys
from typing import Any, Callable, Iterator

from ..errors import InputError

MAX_DEPTH = 64
_FLOAT_MAX = sys.float_info.max
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF][0-9a-fA-F]{2}")


class NotANumber:
    """Where the document holds a number JSON or float64 cannot carry; reported with its key path."""
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def problem(self) -> str:
        if self.text in ("NaN", "Infinity", "-Infinity"):
            return f"{self.text} is not a JSON number"
        shown = self.text if len(self.text) <= 24 else f"{self.text[:20]}… ({len(self.text)} digits)"
        return f"the number {shown} is outside the range of a 64-bit float"


def parse_json_counted(text: str, name: str, what: str) -> tuple[Any, int]:
    """The JSON document `text` (from `name`) and how many NotANumber it holds. Raises InputError for
    malformed JSON or nesting past what the parser can take; numbers JSON cannot carry are left as
    NotANumber for `problems_in` to report by key path."""
    bad = [0]

    def not_a_number(text: str) -> NotANumber:
        bad[0] += 1
        return NotANumber(text)

    def parse_float(text: str) -> Any:
        value = float(text)
        return not_a_number(text) if value in (float("inf"), float("-inf")) else value

    def parse_int(text: str) -> Any:
        if len(text) > 310:  # more digits than float64's largest value; int() would refuse > 4300 too
            return not_a_number(text)
        value = int(text)
        return not_a_number(text) if abs(value) > _FLOAT_MAX else value

    try:
        value = json.loads(text, parse_constant=not_a_number, parse_float=parse_float, parse_int=parse_int)
    except RecursionError:
        raise InputError(f"{what} is nested more than {MAX_DEPTH} levels deep", source=name) from None
    except ValueError as e:
        raise InputError(f"malformed JSON: {e}", source=name) from None
    return value, bad[0]


def parse_json(text: str, name: str, what: str) -> Any:
    return parse_json_counted(text, name, what)[0]


def deepest(value: Any) -> int:
    """How many levels of objects and lists `value` nests (1 for a flat object)."""
    best, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > best:
            best = depth
        for child in (node.values() if type(node) is dict else node):
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return best if isinstance(value, (dict, list)) else 0


def has_surrogate_escapes(text: str) -> bool:
    return _SURROGATE_ESCAPE.search(text) is not None


def problems_in(value: Any, fix_surrogates: bool = True, max_depth: int = MAX_DEPTH
                ) -> Iterator[tuple[tuple, str]]:
    """(key path, problem) for every NotANumber and every level past `max_depth` in a parsed document.
    With `fix_surrogates`, unpaired surrogates in strings (keys too) become U+FFFD in place."""
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > max_depth:
            yield path[:max_depth], f"nested more than {max_depth} levels deep"
            continue
        if isinstance(node, dict):
            if fix_surrogates and any(isinstance(k, str) and _SURROGATE.search(k) for k in node):
                fixed = {_SURROGATE.sub("\ufffd", k): v for k, v in node.items()}
                node.clear()
                node.update(fixed)
            for k, v in node.items():
                if isinstance(v, (dict, list)):
                    stack.append((v, path + (k,)))
                elif isinstance(v, NotANumber):
                    yield path + (k,), v.problem()
                elif fix_surrogates and isinstance(v, str) and not v.isascii() and _SURROGATE.search(v):
                    node[k] = _SURROGATE.sub("\ufffd", v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, (dict, list)):
                    stack.append((v, path + (i,)))
                elif isinstance(v, NotANumber):
                    yield path + (i,), v.problem()
                elif fix_surrogates and isinstance(v, str) and not v.isascii() and _SURROGATE.search(v):
                    node[i] = _SURROGATE.sub("\ufffd", v)
        elif isinstance(node, NotANumber):
            yield path, node.problem()


def key_path(path: tuple) -> str:
    """`a.b[2].c` for a key path (keys with dots or brackets quoted)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if re.fullmatch(r"[A-Za-z0-9_\-:/$@]+", part or "-") else json.dumps(part)
            out += f".{text}" if out else text
    return out or "(top level)"


def first_problems(value: Any, render: Callable[[tuple], str], limit: int = 20,
                   fix_surrogates: bool = True) -> list[str]:
    """Up to `limit` problem lines `<where>: <problem>`, `render` naming a key path."""
    out: list[str] = []
    for path, problem in problems_in(value, fix_surrogates):
        out.append(f"{render(path)}: {problem}")
        if len(out) >= limit:
            break
    return out
