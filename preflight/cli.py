"""`python -m preflight`: offline preview and policy check (contracts §3)."""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Optional

from .model import InputError
from .workers import Crashed, ForkPool, cpu_count, fork_available

REPO_ROOT = Path(__file__).resolve().parent.parent

EXIT_OK, EXIT_MANDATORY, EXIT_INPUT = 0, 1, 2


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2
        self.print_usage(sys.stderr)
        print(f"preflight: error: {message}", file=sys.stderr)
        sys.exit(EXIT_INPUT)


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = _ArgParser(prog="python -m preflight",
                   description="Offline preview and policy check: run the program in preview mode under "
                               "mocks and check every resource with a policy pack over Pulumi's analyzer "
                               "protocol.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--all", action="store_true", help="run every stacks/Pulumi.<stack>.yaml")
    src.add_argument("--stack", nargs="+", action="extend", metavar="NAME",
                     help="run the program with stacks/Pulumi.NAME.yaml (repeatable)")
    src.add_argument("--config-file", action="append", metavar="PATH",
                     help="run the program with any Pulumi.<stack>.yaml file (repeatable)")
    src.add_argument("--export", action="append", metavar="FILE",
                     help="analyze a `pulumi stack export` file (deployment v3) instead (repeatable)")
    p.add_argument("--policy-pack", metavar="DIR", help="policy pack folder (default: policies/)")
    p.add_argument("--policy-config", metavar="FILE",
                   help="policy pack config JSON, as for `pulumi preview --policy-pack-config`")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    p.add_argument("--write-export", metavar="DIR", help="write each recorded stack as DIR/<stack>.json")
    p.add_argument("--program", metavar="DIR", help="program folder with Pulumi.yaml (default: repository root)")
    p.add_argument("--deployed", action="store_true",
                   help="record as after `pulumi up` (known ids and outputs) instead of a preview")
    p.add_argument("--jobs", "-j", type=_positive_int, metavar="N",
                   help="record stacks in N forked processes (default: the number of CPUs, at most one "
                        "per stack; 1 = one after the other in this process)")
    p.add_argument("--debug", action="store_true", help="tracebacks and the policy pack's own output")
    return p


