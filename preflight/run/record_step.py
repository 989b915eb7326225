"""Step 2 of a run: record one job's stack (run the program under mocks, or read an export), here or in
a forked worker (preflight/run/workers.py), and write its export if asked."""
from __future__ import annotations

import dataclasses
import traceback
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError
from .plan import Job, Plan
from ..records import RecordedStack
from .workers import Crashed


@dataclasses.dataclass
class Recorded:
    label: str  # the stack's name, as listed when it could not be used
    stack: RecordedStack
    stack_config: dict  # the config ConfigureStack hands the pack
    source: str  # how the report names it


def record_job(job: Job, plan: Plan) -> Recorded:
    """Load and record one stack file (or read one export). Raises InputError naming the stack (`label`)."""
    from ..inputs.stack_export import read_export
    from ..inputs.stack_files import load_stack_file
    label = job.path
    try:
        if job.kind == "stack":
            sf = load_stack_file(job.path)
            label = sf.name
            if plan.program_env is not None:
                from ..program.python_env_run import record_in_env
                from ..inputs.stack_files import prepare_run
                run = prepare_run(str(plan.program), sf.name, sf.config)
                stack = record_in_env(plan.program_env, run, sf.name, preview=not plan.deployed,
                                      aws_facts=plan.aws_facts)
            else:
                from ..program.record import record_program
                stack = record_program(str(plan.program), sf.name, sf.config, preview=not plan.deployed,
                                       aws_facts=plan.aws_facts)
            in_stack_dir = plan.project is not None and Path(job.path).parent == Path(plan.project.stack_config_dir)
            return Recorded(label=label, stack=stack, stack_config=stack.config,
                            source=sf.name if in_stack_dir else job.path)
        return Recorded(label=label, stack=read_export(job.path), stack_config={}, source=job.path)
    except InputError as e:
        raise e.in_context(label=label) from None


def write_export_if_asked(recorded: Recorded, job: Job, plan: Plan) -> None:
    """--write-export DIR: DIR/<stack>.json for every recorded (not read) stack."""
    if plan.write_export is not None and job.kind == "stack":
        from ..inputs.stack_export import write_export
        try:
            write_export(recorded.stack, plan.write_export / f"{recorded.stack.name}.json")
        except InputError as e:
            raise e.in_context(label=recorded.label) from None


# ---------------------------------------------------------------------------------------------
# In a forked worker: what it sends back must pickle (an InputError's fields do, the exception may not).

@dataclasses.dataclass
class WorkerOutcome:
    status: str  # "ok" | "input" | "internal" | "exit" | "interrupt"
    t0: float = 0.0
    recorded: Optional[Recorded] = None
    problems: list = dataclasses.field(default_factory=list)
    source: Optional[str] = None
    traceback: str = ""
    label: str = ""
    code: Any = None
    type_name: str = ""
    message: str = ""


class WorkerError(Exception):
    """An unexpected exception in a worker, re-raised in the parent at the stack's turn."""

    def __init__(self, type_name: str, message: str, tb: Optional[str]):
        super().__init__(message)
        self.type_name = type_name
        self.traceback = tb or ""


def record_in_worker(job: Job, plan: Plan, t0: float) -> WorkerOutcome:
    try:
        return WorkerOutcome("ok", t0=t0, recorded=record_job(job, plan))
    except InputError as e:
        return WorkerOutcome("input", t0=t0, problems=list(e.problems), source=e.source,
                             traceback=e.traceback, label=e.label if e.label is not None else job.path)
    except SystemExit as e:
        return WorkerOutcome("exit", t0=t0, code=e.code)
    except KeyboardInterrupt:
        return WorkerOutcome("interrupt", t0=t0)
    except Exception as e:  # noqa: BLE001 - reported by the parent as in a sequential run
        return WorkerOutcome("internal", t0=t0, type_name=type(e).__name__, message=str(e),
                             traceback=traceback.format_exc())


def from_worker(job: Job, answer: Any) -> tuple[Recorded, float]:
    """A worker's answer for `job` as if recorded here: (Recorded, start time), or the same exception
    (InputError, SystemExit, KeyboardInterrupt, WorkerError) a recording here would have raised."""
    if isinstance(answer, Crashed):
        raise InputError(answer.message(), label=job.label)
    if not isinstance(answer, WorkerOutcome):  # the worker could not send its result
        raise RuntimeError(f"recording worker: {answer}")
    if answer.status == "ok" and answer.recorded is not None:
        return answer.recorded, answer.t0
    if answer.status == "input":
        raise InputError(answer.problems, answer.source, label=answer.label, traceback=answer.traceback)
    if answer.status == "exit":
        raise SystemExit(answer.code)
    if answer.status == "interrupt":
        raise KeyboardInterrupt
    raise WorkerError(answer.type_name, answer.message, answer.traceback)
