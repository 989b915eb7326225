"""Steps 2 and 3 of a run: record every job (the first here, the rest here or in forked workers) and
analyze each recorded stack, in job order, with the one policy pack process.

Recording is CPU work; analysis is mostly waiting for the pack. One analysis thread lets stack N be
analyzed while later stacks are recorded; stacks are analyzed and reported in job order.
"""
from __future__ import annotations

import dataclasses
import gc
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable, Optional

from ..errors import InputError
from ..inputs.file_reader import display_path
from ..program.lookups import NOTE_POLICY, lookup_notes
from ..analyzer.wire import PB_TO_LEVEL
from ..analyzer.pack_process import PolicyPackProcess
from .plan import Plan
from .record_step import Recorded, from_worker, record_in_worker, record_job, write_export_if_asked
from ..output.text import Result, progress, say
from .workers import Crashed, ForkPool


class InOrderAnalysis:
    """Analyses on one thread, in the order submitted. An analysis can be held back (`hold`) while a fork
    may still come: no gRPC channel may exist when the process forks."""

    def __init__(self, pack: PolicyPackProcess, total: int):
        self.pack = pack
        self.total = total  # jobs in the run: progress lines `[n/total]` when more than one
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="preflight-analyze")
        self._pending: list[Future] = []
        self._held: list[tuple] = []

    def submit(self, n: int, recorded: Recorded, kind: str, t0: float, hold: bool = False) -> None:
        job = (n, recorded, kind, t0)
        if hold:
            self._held.append(job)
        else:
            self._pending.append(self._executor.submit(self._analyze, *job))

    def release_held(self) -> None:
        for job in self._held:
            self._pending.append(self._executor.submit(self._analyze, *job))
        self._held.clear()

    def results(self) -> list[Result]:
        """Every result, in submission order (waits; re-raises an analysis's exception)."""
        return [fut.result() for fut in self._pending]

    def cancel(self) -> None:
        for fut in self._pending:
            fut.cancel()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _analyze(self, n: int, recorded: Recorded, kind: str, t0: float) -> Result:
        pack = self.pack
        pack.connect()
        for note in pack.notes:
            say(f"note: {note}")
        for w in pack.warnings:
            say(f"warning: {w}")
        pack.notes.clear()
        pack.warnings.clear()
        for w in recorded.stack.warnings:  # the program's own warnings (pulumi.log.warn), as `pulumi preview` shows them
            say(f"warning: {recorded.source}: {w}")
        violations = pack.analyze(recorded.stack, stack_config=recorded.stack_config, snapshot=(kind == "export"))
        violations += lookup_notes(recorded.stack.lookups, recorded.stack.root_urn, _level(pack, NOTE_POLICY),
                                   pack.name, pack.version)
        r = Result(source=recorded.source, resources=len(recorded.stack.resources), violations=violations,
                   pack=pack.name, pack_version=pack.version, seconds=time.monotonic() - t0,
                   index=n - 1, recorded=recorded.stack, kind=kind)
        if self.total > 1:
            progress(f"[{n}/{self.total}] {r.source} ({r.seconds:.2f} s)")
        return r


def _level(pack: PolicyPackProcess, policy: str) -> str:
    """The enforcement level `policy` runs with: the effective config's, else the pack's own (disabled when the
    pack has no such policy)."""
    given = (getattr(pack, "effective_config", None) or {}).get(policy) or {}
    if given.get("enforcementLevel"):
        return str(given["enforcementLevel"])
    info = getattr(pack, "info", None)
    for p in info.policies if info is not None else ():
        if p.name == policy:
            return PB_TO_LEVEL.get(p.enforcementLevel, "advisory")
    return "disabled"


