"""The pack's modules import each other without a cycle, and none imports inside a function.

An import cycle (model.network once imported the rules' side channel inside a function) makes the load
order decide what a module sees. This reads every module of policies/guardrails with `ast`, resolves its
`guardrails.*` imports (absolute and relative) and looks for a cycle."""
from __future__ import annotations

import ast
from pathlib import Path

import guardrails

PACKAGE = Path(guardrails.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, known: set[str]) -> tuple[set[str], list[int]]:
    """(guardrails modules `path` imports, lines of imports inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    nested: list[int] = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            nested.extend(n.lineno for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for a in node.names:
                full = f"{base}.{a.name}"
                found.add(full if full in known else base)
    return {m for m in found if m in known and m != name}, nested


def graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    return {module_name(p): imports(p, known)[0] for p in paths}


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(n: str) -> list[str]:
        state[n] = 1
        path.append(n)
        for m in sorted(edges.get(n, ())):
            if state.get(m) == 1:
                return path[path.index(m):] + [m]
            if m not in state:
                cycle = visit(m)
                if cycle:
                    return cycle
        state[n] = 2
        path.pop()
        return []

    for n in sorted(edges):
        if n not in state:
            cycle = visit(n)
            if cycle:
                return cycle
    return []


def test_no_import_cycle_among_the_packs_modules():
    edges = graph()
    assert "guardrails.model.builder" in edges["guardrails.model.cache"]  # the graph is really read
    assert find_cycle(edges) == []


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_inside_a_function():
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(p) for p in paths}
    nested = {module_name(p): imports(p, known)[1] for p in paths}
    assert {k: v for k, v in nested.items() if v} == {}
