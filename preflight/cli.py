"""`python -m preflight`: offline preview and policy check (contracts §3)."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Optional

from .model import InputError

REPO_ROOT = Path(__file__).resolve().parent.parent

EXIT_OK, EXIT_MANDATORY, EXIT_INPUT = 0, 1, 2


class _ArgParser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, exit 2
        self.print_usage(sys.stderr)
        print(f"preflight: error: {message}", file=sys.stderr)
        sys.exit(EXIT_INPUT)


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
    p.add_argument("--debug", action="store_true", help="tracebacks and the policy pack's own output")
    return p


def _err(line: str) -> None:
    print(f"preflight: {line}", file=sys.stderr)


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        signal.signal(signal.SIGTERM, _sigterm)
    except ValueError:
        pass  # not the main thread
    try:
        return _run(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


def _run(args) -> int:
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
    # Recording is CPU work in this process; analysis is mostly waiting for the pack process. One
    # analysis thread lets stack N be analyzed while stack N+1 is recorded (stacks stay in order).
    from concurrent.futures import ThreadPoolExecutor
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preflight-analyze")
    pending: list = []

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

    try:
        pack.spawn()
        if not args.export:
            from .recorder import record_program  # heavy imports (pulumi SDKs)
        from .export import read_export, write_export
        from .stackfile import load_stack_file, runtime_config
        for n, (kind, path) in enumerate(jobs, 1):
            t0 = time.monotonic()
            label = path
            try:
                if kind == "stack":
                    sf = load_stack_file(path)
                    label = sf.name
                    stack = record_program(str(program), sf.name, sf.config, preview=not args.deployed)
                    stack_cfg = runtime_config(sf.config, project, stack=sf.name)[0]
                    source = sf.name if Path(path).parent == Path(project.stack_config_dir) else path
                else:
                    stack = read_export(path)
                    stack_cfg = {}
                    source = path
                if args.write_export and kind == "stack":
                    write_export(stack, Path(args.write_export) / f"{stack.name}.json")
            except InputError as e:
                if getattr(e, "source", None) is None and kind == "stack":
                    e.source = _display(path)
                for line in e.lines():
                    _err(line)
                if args.debug and getattr(e, "traceback", None):
                    print(e.traceback, file=sys.stderr)
                failed.append(label)
                continue
            pending.append(executor.submit(analyze_job, n, stack, stack_cfg, source, kind, t0))
        for fut in pending:
            results.append(fut.result())
    except InputError as e:
        for line in e.lines():
            _err(line)
        return EXIT_INPUT
    except Exception as e:  # noqa: BLE001 - a bug or an unexpected failure: one line unless --debug
        if args.debug:
            traceback.print_exc()
        _err(f"internal error: {type(e).__name__}: {e}")
        return EXIT_INPUT
    finally:
        for fut in pending:
            fut.cancel()
        pack.close()
        executor.shutdown(wait=True, cancel_futures=True)

    print(to_json(results) if args.json else human(results, failed))
    if failed:
        return EXIT_INPUT
    return EXIT_MANDATORY if any(r.mandatory for r in results) else EXIT_OK


def _display(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel
