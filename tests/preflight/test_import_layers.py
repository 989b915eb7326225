"""The layers hold: preflight is a tool for any Pulumi program, the pack judges any program, and preflight's
own folders read as its pipeline.

- preflight imports nothing from this project's program or team tooling (`stack_config`, `components`,
  `eks_variants`) nor from the pack it drives (`guardrails`) or the tests: what is specific to this
  project's stacks comes in through its report plugin (preflight/output/report_plugin.py, named in
  pyproject.toml), which imports preflight, never the other way round;
- the pack (policies/) imports nothing from preflight, stack_config, components or eks_variants;
- inside preflight, each stage imports only the stages before it (the root's records, errors and
  sentinels come first; inputs; program and analyzer; output; run; cli), so `preflight/<stage>/` can be
  read without the ones after it;
- no import cycle among preflight's modules, counting imports inside functions.

Read with `ast`: an import added anywhere, at module level or inside a function, fails here."""
from __future__ import annotations

from pathlib import Path

from tests.policies.test_import_graph import find_cycle
from tests.preflight.import_graph import REPO, imports_of, package_modules, top

PREFLIGHT = REPO / "preflight"
POLICIES = REPO / "policies"
PROJECT_PACKAGES = {"stack_config", "components", "eks_variants"}

# What each part of preflight may import from the others (the root: records.py, errors.py, sentinels.py,
# __init__.py; __main__ starts the cli).
STAGES = ("root", "inputs", "program", "analyzer", "output", "run", "cli")
MAY_IMPORT = {
    "root": {"root"},
    "inputs": {"root", "inputs"},
    "program": {"root", "inputs", "program"},
    "analyzer": {"root", "inputs", "analyzer"},
    "output": {"root", "inputs", "output"},
    "run": {"root", "inputs", "program", "analyzer", "output", "run"},
    "cli": set(STAGES),
}


def stage_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    return "cli" if module == "preflight.__main__" else "root"


def forbidden_imports(folder: Path, forbidden: set[str]) -> list[str]:
    return [f"{path.relative_to(REPO)}:{imp.line}: imports {imp.module}"
            for path in package_modules(folder).values() for imp in imports_of(path)
            if top(imp.module) in forbidden]


def preflight_edges() -> dict[str, set[str]]:
    known = package_modules(PREFLIGHT)
    return {name: {imp.module for imp in imports_of(path) if imp.module in known and imp.module != name}
            for name, path in known.items()}


def test_preflight_imports_nothing_project_specific():
    assert forbidden_imports(PREFLIGHT, PROJECT_PACKAGES | {"guardrails", "policies", "tests"}) == []


def test_the_pack_imports_nothing_from_preflight_or_the_project():
    assert forbidden_imports(POLICIES, PROJECT_PACKAGES | {"preflight", "tests"}) == []


def test_the_root_keeps_only_the_shared_records_and_errors():
    root = sorted(p.name for p in PREFLIGHT.glob("*.py"))
    assert root == ["__init__.py", "__main__.py", "errors.py", "records.py", "sentinels.py"]
    assert sorted(p.name for p in PREFLIGHT.iterdir() if p.is_dir() and p.name != "__pycache__") == \
        sorted(s for s in STAGES if s != "root")


def test_each_stage_imports_only_the_stages_before_it():
    wrong = [f"{src} ({stage_of(src)}) imports {dst} ({stage_of(dst)})"
             for src, dsts in sorted(preflight_edges().items()) for dst in sorted(dsts)
             if stage_of(dst) not in MAY_IMPORT[stage_of(src)]]
    assert wrong == []


def test_no_import_cycle_in_preflight():
    # A package's __init__ is imported with its submodules; `from . import x` in a package's own module is
    # no cycle through the package. Edges to a package (its __init__) therefore count only when it imports.
    assert find_cycle(preflight_edges()) == []


def test_the_checks_see_a_forbidden_import(tmp_path):
    """The rules above are not vacuous: a module importing the project, or a stage importing a later one,
    is reported."""
    bad = tmp_path / "preflight" / "inputs"
    bad.mkdir(parents=True)
    (bad / "leak.py").write_text("from stack_config import kubernetes_versions\n"
                                 "def f():\n    from ..run import plan\n")
    found = [imp.module for imp in imports_of(bad / "leak.py", tmp_path)]
    assert "stack_config" in found and "preflight.run" in found
    assert stage_of("preflight.inputs.leak") == "inputs" and "run" not in MAY_IMPORT["inputs"]


def test_every_preflight_import_names_a_module_that_exists():
    """Imports inside functions run only on some paths (an error document, a flag): each one that names a
    preflight module, in preflight or in the code that uses it (eks_variants, tests, bench, tools), must name
    one that exists."""
    known = package_modules(PREFLIGHT)
    users = {**known, **{n: p for folder in ("eks_variants", "tests", "bench", "tools")
                         for n, p in package_modules(REPO / folder).items()}}
    missing = []
    for name, path in users.items():
        for imp in imports_of(path):
            if top(imp.module) != "preflight" or imp.module in known:
                continue
            if imp.module.rpartition(".")[0] not in known:  # not `from module import attribute`
                missing.append(f"{path.relative_to(REPO)}:{imp.line}: {imp.module}")
    assert missing == []
