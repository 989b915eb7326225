"""Record a program: run a Pulumi Python program under the SDK's mocks and return every registration the
way the engine sees it (a RecordedStack).

The program runs as `pulumi-language-python-exec` runs it: config set from the stack file (strings,
structured values as JSON, as in PULUMI_CONFIG), the program folder on sys.path and as cwd,
`runpy.run_path(<folder>, run_name="__main__")` inside `pulumi.runtime.run_in_stack`, so a root
`pulumi:pulumi:Stack` resource named `<project>-<stack>` parents everything. The engine it talks to is the
recording monitor (preflight/program/monitor.py).
"""
from __future__ import annotations

import contextlib
import logging
import runpy
import sys
import traceback
from typing import Optional

import pulumi
import pulumi.runtime
from pulumi.runtime import settings as _settings

from . import lookups
from ..errors import InputError
from ..inputs.stack_files import prepare_run, secret_placeholders_explained
from ..records import RecordedStack
from .event_loops import program_event_loop
from .monitor import PreflightMocks, RecordingMonitor
from .process_state import program_environment, reset_runtime_state


class _WarningLog(logging.Logger):
    """The logger the mock engine writes the program's log calls to: keeps the warnings (and errors), drops
    debug and info, as `pulumi preview` shows the former by default."""

    def __init__(self, sink: list):
        super().__init__("preflight.program", logging.WARNING)
        self.sink = sink

    def warning(self, msg, *args, **kwargs):  # noqa: D102
        self.sink.append(str(msg))

    def error(self, msg, *args, **kwargs):  # noqa: D102
        self.sink.append(str(msg))


class _Sentinel:
    pass


def _problems_of(exc: BaseException, monitor: RecordingMonitor) -> list[str]:
    seen = set()
    e: Optional[BaseException] = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        probs = getattr(e, "problems", None)
        if probs:
            return [str(p) for p in probs]
        e = e.__cause__ or e.__context__
    if monitor.check_errors:
        return list(dict.fromkeys(monitor.check_errors))
    if monitor.invoke_errors:
        return list(dict.fromkeys(monitor.invoke_errors))
    if isinstance(exc, pulumi.RunError):
        return [str(exc) or type(exc).__name__]
    msg = str(exc).strip().splitlines()
    return [f"the program failed: {type(exc).__name__}: {msg[0] if msg else ''}".rstrip(": ")]


def record_program(program_dir, stack_name: str, config: dict, *, preview: bool = True,
                   project: Optional[str] = None, stack_outputs: Optional[dict] = None,
                   aws_facts: Optional[dict] = None) -> RecordedStack:
    """Run the program in `program_dir` for one stack, in this interpreter, and return what the engine
    would have seen.

    `config` is the `config:` mapping of a `Pulumi.<stack>.yaml` file as YAML loads it. `stack_outputs`
    ({"org/project/stack": {output: value}}) answers StackReferences of a deployed recording; `aws_facts`
    (preflight/inputs/aws_facts.py) the lookups of existing infrastructure.
    Raises InputError (with `problems` and the program's `traceback`) if the config or the program is unusable.
    """
    run = prepare_run(program_dir, stack_name, config, project=project)
    return run_program(run.program_dir, run.main_dir, run.project_name, stack_name, run.config_map,
                       run.secret_keys, preview=preview, type_problems=run.type_problems,
                       stack_outputs=stack_outputs, aws_facts=aws_facts)


def run_program(program_dir: str, main_dir: str, project_name: str, stack_name: str, config_map: dict,
                secret_keys: list, *, preview: bool = True, type_problems: Optional[list] = None,
                stack_outputs: Optional[dict] = None, aws_facts: Optional[dict] = None) -> RecordedStack:
    """Run `main_dir/__main__.py` with the config map the language host would pass (PULUMI_CONFIG strings)
    and record it. The part of `record_program` that runs in the program's own environment too
    (preflight/program/python_env_child.py). Raises InputError when the program fails, or with `type_problems` (config
    values that do not fit their Pulumi.yaml type) together with the program's own errors."""
    type_problems = list(type_problems or [])
    monitor_ref: list[RecordingMonitor] = []
    mocks = PreflightMocks(monitor_ref)
    monitor = RecordingMonitor(mocks, stack=stack_name, project=project_name, config=config_map,
                               preview=preview, stack_outputs=stack_outputs, aws_facts=aws_facts,
                               program_dir=program_dir)
    monitor_ref.append(monitor)

    reset_runtime_state()
    # set_mocks creates and finishes a root Stack when none exists; the language host instead runs the
    # program *inside* a new Stack (run_in_stack), so keep set_mocks from making its own.
    _settings.ROOT.set(_Sentinel())  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(mocks, project=project_name, stack=stack_name, preview=preview,
                             monitor=monitor, organization="organization", logger=_WarningLog(monitor.warnings))
    _settings.ROOT.set(None)
    _settings.SETTINGS.root_directory = program_dir
    pulumi.runtime.set_all_config(config_map, secret_keys)

    error: Optional[BaseException] = None
    tb = ""
    try:
        with program_event_loop() as loop, program_environment(main_dir), \
                lookups.lookup_forms(lambda token: aws_facts is None and lookups.is_lookup(token)), \
                contextlib.redirect_stdout(sys.stderr):
            def run():
                runpy.run_path(main_dir, run_name="__main__")
            try:
                loop.run_until_complete(pulumi.runtime.run_in_stack(run))
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as e:  # noqa: BLE001 - reported as an input error below
                error = e
                tb = traceback.format_exc()
    finally:
        reset_runtime_state()
    if monitor.fatal_problems:
        raise InputError(list(dict.fromkeys(monitor.fatal_problems)))
    if error is not None:
        raise InputError(secret_placeholders_explained(type_problems + _problems_of(error, monitor), secret_keys),
                         traceback=tb)
    if type_problems:
        raise InputError(type_problems)
    return RecordedStack(name=stack_name, project=project_name, resources=list(monitor.recorded),
                         preview=preview, source=stack_name, config=config_map,
                         invokes=[(token, provider) for token, _, _, provider in monitor.invokes],
                         lookups=list(monitor.lookups), warnings=list(monitor.warnings))
