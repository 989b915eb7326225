"""What a project adds to preflight's output: its report plugin.

preflight knows Pulumi programs, not what a project's stacks mean. A project that wants more in its reports
(facts about its stacks, a cost estimate, diagrams, stacks grouped in sections, warnings across its stack
files) names a module in its `pyproject.toml`:

    [tool.preflight]
    report-plugin = "eks_variants.report"

The first `pyproject.toml` with a `[tool.preflight]` table, searching from the program's folder up, names the
plugin (`report-plugin = ""`: none); without one, the `pyproject.toml` of the checkout preflight itself runs
from does (this repository's names `eks_variants.report`). The module is imported by name, so it must be
importable where preflight runs (the project's own packages, installed or on PYTHONPATH).

A plugin is a module with any of these functions (missing ones behave as preflight does without a plugin):

    all_stacks_warnings(project) -> list[str]
        `--all`: lines printed as `preflight: warning: ...` before anything is recorded (project: the
        inputs.stack_files.Project).
    text_sections(results) -> list[(name, title, results)]
        the human report's sections (output/text.py Result objects); one untitled section without a plugin.
    load_usage(path) -> object
        `--usage-file PATH`, read (raise errors.InputError for a bad file); handed back to `describe`.
    describe(recorded, usage) -> Description
        a checked stack's facts (anything the plugin's pages read), `variant` line and `cost` (an object with
        `.total` (a number, for --baseline deltas) and `.to_json()` (the `cost` of the --json document)).
    report_pages(usable, failed, deltas, removed) -> dict[str, str]
        the `--report DIR` files but report.json: file name -> text (output/report_folder.py).
"""
from __future__ import annotations

import contextlib
import dataclasses
import importlib
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Optional

from ..errors import InputError

TABLE = "preflight"
KEY = "report-plugin"


@dataclasses.dataclass
class Description:
    facts: Any = None
    variant: Optional[str] = None
    cost: Any = None  # .total, .to_json()


class ReportPlugin:
    """The hooks of one plugin module (or of none: `module` None), with preflight's own behaviour where the
    module has no such function."""

    def __init__(self, module: Optional[ModuleType] = None, name: str = ""):
        self.module = module
        self.name = name

    def _hook(self, name: str):
        return getattr(self.module, name, None) if self.module is not None else None

    def all_stacks_warnings(self, project) -> list[str]:
        hook = self._hook("all_stacks_warnings")
        return list(hook(project)) if hook else []

    def text_sections(self, results: list) -> list[tuple[str, str, list]]:
        hook = self._hook("text_sections")
        return hook(results) if hook else [("", "", results)]

    def load_usage(self, path: str):
        hook = self._hook("load_usage")
        if hook is None:
            raise InputError(f"--usage-file {path}: no report plugin of this project estimates costs "
                             f"(pyproject.toml [tool.{TABLE}] {KEY})")
        return hook(path)

    def describe(self, recorded, usage) -> Optional[Description]:
        hook = self._hook("describe")
        return hook(recorded, usage) if hook else None

    def report_pages(self, usable: list, failed: list, deltas: dict, removed: list) -> Optional[dict[str, str]]:
        hook = self._hook("report_pages")
        return hook(usable, failed, deltas, removed) if hook else None


NO_PLUGIN = ReportPlugin()
_active: list[ReportPlugin] = [NO_PLUGIN]


def active() -> ReportPlugin:
    """The plugin of the run in progress (cli sets it with `using`), else none."""
    return _active[-1]


@contextlib.contextmanager
def using(plugin: ReportPlugin) -> Iterator[ReportPlugin]:
    _active.append(plugin)
    try:
        yield plugin
    finally:
        _active.pop()


def _table(pyproject: Path) -> Optional[dict]:
    """The [tool.preflight] table of a pyproject.toml, or None (no table; a file TOML cannot read)."""
    try:
        with open(pyproject, "rb") as f:
            table = tomllib.load(f).get("tool", {}).get(TABLE)
    except (OSError, tomllib.TOMLDecodeError, AttributeError):
        return None
    return table if isinstance(table, dict) else None


def plugin_setting(program_dir: Path, home: Path) -> tuple[Optional[str], Optional[Path]]:
    """(module name or None, the pyproject.toml that named it): from the program's folder up, else `home`'s."""
    for folder in (program_dir, *program_dir.parents):
        table = _table(folder / "pyproject.toml")
        if table is not None:
            return table.get(KEY) or None, folder / "pyproject.toml"
    table = _table(home / "pyproject.toml")
    if table is not None:
        return table.get(KEY) or None, home / "pyproject.toml"
    return None, None


def load_plugin(program_dir: Path, home: Path) -> ReportPlugin:
    """The report plugin for a program (see the module's docstring). InputError when it cannot be imported."""
    name, source = plugin_setting(Path(program_dir).resolve(), Path(home))
    if not name:
        return NO_PLUGIN
    if not isinstance(name, str):
        raise InputError(f"{source}: [tool.{TABLE}] {KEY} must be a module name, got {name!r}")
    try:
        return ReportPlugin(importlib.import_module(name), name)
    except ImportError as e:
        raise InputError(f"{source}: [tool.{TABLE}] {KEY}: cannot import {name}: {e}") from None
