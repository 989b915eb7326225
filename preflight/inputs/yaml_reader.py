"""YAML as the Pulumi CLI reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` (gopkg.in/yaml.v3, decoding into
untyped values), on top of PyYAML's safe loader:

- a mapping key defined twice is an error (yaml.v3: `mapping key "x" already defined at line N`);
- aliases are expanded no further than yaml.v3 allows: its decoder fails with "document contains
  excessive aliasing" once more than 100 aliased nodes make up more than 99 % of the nodes decoded
  (10 % beyond 4,000,000 nodes; decode.go `allowedAliasRatio`). The check walks the composed node graph
  before any value is built, so an alias bomb costs a few thousand steps, never its expansion;
- nesting is bounded at MAX_DEPTH levels (yaml.v3's own limit is 10,000; PyYAML's composer recurses);
- untyped decoding: an unquoted date stays the string it is (yaml.v3 keeps timestamps as strings when
  decoding into interface{}); only `true`/`false` are booleans (YAML 1.1's `yes`/`on`/… stay strings);
  `1:30` is a string, not sexagesimal 90; an integer too large for 64 bits becomes a float, or stays a
  string if a float cannot hold it either (yaml.v3 resolve.go); `!!binary` decodes to its text;
- `!!set`, `!!omap`, `!!pairs` and every language-specific tag (`!!python/object`, …) are refused.
"""
from __future__ import annotations

import base64
import binascii
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from ..errors import InputError

MAX_DEPTH = 100
_ALIAS_LOW, _ALIAS_HIGH = 400_000, 4_000_000


def _allowed_alias_ratio(decoded: int) -> float:
    if decoded <= _ALIAS_LOW:
        return 0.99
    if decoded >= _ALIAS_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - _ALIAS_LOW) / (_ALIAS_HIGH - _ALIAS_LOW)


def _check_aliasing(root: yaml.Node, anchor_names: dict[int, str]) -> None:
    """yaml.v3's rule, on the node graph (PyYAML shares an anchored node between its aliases)."""
    seen: set[int] = set()
    decoded = aliased = 0
    # (node, the aliased node whose expansion this is, or None)
    stack: list[tuple[yaml.Node, Any]] = [(root, None)]
    while stack:
        node, expanding = stack.pop()
        if expanding is None and id(node) in seen:
            expanding = node
        seen.add(id(node))
        decoded += 1
        aliased += expanding is not None
        if aliased > 100 and decoded > 1000 and aliased / decoded > _allowed_alias_ratio(decoded):
            name = anchor_names.get(id(expanding), "?")
            raise ConstructorError(None, None, f"document contains excessive aliasing: alias *{name} "
                                   f"(anchored at line {expanding.start_mark.line + 1}) expands into too "
                                   f"many nodes", None)
        if isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack.append((value, expanding))
                stack.append((key, expanding))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, expanding) for child in reversed(node.value))


class StrictLoader(yaml.SafeLoader):
    yaml_constructors = dict(yaml.SafeLoader.yaml_constructors)
    for _tag in ("set", "omap", "pairs"):
        yaml_constructors.pop(f"tag:yaml.org,2002:{_tag}", None)

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested more than {MAX_DEPTH} levels deep",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        # As yaml.Composer's, keeping the anchor names for _check_aliasing's message.
        self.get_event()
        node = self.compose_node(None, None)
        self.get_event()
        anchor_names = {id(n): name for name, n in self.anchors.items()}
        self.anchors = {}
        _check_aliasing(node, anchor_names)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    continue  # an unhashable key: BaseConstructor reports it
                if key in first_line:
                    raise ConstructorError(None, None, f"mapping key {key!r} already defined at line "
                                           f"{first_line[key]}", key_node.start_mark)
                first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_bool(self, node):
        text = self.construct_scalar(node)
        return {"true": True, "True": True, "TRUE": True,
                "false": False, "False": False, "FALSE": False}.get(text, text)

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)
        if ":" in text or len(text.replace("_", "")) > 40:
            return text
        value = super().construct_yaml_int(node)
        if -(2 ** 63) <= value < 2 ** 64:
            return value
        as_float = float(value)
        return text if as_float in (float("inf"), float("-inf")) else as_float

    def construct_yaml_binary(self, node):
        try:
            return base64.decodebytes(self.construct_scalar(node).encode("ascii")).decode("utf-8")
        except (binascii.Error, UnicodeError):
            raise ConstructorError(None, None, "a !!binary value that is not base64 of UTF-8 text",
                                   node.start_mark) from None


StrictLoader.add_constructor("tag:yaml.org,2002:bool", StrictLoader.construct_yaml_bool)
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:binary", StrictLoader.construct_yaml_binary)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def load_yaml(text: str, name: str) -> Any:
    """The one YAML document in `text` (from the file `name`); InputError with line and column."""
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise InputError(f"malformed YAML{where}: {problem}", source=name) from None
    except RecursionError:
        raise InputError(f"malformed YAML: nested more than {MAX_DEPTH} levels deep", source=name) from None
