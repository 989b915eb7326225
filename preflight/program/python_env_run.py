"""Record a stack with the program's own Python environment (preflight/program/python_env.py found it): one
child process of that environment's interpreter per stack, running preflight/program/python_env_child.py.

The language host does the same with its shim: it runs `<virtualenv>/bin/python -u <path of
pulumi-language-python-exec>` with the virtualenv activated (toolchain.Command / ActivateVirtualEnv), so
the program imports its own SDKs while the shim comes from the CLI's installation.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

from ..errors import InputError
from .python_env import ProgramEnv, activated_environ
from ..records import RecordedStack, stack_from_json
from ..inputs.stack_files import ProgramRun

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the preflight package folder

# Loads this package by its folder under its own name (no sys.path entry, nothing installed), then runs
# python_env_child.main. `python -c` puts the working directory (the program's folder) first on sys.path, as the
# program expects.
BOOTSTRAP = (
    "import importlib.util, sys\n"
    "folder = sys.argv[1]\n"
    "spec = importlib.util.spec_from_file_location('preflight', folder + '/__init__.py',"
    " submodule_search_locations=[folder])\n"
    "package = importlib.util.module_from_spec(spec)\n"
    "sys.modules['preflight'] = package\n"
    "spec.loader.exec_module(package)\n"
    "from preflight.program.python_env_child import main\n"
    "main()\n"
)


class EnvRecorderFailed(RuntimeError):
    """The recorder itself failed inside the program's environment (not the program): a preflight bug or
    an SDK the recorder does not work with. `traceback` is the child's."""

    def __init__(self, message: str, traceback: str = ""):
        super().__init__(message)
        self.traceback = traceback


def record_in_env(env: ProgramEnv, run: ProgramRun, stack_name: str, *, preview: bool = True,
                  aws_facts: Optional[dict] = None) -> RecordedStack:
    """Run the program for one stack with `env`'s interpreter and return what it recorded. The program's
    output is relayed to stderr (as in-process, where its stdout goes to stderr). Raises InputError when the
    program fails or the interpreter stops without an answer."""
    with tempfile.TemporaryDirectory(prefix="preflight-env-") as tmp:
        answer_file = Path(tmp) / "answer.json"
        request = {"program_dir": run.program_dir, "main_dir": run.main_dir, "project_name": run.project_name,
                   "stack_name": stack_name, "config_map": run.config_map, "secret_keys": run.secret_keys,
                   "type_problems": run.type_problems, "preview": preview, "aws_facts": aws_facts,
                   "answer_file": str(answer_file)}
        child_env = {k: v for k, v in activated_environ(env).items()
                     if k != "PULUMI_CONFIG" and not k.startswith("PULUMI_CONFIG_")}
        try:
            done = subprocess.run([env.python, "-c", BOOTSTRAP, str(PACKAGE_DIR)], input=json.dumps(request).encode(),
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=run.main_dir, env=child_env)
        except OSError as e:
            raise InputError(f"{env.project_file}: {env.key}: cannot run {env.python}: {e.strerror or e}; "
                             f"recreate the environment: {env.create}") from None
        output = done.stdout.decode("utf-8", errors="replace")
        if output:
            sys.stderr.write(output if output.endswith("\n") else output + "\n")
        try:
            answer = json.loads(answer_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            last = (output.strip().splitlines() or [""])[-1]
            raise InputError(f"the program's Python ({env.python}, {env.key}) stopped with exit status "
                             f"{done.returncode} before recording the stack" + (f": {last}" if last else "")) from None
    if "stack" in answer:
        return stack_from_json(answer["stack"])
    if "problems" in answer:
        raise InputError(answer["problems"], traceback=answer.get("traceback", ""))
    internal = answer.get("internal") or {}
    raise EnvRecorderFailed(f"{internal.get('type', 'Error')} in {env.python} (pulumi {env.pulumi_version or '?'}): "
                            f"{internal.get('message', '')}", internal.get("traceback", ""))
