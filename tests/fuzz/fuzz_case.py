"""One generated input for preflight, and what must happen with it (see fuzz_inputs)."""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Optional


@dataclasses.dataclass(frozen=True)
class Case:
    id: str
    family: str  # for sampling: one family per generator concern
    kind: str  # "export" | "stack" | "policy" | "project"
    content: Optional[bytes]  # the input file's bytes (None: `special` makes it)
    expect: str  # "reject" | "accept" | "judge"
    names: tuple = ()  # what stderr must name besides the file, when rejected
    special: Optional[str] = None  # fifo-silent, fifo-writer, procsub, dir, devzero, symlink-loop, sparse
    stack_name: str = "fuzz"  # a stack file is Pulumi.<stack_name>.yaml


# Values of every JSON type, for type confusion.
PALETTE = [0, 7, 2.5, True, False, "", "x", [], [1], {}, {"a": 1}]


def kind_of(v: Any) -> str:
    return {bool: "bool", int: "num", float: "num", str: "str", list: "list", dict: "obj"}[type(v)]


def as_json(doc: Any) -> bytes:
    return json.dumps(doc, indent=1).encode()