def _err(line: str) -> None:
    # One write per line: the analysis thread's progress lines and this thread's lines never mix.
    sys.stderr.write(f"preflight: {line}\n")


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        signal.signal(signal.SIGTERM, _sigterm)
    except ValueError:
        pass  # not the main thread
    # Until the first stack is recorded nearly every new object is a module, class or function that
    # lives as long as the process: garbage collection is paused meanwhile (it would only re-walk
    # them), then that heap is frozen so later collections (here and in forked workers) skip it.
    gc_was_enabled, frozen_before = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        return _run(args, gc_was_enabled)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    finally:
        if not frozen_before:  # called in-process (tests): leave the heap as it was
            gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _run(args, gc_enabled: bool = True) -> int:
    from .stackfile import list_stack_files, load_project, stack_file_for, stack_name_from_path

    program = Path(args.program).resolve() if args.program else REPO_ROOT
    pack_dir = Path(args.policy_pack).resolve() if args.policy_pack else REPO_ROOT / "policies"
    problems: list[str] = []

    # 1. What to check.
    jobs: list[tuple[str, str]] = []  # (kind, path)
    if not (args.all or args.stack or args.config_file or args.export):
        _err("nothing to check: give --all, --stack NAME, --config-file PATH or --export FILE")
        return EXIT_INPUT
    project = None
    if not args.export:
        try:
            project = load_project(program)
        except InputError as e:
            for line in e.lines():
                _err(line)
            return EXIT_INPUT
        if args.all:
            files = list_stack_files(project)
            if not files:
                problems.append(f"no Pulumi.<stack>.yaml files in {project.stack_config_dir}")
            jobs += [("stack", f) for f in files]
        for name in args.stack or []:
            try:
                jobs.append(("stack", stack_file_for(project, name)))
            except InputError as e:
                problems += e.lines()
        for f in args.config_file or []:
            if not Path(f).is_file():
                problems.append(f"config file not found: {f}")
                continue
            try:
                stack_name_from_path(f)
                jobs.append(("stack", str(Path(f).resolve())))
            except InputError as e:
                problems += e.lines()
    else:
        for f in args.export:
            if not Path(f).is_file():
                problems.append(f"export file not found: {f}")
            else:
                jobs.append(("export", f))
    policy_config = None
    if args.policy_config:
        from .analyzer import load_policy_config
        try:
            policy_config = load_policy_config(args.policy_config)
        except InputError as e:
            problems += e.lines()
    if not (pack_dir / "PulumiPolicy.yaml").is_file():
        problems.append(f"policy pack not found: {pack_dir} has no PulumiPolicy.yaml"
                        + ("" if args.policy_pack else " (give --policy-pack DIR)"))
    if problems:
        for line in problems:
            _err(line)
        return EXIT_INPUT

    # 2. Start the pack now: it boots while the program is imported and recorded.
    from .analyzer import PolicyPackProcess
    from .report import Result, human, summary_line, to_json

    pack = PolicyPackProcess(pack_dir, None, debug=args.debug)
    pack.given_config = policy_config or {}
    results: list = []
    failed: list[str] = []
    # Recording is CPU work; analysis is mostly waiting for the pack process. One analysis thread lets
    # stack N be analyzed while later stacks are recorded (stacks are analyzed and reported in order).
    from concurrent.futures import ThreadPoolExecutor
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preflight-analyze")
    pending: list = []
    held: list = []  # analyses waiting until the workers are forked (no gRPC channel before a fork)
    workers = _worker_count(args, jobs)
    pool = None

    def analyze_job(n, stack, stack_cfg, source, kind, t0):
        pack.connect()
        for w in pack.warnings:
            _err(f"warning: {w}")
        pack.warnings.clear()
        violations = pack.analyze(stack, stack_config=stack_cfg, snapshot=(kind == "export"))
        r = Result(source=source, resources=len(stack.resources), violations=violations,
                   pack=pack.name, pack_version=pack.version, seconds=time.monotonic() - t0)
        if len(jobs) > 1:
            _err(f"[{n}/{len(jobs)}] {summary_line(r)} ({r.seconds:.2f} s)")
        return r

    def submit(n, recorded: _Recorded, kind, t0):
        job = (n, recorded.stack, recorded.stack_cfg, recorded.source, kind, t0)
        if workers > 1 and pool is None and len(jobs) - n >= 2:  # a fork may still come
            held.append(job)
        else:
            pending.append(executor.submit(analyze_job, *job))

    def finish(n, kind, path, recorded: _Recorded, t0) -> bool:
        """After a recording (here or in a worker): write the export, queue the analysis. An input
        problem is reported as it would be had it happened while recording; False then."""
        try:
            if args.write_export and kind == "stack":
                write_export(recorded.stack, Path(args.write_export) / f"{recorded.stack.name}.json")
        except InputError as e:
            e.label = recorded.label  # type: ignore[attr-defined]
            report_input_error(e, kind, path)
            return False
        submit(n, recorded, kind, t0)
        return True

    def report_input_error(e: InputError, kind, path) -> None:
        if getattr(e, "source", None) is None and kind == "stack":
            e.source = _display(path)
        for line in e.lines():
            _err(line)
        if args.debug and getattr(e, "traceback", None):
            sys.stderr.write(e.traceback.rstrip("\n") + "\n\n")
        failed.append(getattr(e, "label", path))

    def record_here(i) -> bool:
        kind, path = jobs[i]
        t0 = time.monotonic()
        try:
            recorded = _record(kind, path, program, project, args.deployed)
        except InputError as e:
            report_input_error(e, kind, path)
            return False
        return finish(i + 1, kind, path, recorded, t0)

    def settle(i, payload) -> None:
        """A worker's answer for jobs[i], in stack order: replay its output, then as record_here."""
        kind, path = jobs[i]
        if isinstance(payload, Crashed):
            e = InputError(payload.message())
            e.label = _stack_label(kind, path)  # type: ignore[attr-defined]
            report_input_error(e, kind, path)
            return
        outcome, out, err_text = payload
        sys.stdout.write(out)
        sys.stderr.write(err_text)
        if not isinstance(outcome, _Outcome):  # the worker could not send its result
            raise RuntimeError(f"recording worker: {outcome}")
        if outcome.status == "ok":
            finish(i + 1, kind, path, outcome.recorded, outcome.t0)
        elif outcome.status == "input":
            e = InputError(outcome.problems, outcome.source)
            e.traceback = outcome.traceback  # type: ignore[attr-defined]
            e.label = outcome.label  # type: ignore[attr-defined]
            report_input_error(e, kind, path)
        elif outcome.status == "exit":
            raise SystemExit(outcome.code)
        elif outcome.status == "interrupt":
            raise KeyboardInterrupt
        else:
            raise _WorkerError(outcome.type_name, outcome.message, outcome.traceback)

    def work(i) -> "_Outcome":  # runs in a worker process
        kind, path = jobs[i]
        t0 = time.monotonic()
        try:
            return _Outcome("ok", t0=t0, recorded=_record(kind, path, program, project, args.deployed))
        except InputError as e:
            return _Outcome("input", t0=t0, problems=list(e.problems), source=e.source,
                            traceback=getattr(e, "traceback", None), label=getattr(e, "label", path))
        except SystemExit as e:
            return _Outcome("exit", t0=t0, code=e.code)
        except KeyboardInterrupt:
            return _Outcome("interrupt", t0=t0)
        except Exception as e:  # noqa: BLE001 - reported by the parent as in a sequential run
            return _Outcome("internal", t0=t0, type_name=type(e).__name__, message=str(e),
                            traceback=traceback.format_exc())

    try:
        pack.spawn()
        if not args.export:
            from .recorder import record_program  # noqa: F401 - heavy imports (pulumi SDKs)
        from .export import write_export
        i, warm = 0, False
        while i < len(jobs):
            ok = record_here(i)
            i += 1
            if ok and not warm:
                warm = True
                _heap_settled(gc_enabled)
                # The first stack recorded here also imported every module the program needs:
                # forked workers start from that warm state and record the rest.
                if workers > 1 and len(jobs) - i >= 2:
                    break
        _heap_settled(gc_enabled)
        if i < len(jobs):
            pool = ForkPool(min(workers, len(jobs) - i), work).start()  # fork failed: pool.workers == []
            if args.debug:
                _err(f"recording {len(jobs) - i} stacks in {len(pool.workers)} forked worker processes")
        for job in held:
            pending.append(executor.submit(analyze_job, *job))
        held.clear()
        if pool is not None:
            answers: dict[int, Any] = {}
            for index, payload in pool.run(range(i, len(jobs))):
                answers[index] = payload
                while i in answers:
                    settle(i, answers.pop(i))
                    i += 1
            pool.close()
            for j in pool.undispatched:  # every worker died: record the rest here
                record_here(j)
        for fut in pending:
            results.append(fut.result())
    except InputError as e:
        for line in e.lines():
            _err(line)
        return EXIT_INPUT
    except Exception as e:  # noqa: BLE001 - a bug or an unexpected failure: one line unless --debug
        if args.debug:
            if isinstance(e, _WorkerError):
                print(e.traceback, file=sys.stderr)
            else:
                traceback.print_exc()
        _err(f"internal error: {_type_name(e)}: {e}")
        return EXIT_INPUT
    finally:
        # Stop the workers and the pack even if Ctrl-C comes again meanwhile (it is re-raised after).
        with _interrupts_deferred():
            if pool is not None:
                pool.close(kill=True)
            for fut in pending:
                fut.cancel()
            pack.close()
            executor.shutdown(wait=True, cancel_futures=True)

    print(to_json(results) if args.json else human(results, failed))
    if failed:
        return EXIT_INPUT
    return EXIT_MANDATORY if any(r.mandatory for r in results) else EXIT_OK


