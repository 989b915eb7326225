"""Hypothesis strategies for state files: every form the engine writes a value in, substituted at random paths
of a valid `pulumi stack export` (deployment v3) document.

The forms (pkg/resource/stack/deployment.go, sdk/go/common/resource/sig): secrets (`plaintext` as JSON text,
raw non-JSON text, "null", an object in place of the text; `ciphertext`), the unknown sentinel in place of any
value (a whole inputs/outputs object, list elements, ids), assets, archives, resource references (with and
without an id, id ""), output values. Used by tests/fuzz/test_state_properties.py and `make fuzz`.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Callable

from hypothesis import strategies as st

from preflight.sentinels import ARCHIVE_SIG, ASSET_SIG, RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_VALUE

OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def secret_json(v: Any) -> dict:
    """A secret as `pulumi stack export --show-secrets` writes it: the value as JSON text."""
    return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(v)}


def secret_raw(v: Any) -> dict:
    """A secret whose plaintext is not JSON (a string written as it is); other values as JSON."""
    return {SIG_KEY: SECRET_SIG, "plaintext": v if isinstance(v, str) else json.dumps(v)}


def secret_object(v: Any) -> dict:
    """A secret holding its value itself (an object or list where the text should be)."""
    return {SIG_KEY: SECRET_SIG, "plaintext": v}


def secret_value(v: Any) -> dict:
    """A secret as the wire carries it (`value`, not `plaintext`)."""
    return {SIG_KEY: SECRET_SIG, "value": v}


# Wrappers whose value, unwrapped, is the value wrapped: the verdict must not change.
SECRET_WRAPPERS: dict[str, Callable[[Any], Any]] = {
    "secret-json": secret_json, "secret-raw": secret_raw, "secret-value": secret_value}

URNS = ["urn:pulumi:s::p::aws:ec2/vpc:Vpc::v", "urn:pulumi:s::p::eks:index:Cluster::c"]
# Values that replace a value outright: the run must give a verdict (0 or 1) whatever they replace.
REPLACEMENTS: list[Any] = [
    UNKNOWN_VALUE,
    {SIG_KEY: SECRET_SIG, "plaintext": "null"},
    {SIG_KEY: SECRET_SIG, "plaintext": "not json {"},
    {SIG_KEY: SECRET_SIG, "plaintext": {"a": [1, {"b": None}]}},
    {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(UNKNOWN_VALUE)},
    {SIG_KEY: SECRET_SIG, "ciphertext": "v1:AAAA:BBBB"},
    {SIG_KEY: SECRET_SIG},
    {SIG_KEY: SECRET_SIG, "plaintext": json.dumps({SIG_KEY: SECRET_SIG, "plaintext": "\"x\""})},
    {SIG_KEY: ASSET_SIG, "hash": HASH, "text": "hello"},
    {SIG_KEY: ASSET_SIG, "hash": HASH, "path": "./index.py"},
    {SIG_KEY: ASSET_SIG, "uri": "https://example.com/a.txt"},
    {SIG_KEY: ARCHIVE_SIG, "hash": HASH, "assets": {"a.txt": {SIG_KEY: ASSET_SIG, "text": "x"}}},
    {SIG_KEY: ARCHIVE_SIG, "path": "./app.zip"},
    {SIG_KEY: ARCHIVE_SIG, "uri": "https://example.com/a.zip"},
    {SIG_KEY: RESOURCE_REF_SIG, "urn": URNS[0], "id": "vpc-123", "packageVersion": "6.0.0"},
    {SIG_KEY: RESOURCE_REF_SIG, "urn": URNS[0], "id": "", "packageVersion": ""},
    {SIG_KEY: RESOURCE_REF_SIG, "urn": URNS[1], "packageVersion": ""},
    {SIG_KEY: RESOURCE_REF_SIG, "urn": URNS[0], "id": UNKNOWN_VALUE},
    {SIG_KEY: OUTPUT_VALUE_SIG, "value": "x", "secret": True, "dependencies": [URNS[0]]},
    {SIG_KEY: OUTPUT_VALUE_SIG, "dependencies": [URNS[0]]},
    {SIG_KEY: OUTPUT_VALUE_SIG, "value": [1, 2]},
    None, True, 0, -1.5, "", "x", [], {}, [UNKNOWN_VALUE], {"k": UNKNOWN_VALUE}, [None], ["0.0.0.0/0"],
]


# Values the engine refuses in a state file (exit 2 naming the file, the resource and the property path).
REFUSED: list[Any] = [
    {SIG_KEY: "ffffffffffffffffffffffffffffffff", "x": 1}, {SIG_KEY: 7},
    {SIG_KEY: RESOURCE_REF_SIG, "id": "x"}, {SIG_KEY: RESOURCE_REF_SIG, "urn": URNS[0], "id": 5},
]


def value_paths(doc: dict) -> list[tuple]:
    """Every path of a resource's id, inputs and outputs (the objects themselves included), as
    (resource index, field, key...) tuples."""
    out: list[tuple] = []

    def walk(v: Any, path: tuple) -> None:
        out.append(path)
        if isinstance(v, dict) and SIG_KEY not in v:
            for k, x in v.items():
                walk(x, path + (k,))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, path + (i,))

    for i, r in enumerate(doc["deployment"]["resources"]):
        if r.get("custom") and "id" in r:
            out.append((i, "id"))
        for field in ("inputs", "outputs"):
            if field in r:
                walk(r[field], (i, field))
    return out


def replaced(doc: dict, path: tuple, fn: Callable[[Any], Any]) -> dict:
    """A copy of `doc` with the value at `path` replaced by fn(value)."""
    new = copy.deepcopy(doc)
    holder: Any = new["deployment"]["resources"]
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = fn(holder[path[-1]])
    return new


def _leaf_paths(doc: dict) -> list[tuple]:
    return [p for p in value_paths(doc) if p[1] != "id" and len(p) > 2]


@st.composite
def secret_wrapped(draw, doc: dict) -> tuple[dict, str]:
    """(document with secrets around values at 1-3 random paths, what was done)."""
    paths = _leaf_paths(doc)
    count = draw(st.integers(1, 3))
    out, done = doc, []
    for _ in range(count):
        path = draw(st.sampled_from(paths))
        name = draw(st.sampled_from(sorted(SECRET_WRAPPERS)))
        try:
            out = replaced(out, path, SECRET_WRAPPERS[name])
        except (KeyError, IndexError, TypeError):
            continue  # an earlier substitution wrapped a parent of this path
        done.append(f"{name} at {path}")
    return out, "; ".join(done)


@st.composite
def substituted(draw, doc: dict) -> tuple[dict, str]:
    """(document with 1-3 values replaced by a value in one of the engine's forms, what was done)."""
    paths = value_paths(doc)
    out, done = doc, []
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        new = draw(st.sampled_from(REPLACEMENTS))
        if (path[1] == "id" and not isinstance(new, str)) or (len(path) == 2 and path[1] != "id" and not (
                new is None or isinstance(new, dict))):
            continue  # an id is a string, inputs/outputs an object, in the CLI's own structs: else exit 2
        try:
            out = replaced(out, path, lambda _, n=new: copy.deepcopy(n))
        except (KeyError, IndexError, TypeError):
            continue
        done.append(f"{json.dumps(new)[:60]} at {path}")
    return out, "; ".join(done)
