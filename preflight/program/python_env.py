"""Which Python runs a program: the environment its `Pulumi.yaml` names, found as the Pulumi Python
language host finds it, or this interpreter.

The rules are those of pulumi/pulumi `sdk/python/cmd/pulumi-language-python/main.go` (parseOptions) and
`sdk/python/toolchain/` (ResolveToolchain, pip.go, uv.go, poetry.go), CLI v3.227+:

- `runtime.options.toolchain` is `pip`, `uv` or `poetry`; when absent, a `uv.lock` found searching up
  from the program folder means uv, else a `poetry.lock` means poetry, else pip.
- pip: `runtime.options.virtualenv` (relative to the folder of `Pulumi.yaml`); none means the ambient
  interpreter, here the one preflight runs in.
- uv: `virtualenv` when given, else `.venv` beside the nearest `uv.lock` (else `pyproject.toml`, else in
  the program folder), or `$UV_PROJECT_ENVIRONMENT` relative to that folder.
- poetry: the host asks `poetry env info --path`. Offline, without running poetry, preflight finds only an
  in-project environment: `<project>/.venv` when `virtualenvs.in-project` is true (poetry.toml or
  `POETRY_VIRTUALENVS_IN_PROJECT`), or unset and `.venv` exists (Poetry's documented default). An
  environment in Poetry's cache is an error that says how to make it in-project.

Where the CLI would create or update the environment (`pulumi install`, `uv sync` before each run),
preflight installs nothing: a missing or broken environment is an InputError saying how to create it.
"""
from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..inputs.stack_files import Project

# The pulumi SDK versions the recorder runs with (pulumi.runtime.mocks.set_mocks with `monitor` and
# `organization`, MockMonitor, run_in_stack, the settings context variables). The oldest is the oldest
# release tested (tests/program_envs/sdk-oldest); pulumi 4 would be a new API.
OLDEST_PULUMI = (3, 51, 0)
PULUMI_MAJOR = 3
# The recorder's own code needs Python 3.9 (dict union); the Pulumi SDKs in range need 3.7+.
OLDEST_PYTHON = (3, 9)
# The oldest majors of the provider SDKs whose programs are recorded and judged like today's: tested with
# pulumi-aws 5.43 + pulumi-eks 1.0.4 (tests/preflight/fixtures/program_envs/old-majors), pulumi-aws 6.5
# (oldest-sdk), pulumi-aws 7 + pulumi-eks 4 + pulumi-awsx 3 (awsx-cluster). pulumi-eks and pulumi-awsx have no
# Python SDK before 1.0; pulumi-aws 4 and older are not tested.
OLDEST_MAJORS = {"pulumi-aws": 5, "pulumi-eks": 1, "pulumi-awsx": 1}

_BIN = "Scripts" if os.name == "nt" else "bin"
_PYTHON = "python.exe" if os.name == "nt" else "python"


@dataclasses.dataclass(frozen=True)
class ProgramEnv:
    """A Python environment other than this interpreter's, in which the program runs."""
    venv: str  # the environment's folder
    python: str  # its interpreter
    key: str  # the Pulumi.yaml setting that named it, for messages (e.g. `runtime.options.virtualenv: venv`)
    project_file: str  # the Pulumi.yaml it comes from
    create: str  # the commands that create it
    install: str  # the command that installs the program's requirements into it
    pulumi_version: str = ""  # set by `probe`
    python_version: str = ""


def locate_program_env(project: Project) -> Optional[ProgramEnv]:
    """The environment `project`'s Pulumi.yaml names, or None to run the program in this interpreter (no
    environment named, or the one named is this interpreter's). Raises InputError when the options are
    malformed, or the environment is missing or is not a virtualenv (nothing is installed or created)."""
    options = project.runtime_options
    where = project.path or str(Path(project.directory) / "Pulumi.yaml")
    virtualenv = options.get("virtualenv")
    if virtualenv is not None and not isinstance(virtualenv, str):
        raise InputError(f"{where}: runtime.options.virtualenv must be a string (a folder, relative to "
                         f"{project.directory})")
    toolchain = options.get("toolchain")
    if toolchain is not None and toolchain not in ("pip", "uv", "poetry"):
        raise InputError(f"{where}: runtime.options.toolchain must be pip, uv or poetry, not {toolchain!r}")
    main = Path(project.main)
    if toolchain is None:
        if _search_up(main, "uv.lock"):
            toolchain = "uv (found uv.lock)"
        elif _search_up(main, "poetry.lock"):
            toolchain = "poetry (found poetry.lock)"
        else:
            toolchain = "pip"
    root = Path(project.directory)
    if toolchain.startswith("uv"):
        env = _uv_env(root, main, virtualenv, where, toolchain)
    elif toolchain.startswith("poetry"):
        env = _poetry_env(main, where, toolchain)
    elif virtualenv:
        venv = _absolute(root, virtualenv)
        env = ProgramEnv(venv=str(venv), python=str(venv / _BIN / _PYTHON),
                         key=f"runtime.options.virtualenv: {virtualenv}", project_file=where,
                         create=f"cd {root} && python -m venv {virtualenv} && "
                                f"{virtualenv}/{_BIN}/pip install -r requirements.txt",
                         install=f"cd {root} && {virtualenv}/{_BIN}/pip install -r requirements.txt")
    else:
        return None
    if _same_path(env.venv, sys.prefix):
        return None  # preflight already runs in it: record here (and in forked workers)
    _check_exists(env)
    return env


