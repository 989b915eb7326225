"""Imports read with `ast` (nothing is imported): every module of a package, the modules each imports
(absolute and relative, at module level or inside functions) and the lines they do it on."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclasses.dataclass(frozen=True)
class Import:
    module: str  # the imported module as written, made absolute (`a.b` of `from a.b import c`, or `a.b.c`)
    line: int
    nested: bool  # inside a function: runs when the function does


def module_name(path: Path, root: Path = REPO) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path = REPO) -> list[Import]:
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested_lines = {n.lineno for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))}
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(a.name, node.lineno, node.lineno in nested_lines) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.append(Import(base, node.lineno, node.lineno in nested_lines))
            # `from pkg import module`: the submodule is imported too
            found += [Import(f"{base}.{a.name}", node.lineno, node.lineno in nested_lines) for a in node.names]
    return found


def package_modules(folder: Path, root: Path = REPO) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(folder.rglob("*.py")) if "venv" not in p.parts}


def resolve(imported: str, known: dict[str, Path]) -> str | None:
    """The known module an import names (`a.b.c` of `from a.b import c` when a.b.c is a module, else a.b)."""
    return imported if imported in known else None


def top(module: str) -> str:
    return module.split(".")[0]