# ---------------------------------------------------------------------------------------------
# Recording one stack (here or in a forked worker, see preflight/workers.py).

@dataclasses.dataclass
class _Recorded:
    label: str  # the stack's name, as listed when it could not be used
    stack: Any  # RecordedStack
    stack_cfg: dict
    source: str  # how the report names it


@dataclasses.dataclass
class _Outcome:
    """What a worker sends back for one stack (picklable; InputError itself is not)."""
    status: str  # "ok" | "input" | "internal" | "exit" | "interrupt"
    t0: float = 0.0
    recorded: Optional[_Recorded] = None
    problems: list = dataclasses.field(default_factory=list)
    source: Optional[str] = None
    traceback: Optional[str] = None
    label: str = ""
    code: Any = None
    type_name: str = ""
    message: str = ""


class _WorkerError(Exception):
    """An unexpected exception in a worker, re-raised in the parent at the stack's turn."""

    def __init__(self, type_name: str, message: str, tb: Optional[str]):
        super().__init__(message)
        self.type_name = type_name
        self.traceback = tb or ""


def _heap_settled(gc_enabled: bool) -> None:
    """The SDKs and the program's modules are loaded: freeze what exists, collect garbage from here on."""
    if not gc.isenabled() and gc_enabled:
        gc.freeze()
        gc.enable()


@contextlib.contextmanager
def _interrupts_deferred():
    """SIGINT/SIGTERM during the block are held back and raised as KeyboardInterrupt at its end."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            old[sig] = signal.signal(sig, lambda signum, frame: caught.append(signum))
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    if caught:
        raise KeyboardInterrupt


def _type_name(e: BaseException) -> str:
    return e.type_name if isinstance(e, _WorkerError) else type(e).__name__


def _stack_label(kind: str, path: str) -> str:
    if kind == "stack":
        from .stackfile import stack_name_from_path
        try:
            return stack_name_from_path(path)
        except InputError:
            pass
    return path


def _record(kind: str, path: str, program: Path, project, deployed: bool) -> _Recorded:
    """Load and record one stack file (or read one export). Raises InputError with `.label`."""
    from .export import read_export
    from .stackfile import load_stack_file
    label = path
    try:
        if kind == "stack":
            from .recorder import record_program
            sf = load_stack_file(path)
            label = sf.name
            stack = record_program(str(program), sf.name, sf.config, preview=not deployed)
            stack_cfg = stack.config
            source = sf.name if Path(path).parent == Path(project.stack_config_dir) else path
        else:
            stack = read_export(path)
            stack_cfg = {}
            source = path
    except InputError as e:
        e.label = label  # type: ignore[attr-defined]
        raise
    return _Recorded(label=label, stack=stack, stack_cfg=stack_cfg, source=source)


def _worker_count(args, jobs: list) -> int:
    """Recording processes: --jobs (default: the CPUs), at most one per stack; 1 = in this process.
    Workers need at least 3 stacks (one is recorded here first, to warm the interpreter they inherit);
    exports are only read; fork may not exist: all of these run here."""
    if args.export or len(jobs) < 3 or not fork_available():
        return 1
    n = args.jobs if args.jobs is not None else cpu_count()
    return max(1, min(n, len(jobs)))


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