def probe(env: ProgramEnv) -> ProgramEnv:
    """Run the environment's interpreter once: its Python and pulumi versions, both in range. Raises
    InputError when it does not start, has no pulumi SDK, or one outside the supported range."""
    code = ("import json, sys\n"
            "try:\n"
            "    from importlib.metadata import version\n"
            "    v = version('pulumi')\n"
            "except Exception:\n"
            "    v = None\n"
            "sdks = {}\n"
            f"for name in {sorted(OLDEST_MAJORS)!r}:\n"
            "    try:\n"
            "        sdks[name] = version(name)\n"
            "    except Exception:\n"
            "        pass\n"
            "print(json.dumps({'python': list(sys.version_info[:3]), 'pulumi': v, 'sdks': sdks}))\n")
    facts, why = None, ""
    try:
        done = subprocess.run([env.python, "-c", code], capture_output=True, text=True, timeout=120,
                              env=activated_environ(env), stdin=subprocess.DEVNULL)
        if done.returncode == 0:
            facts = json.loads(done.stdout.strip().splitlines()[-1])
        else:
            why = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    except (OSError, subprocess.TimeoutExpired) as e:
        why = str(e)
    except (ValueError, IndexError):
        why = "it printed no answer"
    if not isinstance(facts, dict):
        raise InputError(f"{env.project_file}: {env.key}: {env.python} does not run ({why}); "
                         f"recreate the environment: rm -rf {env.venv} && {env.create}")
    python = tuple(facts.get("python") or ())
    pulumi_version = facts.get("pulumi")
    python_text = ".".join(str(p) for p in python)
    if python[:2] < OLDEST_PYTHON:
        raise InputError(f"{env.project_file}: {env.key}: {env.venv} has Python {python_text}; preflight records "
                         f"programs on Python {'.'.join(map(str, OLDEST_PYTHON))} or newer: recreate it with a "
                         f"newer Python: {env.create}")
    if not pulumi_version:
        raise InputError(f"{env.project_file}: {env.key}: {env.venv} has no pulumi SDK installed; install the "
                         f"program's requirements into it: {env.install}")
    if not in_supported_range(pulumi_version):
        raise InputError(f"{env.project_file}: {env.key}: {env.venv} has pulumi {pulumi_version}; preflight "
                         f"records programs with pulumi {supported_range_text()}: pin a pulumi version in that "
                         f"range in the program's requirements and install them: {env.install}")
    too_old = too_old_sdks(facts.get("sdks") or {})
    if too_old:
        raise InputError(f"{env.project_file}: {env.key}: {env.venv} has {', '.join(too_old)}; preflight records "
                         f"programs with pulumi {supported_range_text()}, "
                         + ", ".join(f"{n} {m} or newer" for n, m in sorted(OLDEST_MAJORS.items()))
                         + f": upgrade them in the program's requirements and install them: {env.install}")
    return dataclasses.replace(env, pulumi_version=pulumi_version, python_version=python_text)


def too_old_sdks(installed: dict) -> list[str]:
    """`name version` of each installed provider SDK older than its oldest supported major (OLDEST_MAJORS)."""
    out = []
    for name, version in sorted(installed.items()):
        m = re.match(r"(\d+)\.", str(version))
        if name in OLDEST_MAJORS and (m is None or int(m.group(1)) < OLDEST_MAJORS[name]):
            out.append(f"{name} {version}")
    return out


def supported_range_text() -> str:
    return f">={'.'.join(map(str, OLDEST_PULUMI))},<{PULUMI_MAJOR + 1}"


def in_supported_range(version: str) -> bool:
    """`version` (a pulumi package version) is a 3.x release at or after OLDEST_PULUMI."""
    m = re.match(r"(\d+)\.(\d+)\.(\d+)", version)
    if m is None:
        return False
    release = tuple(int(g) for g in m.groups())
    return release[0] == PULUMI_MAJOR and release >= OLDEST_PULUMI


