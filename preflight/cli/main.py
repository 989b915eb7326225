"""`python -m preflight`: offline preview and policy check (contracts §3). `main` handles signals and the
garbage collector; `_run` chains the steps: plan -> record -> analyze in order -> report."""
from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Optional

from ..errors import InputError
from ..output.report_plugin import NO_PLUGIN, load_plugin, using
from ..output.text import EXIT_INPUT, exit_status, final_report, progress_done, say
from ..run.plan import plan_run, program_folder
from ..run.record_step import WorkerError
from .arguments import build_parser

REPO_ROOT = Path(__file__).resolve().parents[2]  # the checkout preflight runs from


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
    if "heap-freeze" not in os.environ.get("PREFLIGHT_WITHOUT", "").split(","):  # a measurement switch (bench/)
        gc.disable()
    try:
        return _run(args, gc_was_enabled)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        if not frozen_before:  # called in-process (tests): leave the heap as it was
            gc.unfreeze()
        if gc_was_enabled:
            gc.enable()


def _stop(lines: list[str], as_json: bool) -> int:
    """The run stops before any input is checked: one line per problem on stderr (and with --json the
    document, with those lines as its `errors`, on stdout)."""
    for line in lines:
        say(line)
    if as_json:
        from ..output.step import error_document
        print(error_document(lines))
    return EXIT_INPUT


def _run(args, gc_enabled: bool = True) -> int:
    """plan -> record (here or in forked workers) -> analyze in order -> report, with the project's report
    plugin (output/report_plugin.py) active."""
    from ..output.step import load_options
    plugin, plugin_problems = NO_PLUGIN, []
    try:
        plugin = load_plugin(program_folder(args, REPO_ROOT), REPO_ROOT)
    except InputError as e:
        plugin_problems = e.lines()
    report_options, report_problems = load_options(args, plugin)
    with using(plugin):
        return _run_steps(args, gc_enabled, report_options, plugin_problems + report_problems)


def _run_steps(args, gc_enabled: bool, report_options, report_problems: list[str]) -> int:
    from ..output.step import report_step
    try:
        plan = plan_run(args, REPO_ROOT)
    except InputError as e:
        return _stop(e.lines() + report_problems, report_options.as_json)
    if report_problems:
        return _stop(report_problems, report_options.as_json)
    report_options.program_dir = str(plan.program)
    if args.all and plan.project is not None:
        for line in report_options.plugin.all_stacks_warnings(plan.project):
            say(f"warning: {line}")
    # The pack starts now: it boots while the program is imported and recorded.
    from ..analyzer.pack_process import PolicyPackProcess
    from ..run.pipeline import InOrderAnalysis, StackRuns, settle_heap

    pack = PolicyPackProcess(plan.pack_dir, parsed_config=plan.policy_config, config_source=args.policy_config,
                             debug=args.debug)
    analysis = InOrderAnalysis(pack, total=len(plan.jobs))
    runs = StackRuns(plan, analysis, debug=args.debug, heap_settled=lambda: settle_heap(gc_enabled))
    try:
        pack.spawn()
        runs.run()
        results = analysis.results()
    except InputError as e:
        for line in e.lines():
            say(line)
        return EXIT_INPUT
    except Exception as e:  # noqa: BLE001 - a bug or an unexpected failure: one line unless --debug
        if args.debug:
            if isinstance(e, WorkerError):
                print(e.traceback, file=sys.stderr)
            else:
                traceback.print_exc()
        say(f"internal error: {e.type_name if isinstance(e, WorkerError) else type(e).__name__}: {e}")
        return EXIT_INPUT
    finally:
        # Stop the workers and the pack even if Ctrl-C comes again meanwhile (it is re-raised after).
        with _interrupts_deferred():
            runs.close()
            analysis.cancel()
            pack.close()
            analysis.shutdown()

    from ..output.findings import catalog as policy_catalog
    catalog = policy_catalog(pack.info)
    levels = {name: c.get("enforcementLevel") for name, c in (pack.effective_config or {}).items()}
    try:
        output_text = report_step(report_options, plan.jobs, results, runs.problems, pack.name, pack.version,
                                  exit_status(results, runs.failed), catalog, levels)
    except InputError as e:
        return _stop(e.lines(), False)
    if report_options.report_dir:
        say(f"report written: {Path(report_options.report_dir) / 'index.md'}")
    text, code = final_report(results, runs.failed, output_text, catalog, verbose=args.verbose)
    progress_done()
    print(text)
    return code


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
