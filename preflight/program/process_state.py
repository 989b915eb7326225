"""The process state one program run changes, and puts back: working directory, sys.path, sys.argv, the
PULUMI_CONFIG variables, the program's own modules, and the SDK's runtime settings."""
from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pulumi
import pulumi.runtime
from pulumi.runtime import settings as _settings


@contextlib.contextmanager
def program_environment(program_dir: str):
    """cwd, sys.path, sys.argv and module isolation for one program run."""
    old_cwd = os.getcwd()
    old_path = list(sys.path)
    old_argv = list(sys.argv)
    old_modules = set(sys.modules)
    saved_env = {k: os.environ.pop(k) for k in list(os.environ)
                 if k == "PULUMI_CONFIG" or k.startswith("PULUMI_CONFIG_")}
    prog = str(Path(program_dir).resolve())
    sys.path.insert(0, prog)
    sys.argv = [prog]
    os.chdir(prog)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        sys.path[:] = old_path
        sys.argv = old_argv
        os.environ.update(saved_env)
        # Fresh module state per stack: forget every module the program loaded from its folder (but
        # never the environment's packages, even when a virtualenv lives inside the program folder).
        # Only modules first imported during this run can be the program's.
        envs = {os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)}
        for name in set(sys.modules) - old_modules:
            f = module_file(sys.modules.get(name))
            if not f or name == "__main__":
                continue
            rf = os.path.realpath(f)
            if (rf.startswith(prog + os.sep) and f"{os.sep}site-packages{os.sep}" not in rf
                    and not any(rf.startswith(e + os.sep) for e in envs)):
                del sys.modules[name]


def module_file(mod) -> str:
    """A module's file, without loading a module that is still lazy: the SDKs import their submodules with
    pulumi._utils.lazy_import, and any attribute access on such a module (even `__file__`) imports it."""
    try:
        namespace = object.__getattribute__(mod, "__dict__")
    except (AttributeError, TypeError):
        return ""
    spec = namespace.get("__spec__")
    return namespace.get("__file__") or getattr(spec, "origin", None) or ""


def reset_runtime_state() -> None:
    _settings.ROOT.set(None)
    _settings.SETTINGS.outputs = set()
    _settings.SETTINGS.callbacks = None
    pulumi.runtime.set_all_config({}, [])