def activated_environ(env: ProgramEnv) -> dict:
    """os.environ as the language host hands it to the program (toolchain.ActivateVirtualEnv): the
    environment's bin folder first on PATH, VIRTUAL_ENV set, PYTHONHOME removed."""
    out = {k: v for k, v in os.environ.items() if k.upper() not in ("PYTHONHOME", "VIRTUAL_ENV")}
    out["PATH"] = str(Path(env.venv) / _BIN) + (os.pathsep + out["PATH"] if out.get("PATH") else "")
    out["VIRTUAL_ENV"] = env.venv
    return out


def _uv_env(root: Path, main: Path, virtualenv: Optional[str], where: str, toolchain: str) -> ProgramEnv:
    if virtualenv:
        venv = _absolute(root, virtualenv)
        key = f"runtime.options.virtualenv: {virtualenv} (toolchain {toolchain})"
        project_dir = _search_up(main, "uv.lock") or _search_up(main, "pyproject.toml") or main
    else:
        project_dir = _search_up(main, "uv.lock") or _search_up(main, "pyproject.toml") or main
        named = os.environ.get("UV_PROJECT_ENVIRONMENT")
        venv = _absolute(project_dir, named) if named else project_dir / ".venv"
        key = (f"runtime.options.toolchain: {toolchain}, UV_PROJECT_ENVIRONMENT={named}" if named
               else f"runtime.options.toolchain: {toolchain} (its project environment .venv)")
    return ProgramEnv(venv=str(venv), python=str(venv / _BIN / _PYTHON), key=key, project_file=where,
                      create=f"cd {project_dir} && uv sync", install=f"cd {project_dir} && uv sync")


def _poetry_env(main: Path, where: str, toolchain: str) -> ProgramEnv:
    key = f"runtime.options.toolchain: {toolchain}"
    project_dir = _search_up(main, "pyproject.toml")
    if project_dir is None:
        raise InputError(f"{where}: {key}, but no pyproject.toml in {main} or above it; "
                         f"create the Poetry project (poetry init) or use toolchain pip with a virtualenv")
    venv = project_dir / ".venv"
    in_project = _poetry_in_project(project_dir, where)
    if in_project is False or (in_project is None and not venv.exists()):
        raise InputError(f"{where}: {key}: Poetry keeps this project's environment in its cache, which "
                         f"preflight cannot locate without running poetry; make it in-project: "
                         f"cd {project_dir} && poetry config virtualenvs.in-project true --local && poetry install")
    return ProgramEnv(venv=str(venv), python=str(venv / _BIN / _PYTHON), key=f"{key} (in-project .venv)",
                      project_file=where,
                      create=f"cd {project_dir} && poetry config virtualenvs.in-project true --local && poetry install",
                      install=f"cd {project_dir} && poetry install")


def _poetry_in_project(project_dir: Path, where: str) -> Optional[bool]:
    """Poetry's `virtualenvs.in-project`: the environment variable wins over the project's poetry.toml."""
    value = os.environ.get("POETRY_VIRTUALENVS_IN_PROJECT")
    if value is not None:
        return value.strip().lower() in ("1", "true", "yes", "on")
    local = project_dir / "poetry.toml"
    if not local.is_file():
        return None
    try:
        settings = tomllib.loads(local.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise InputError(f"{local}: cannot read Poetry's settings for the program of {where}: {e}") from None
    section = settings.get("virtualenvs")
    value = section.get("in-project") if isinstance(section, dict) else None
    return value if isinstance(value, bool) else None


def _check_exists(env: ProgramEnv) -> None:
    venv = Path(env.venv)
    if not venv.exists():
        raise InputError(f"{env.project_file}: {env.key}: {venv} does not exist; preflight installs nothing - "
                         f"create it (as `pulumi install` would): {env.create}")
    if not Path(env.python).is_file():
        raise InputError(f"{env.project_file}: {env.key}: {venv} is not a virtualenv (no {_BIN}/{_PYTHON}); "
                         f"recreate it: rm -rf {venv} && {env.create}")


def _absolute(base: Path, path: str) -> Path:
    p = Path(path)  # as filepath.Join in the toolchain: no `~` expansion
    return p if p.is_absolute() else base / p


def _search_up(start: Path, name: str) -> Optional[Path]:
    """The nearest folder from `start` up to the filesystem root holding `name` (toolchain.searchup)."""
    d = start.resolve()
    while True:
        if (d / name).exists():
            return d
        if d.parent == d:
            return None
        d = d.parent


def _same_path(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)
