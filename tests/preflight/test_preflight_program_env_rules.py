"""Which environment runs a program: the language host's rules (pulumi/pulumi sdk/python/toolchain/
toolchain.go ResolveToolchain, pip.go, uv.go newUv, poetry.go; cmd/pulumi-language-python/main.go
parseOptions), located without running anything. An environment is a folder with bin/python here; the
recording itself is tested in test_preflight_program_env.py."""
import sys
from pathlib import Path

import pytest

from preflight.errors import InputError
from preflight.program.python_env import locate_program_env
from preflight.inputs.stack_files import load_project
from tests.preflight.helpers import REPO


def _program(tmp_path, options="", main=None, files=()):
    d = tmp_path / "prog"
    d.mkdir(exist_ok=True)
    runtime = "runtime:\n  name: python\n" + (f"  options:\n{options}" if options else "")
    (d / "Pulumi.yaml").write_text(f"name: prog\n{runtime}" + (f"main: {main}\n" if main else ""))
    (d / (main or ".")).mkdir(parents=True, exist_ok=True)
    for f in files:
        (d / f).parent.mkdir(parents=True, exist_ok=True)
        (d / f).write_text("")
    return d


def _venv(folder: Path) -> Path:
    (folder / "bin").mkdir(parents=True)
    (folder / "bin" / "python").write_text("")
    return folder


@pytest.fixture(autouse=True)
def _no_toolchain_variables(monkeypatch):
    for name in ("UV_PROJECT_ENVIRONMENT", "POETRY_VIRTUALENVS_IN_PROJECT"):
        monkeypatch.delenv(name, raising=False)


def test_the_projects_own_stacks_run_in_this_interpreter():
    """Pulumi.yaml names .venv; preflight runs from it (make), so the stacks are recorded in-process."""
    env = locate_program_env(load_project(REPO))
    if Path(sys.prefix).resolve() == (REPO / ".venv").resolve():
        assert env is None
    else:
        assert env is not None and env.venv == str(REPO / ".venv")


def test_no_virtualenv_runs_in_this_interpreter(tmp_path):
    assert locate_program_env(load_project(_program(tmp_path))) is None
    assert locate_program_env(load_project(_program(tmp_path, "    toolchain: pip\n"))) is None


def test_virtualenv_is_relative_to_the_project_not_main(tmp_path):
    d = _program(tmp_path, "    virtualenv: envs/py\n", main="src")
    venv = _venv(d / "envs" / "py")
    env = locate_program_env(load_project(d))
    assert env.venv == str(venv) and env.python == str(venv / "bin" / "python")
    assert env.key == "runtime.options.virtualenv: envs/py"


def test_uv_project_environment(tmp_path, monkeypatch):
    d = _program(tmp_path, "    toolchain: uv\n", files=["pyproject.toml"])
    venv = _venv(d / ".venv")
    assert locate_program_env(load_project(d)).venv == str(venv)
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", "build/env")
    other = _venv(d / "build" / "env")
    assert locate_program_env(load_project(d)).venv == str(other)


def test_uv_lock_selects_uv_and_its_folder(tmp_path):
    """No toolchain option: a uv.lock above the program means uv, whose environment sits beside it."""
    d = _program(tmp_path, main="app", files=["uv.lock"])
    venv = _venv(d / ".venv")
    env = locate_program_env(load_project(d))
    assert env.venv == str(venv) and "uv (found uv.lock)" in env.key


def test_poetry_in_project_environment(tmp_path, monkeypatch):
    d = _program(tmp_path, files=["poetry.lock", "pyproject.toml"])
    (d / "poetry.toml").write_text("[virtualenvs]\nin-project = true\n")
    venv = _venv(d / ".venv")
    env = locate_program_env(load_project(d))
    assert env.venv == str(venv) and "poetry (found poetry.lock)" in env.key
    monkeypatch.setenv("POETRY_VIRTUALENVS_IN_PROJECT", "false")  # Poetry then ignores .venv
    with pytest.raises(InputError, match="poetry config virtualenvs.in-project true --local"):
        locate_program_env(load_project(d))


def test_poetry_existing_dot_venv_is_used_when_unset(tmp_path):
    d = _program(tmp_path, "    toolchain: poetry\n", files=["pyproject.toml"])
    venv = _venv(d / ".venv")
    assert locate_program_env(load_project(d)).venv == str(venv)


def test_poetry_cache_environment_cannot_be_located_offline(tmp_path):
    d = _program(tmp_path, "    toolchain: poetry\n", files=["pyproject.toml"])
    with pytest.raises(InputError) as e:
        locate_program_env(load_project(d))
    (line,) = e.value.lines()
    assert line.startswith(f"{d}/Pulumi.yaml: runtime.options.toolchain: poetry:")
    assert f"cd {d} && poetry config virtualenvs.in-project true --local && poetry install" in line


@pytest.mark.parametrize("options, message", [
    ("    toolchain: conda\n", "runtime.options.toolchain must be pip, uv or poetry, not 'conda'"),
    ("    virtualenv: 3\n", "runtime.options.virtualenv must be a string"),
])
def test_malformed_options(tmp_path, options, message):
    with pytest.raises(InputError, match=message):
        locate_program_env(load_project(_program(tmp_path, options)))