class StackRuns:
    """Records the plan's jobs and queues their analyses; `failed` lists the jobs that could not be used
    (their problems are reported on stderr as they come, in job order)."""

    def __init__(self, plan: Plan, analysis: InOrderAnalysis, *, debug: bool = False,
                 heap_settled: Callable[[], None] = lambda: None):
        self.plan = plan
        self.analysis = analysis
        self.debug = debug
        self.heap_settled = heap_settled  # called once the SDKs and the program's modules are loaded
        self.pool: Optional[ForkPool] = None
        self.failed: list[str] = []
        self.problems: dict[int, list[str]] = {}  # job index -> its problem lines (as said on stderr)

    def run(self) -> None:
        """Record the first usable stack here (warming the interpreter), then the rest in forked workers
        (or here, with one worker), settling their answers in job order."""
        jobs = self.plan.jobs
        workers = self.plan.workers
        if self.plan.program_env is None and any(j.kind == "stack" for j in jobs):
            from ..program.record import record_program  # noqa: F401 - heavy imports (pulumi SDKs)
        i = 0
        # A program in its own environment is recorded by child processes of that environment: nothing
        # here to warm, the workers start at once.
        warm = self.plan.program_env is not None
        while i < len(jobs) and not (warm and workers > 1 and len(jobs) - i >= 2):
            ok = self.record_here(i)
            i += 1
            if ok and not warm:
                # The first stack recorded here also imported every module the program needs:
                # forked workers start from that warm state and record the rest.
                warm = True
                self.heap_settled()
        self.heap_settled()
        if i < len(jobs):
            self.pool = ForkPool(min(workers, len(jobs) - i), self._work).start()  # fork failed: no workers
            if self.debug:
                say(f"recording {len(jobs) - i} stacks in {len(self.pool.workers)} forked worker processes")
        self.analysis.release_held()
        if self.pool is not None:
            answers: dict[int, Any] = {}
            for index, answer in self.pool.run(range(i, len(jobs))):
                answers[index] = answer
                while i in answers:
                    self.settle(i, answers.pop(i))
                    i += 1
            self.pool.close()
            for j in self.pool.undispatched:  # every worker died: record the rest here
                self.record_here(j)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close(kill=True)

    def record_here(self, i: int) -> bool:
        job = self.plan.jobs[i]
        t0 = time.monotonic()
        try:
            recorded = record_job(job, self.plan)
        except InputError as e:
            self.report_failure(e, i)
            return False
        return self.finish(i, recorded, t0)

    def settle(self, i: int, answer: Any) -> None:
        """A worker's answer for job i, in job order: replay its output, then as `record_here`."""
        job = self.plan.jobs[i]
        if not isinstance(answer, Crashed):
            answer, out, err_text = answer
            sys.stdout.write(out)
            sys.stderr.write(err_text)
        try:
            recorded, t0 = from_worker(job, answer)
        except InputError as e:
            self.report_failure(e, i)
            return
        self.finish(i, recorded, t0)

    def finish(self, i: int, recorded: Recorded, t0: float) -> bool:
        """After a recording (here or in a worker): write the export, queue the analysis. False (reported
        as if it had happened while recording) if the export cannot be written."""
        job = self.plan.jobs[i]
        try:
            write_export_if_asked(recorded, job, self.plan)
        except InputError as e:
            self.report_failure(e, i)
            return False
        n = i + 1
        fork_may_come = self.plan.workers > 1 and self.pool is None and len(self.plan.jobs) - n >= 2
        self.analysis.submit(n, recorded, job.kind, t0, hold=fork_may_come)
        return True

    def report_failure(self, e: InputError, i: int) -> None:
        """Job i could not be used: its lines on stderr now, its label in `failed`, its lines in `problems`."""
        job = self.plan.jobs[i]
        if job.kind == "stack" and e.source in (None, job.path):
            # The stack file, named once and as every line of the run names it, whether the reader that
            # refused it gave its full path or the program's check gave none.
            e = dataclasses.replace(e, source=display_path(job.path))
        for line in e.lines():
            say(line)
        if self.debug and e.traceback:
            sys.stderr.write(e.traceback.rstrip("\n") + "\n\n")
        self.failed.append(e.label if e.label is not None else job.path)
        self.problems[i] = e.lines()

    def _work(self, i: int):  # runs in a forked worker
        return record_in_worker(self.plan.jobs[i], self.plan, time.monotonic())


def settle_heap(gc_enabled: bool) -> None:
    """The SDKs and the program's modules are loaded: freeze what exists, collect garbage from here on."""
    if not gc.isenabled() and gc_enabled:
        gc.freeze()
        gc.enable()
