"""`python -m eks_variants team-template DIR`: the lean `pulumi new` template for a team's own project.

`pulumi new <url>` copies every file of the template folder it is pointed at, except `.git/` and
`.pulumi.template.yaml` (pulumi/pulumi sdk/go/common/workspace/templates.go, `walkFiles`), and follows no
symbolic links to folders. Pointed at this repository it would hand every team the tests, benchmarks,
preflight, docs and the Makefile. So the template is built from the files that run the program and check it
at `pulumi preview`, and published as a template repository (or folder) of its own; nothing here is kept
twice in git.
"""
from __future__ import annotations

import ast
import importlib.metadata
import re
import shutil
import sys
from pathlib import Path

from .stack_schema import REPO_ROOT

# What a team's project holds (README, "A stack for your team", lists the same; a test compares them).
TEAM_TEMPLATE_ENTRIES: tuple[str, ...] = (
    "Pulumi.yaml", "__main__.py", "requirements.txt", "components/", "stack_config/", "policies/", "stacks/",
)
# Inside those folders: only what runs. The policy pack's fixtures are its tests' programs.
_SKIP = re.compile(r"(^|/)(__pycache__|venv|fixtures)(/|$)|\.pyc$")
_STACKS_README = """\
Stack files of this project: `pulumi stack init <name>` and `pulumi config set` write
`Pulumi.<name>.yaml` here (Pulumi.yaml: `stackConfigDir: stacks`).
"""


def _copy_tree(source: Path, target: Path) -> None:
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_file() and not _SKIP.search(relative):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)


def imported_top_level_modules_of(path: Path) -> set[str]:
    """The top-level names a .py file imports (relative imports excluded); nothing for other files."""
    names: set[str] = set()
    if path.suffix != ".py":
        return names
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def imported_top_level_modules(folder: Path) -> set[str]:
    return set().union(*(imported_top_level_modules_of(p) for p in folder.rglob("*.py")))


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock_blocks(lock_text: str) -> dict[str, tuple[str, set[str]]]:
    """requirements.lock as {distribution: (its block of text, the distributions it is there `# via`)}."""
    blocks: dict[str, tuple[str, set[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock_text):  # each pin starts a line; the header is comments
        first_line = block.splitlines()[0]
        if "==" not in first_line:
            continue
        via = set(re.findall(r"#\s+(?:via\s+)?([A-Za-z0-9][A-Za-z0-9._-]*)\s*$", block, flags=re.M)) - {"via"}
        blocks[_normalized(first_line.split("==", 1)[0])] = (block.rstrip("\n"), {_normalized(v) for v in via})
    return blocks


def program_requirements(program_modules: set[str], lock_text: str) -> str:
    """The lock's entries the program needs: the distributions it imports and everything they pull in
    (read from the lock's `# via` annotations), pins and hashes unchanged."""
    distributions = importlib.metadata.packages_distributions()
    roots = {_normalized(d) for m in program_modules for d in distributions.get(m, [])}
    blocks = _lock_blocks(lock_text)
    needed = {r for r in roots if r in blocks}
    changed = True
    while changed:
        changed = False
        for name, (_, via) in blocks.items():
            if name not in needed and via & needed:
                needed.add(name)
                changed = True
    header = "# The program's dependencies: requirements.lock of eks-variants, only what the program imports.\n"
    return header + "\n".join(blocks[name][0] for name in blocks if name in needed) + "\n"


def build(target: Path, repo: Path = REPO_ROOT) -> list[str]:
    """Write the template into target (which must not exist); the files written, relative to it."""
    if target.exists():
        raise FileExistsError(f"{target} exists; give a new folder")
    target.mkdir(parents=True)
    for entry in TEAM_TEMPLATE_ENTRIES:
        source = repo / entry.rstrip("/")
        if entry == "requirements.txt":
            continue
        if entry == "stacks/":
            (target / "stacks").mkdir()
            (target / "stacks" / "README.md").write_text(_STACKS_README, encoding="utf-8")
        elif entry.endswith("/"):
            _copy_tree(source, target / entry.rstrip("/"))
        else:
            shutil.copy2(source, target / entry)
    # The policy pack has its own requirements.txt and virtualenv (policies/PulumiPolicy.yaml).
    program_files = [p for p in target.iterdir() if p.name != "policies"]
    local = {p.name for p in program_files if p.is_dir()}
    imported = set().union(*(imported_top_level_modules(p) if p.is_dir() else imported_top_level_modules_of(p)
                             for p in program_files))
    modules = imported - local - set(sys.stdlib_module_names) - {"__future__"}
    (target / "requirements.txt").write_text(
        program_requirements(modules, (repo / "requirements.lock").read_text(encoding="utf-8")), encoding="utf-8")
    return sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
