"""`python -m preflight`: offline preview and policy check (contracts §3)."""
from __future__ import annotations

import argparse
import contextlib
import gc
import signal
import sys
import threading
import traceback
from pathlib import Path
from typing import Optional

from .errors import InputError
from .plan import plan_run
from .recording import WorkerError
from .report import EXIT_INPUT, exit_status, final_report, progress_done, say

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUTS = ("text", "json", "sarif", "junit", "github")


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
    p.add_argument("--aws-facts", metavar="DIR",
                   help="JSON output of aws ec2 describe-vpcs/-subnets/-route-tables/-security-groups/... about "
                        "existing infrastructure: answers the program's lookups and tells the pack about ids "
                        "outside the stack (docs/preflight.md, existing infrastructure)")
    p.add_argument("--output", "-o", choices=OUTPUTS, metavar="FORMAT",
                   help="what to print on stdout: text (default), json, sarif (SARIF 2.1.0 for GitHub code "
                        "scanning), junit (JUnit XML), github (GitHub Actions annotations)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout (= --output json)")
    p.add_argument("--write-export", metavar="DIR", help="write each recorded stack as DIR/<stack>.json")
    p.add_argument("--report", metavar="DIR",
                   help="write DIR/<stack>.md (plan, network diagram, monthly cost, policy results), "
                        "DIR/<stack>.svg, DIR/index.md and DIR/report.json")
    p.add_argument("--baseline", metavar="PATH",
                   help="an earlier --report DIR or --json file: show cost, resource and violation deltas")
    p.add_argument("--usage-file", metavar="FILE",
                   help="monthly usage (GB through NAT/endpoints, logs, Fargate hours, KMS requests) for "
                        "the cost estimate (docs/report.md)")
    p.add_argument("--program", metavar="DIR", help="program folder with Pulumi.yaml (default: repository root)")
    p.add_argument("--deployed", action="store_true",
                   help="record as after `pulumi up` (known ids and outputs) instead of a preview")
    p.add_argument("--jobs", "-j", type=_positive_int, metavar="N",
                   help="record stacks in N forked processes (default: the number of CPUs, at most one "
                        "per stack; 1 = one after the other in this process)")
    p.add_argument("--verbose", "-v", action="store_true",
                   help="text output: each violation under its policy with the policy's description and sources, "
                        "the full URN and the whole message (default: one line per violation)")
    p.add_argument("--debug", action="store_true", help="tracebacks and the policy pack's own output")
    return p


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
    from .bulk import without
    if not without("heap-freeze"):
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
        from .reporting.run import error_document
        print(error_document(lines))
    return EXIT_INPUT


def _run(args, gc_enabled: bool = True) -> int:
    """plan -> record (here or in forked workers) -> analyze in order -> report."""
    from .reporting.run import load_options, report_step
    report_options, report_problems = load_options(args)
    try:
        plan = plan_run(args, REPO_ROOT)
    except InputError as e:
        return _stop(e.lines() + report_problems, report_options.as_json)
    if report_problems:
        return _stop(report_problems, report_options.as_json)
    report_options.program_dir = str(plan.program)
    if args.all and plan.project is not None:
        from .vpc_ranges import overlap_lines, stack_ranges
        for line in overlap_lines(plan.project, stack_ranges(plan.project)):
            say(f"warning: {line}")
    # The pack starts now: it boots while the program is imported and recorded.
    from .pack_process import PolicyPackProcess
    from .pipeline import InOrderAnalysis, StackRuns, settle_heap

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

    from .findings import catalog as policy_catalog
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
