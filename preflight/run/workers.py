"""Forked recording workers for `python -m preflight --jobs N`.

The parent imports the SDKs and records a first stack (which also imports every module the program
uses), then forks N workers. Each worker inherits that warm interpreter and records the stacks the
parent hands it, one at a time, in the order given; the parent gets each result back (pickle over a
pipe) and analyzes them in stack order with its one policy pack process.

A worker runs `task(index)` for each index it receives and sends back `(result, stdout, stderr)`: the
worker's own stdout/stderr text is captured per task so the parent can replay it in stack order.
Workers ignore SIGINT (Ctrl-C reaches the whole process group; the parent decides), die on SIGTERM,
and on Linux die with the parent even if it is killed outright.
A worker that dies is reaped at once and reported for the index it held (`Crashed`); `close()` always
stops and reaps every worker, so none is left running or as a zombie.
"""
from __future__ import annotations

import collections
import dataclasses
import io
import os
import pickle
import selectors
import signal
import struct
import sys
import time
import warnings
from typing import Any, Callable, Iterator, Optional

_HEADER = struct.Struct("!Q")


def fork_available() -> bool:
    """os.fork exists and is usable here (not Windows, not a WASI/Emscripten build)."""
    return hasattr(os, "fork") and sys.platform not in ("win32", "cygwin", "emscripten", "wasi")


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@dataclasses.dataclass
class Crashed:
    """The worker holding this index died before answering."""
    pid: int
    how: str  # "exited with status 3", "was killed by signal 9 (SIGKILL)", ...

    def message(self) -> str:
        return f"the recording worker (pid {self.pid}) {self.how} before finishing this stack"


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "?"
        return f"was killed by signal {sig} ({name})"
    if os.WIFEXITED(status):
        return f"exited with status {os.WEXITSTATUS(status)}"
    return f"ended (wait status {status})"


# ---------------------------------------------------------------------------------------------
# Framing: 8-byte length, then the pickle.

def _write_frame(fd: int, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _read_exact(fd: int, n: int) -> Optional[bytes]:
    """n bytes, or None on EOF before the first byte; EOFError on EOF in the middle."""
    chunks, got = [], 0
    while got < n:
        b = os.read(fd, min(n - got, 1 << 20))
        if not b:
            if got == 0:
                return None
            raise EOFError("truncated frame")
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def _read_frame(fd: int) -> Any:
    """The next object, or raise EOFError (the writer is gone)."""
    head = _read_exact(fd, _HEADER.size)
    if head is None:
        raise EOFError("end of stream")
    (length,) = _HEADER.unpack(head)
    body = _read_exact(fd, length) if length else b""
    if body is None:
        raise EOFError("truncated frame")
    return pickle.loads(body)


# ---------------------------------------------------------------------------------------------


class _Worker:
    def __init__(self, pid: int, task_w: int, result_r: int):
        self.pid = pid
        self.task_w: Optional[int] = task_w
        self.result_r: Optional[int] = result_r
        self.busy: Optional[int] = None  # the index being worked on
        self.status: Optional[int] = None  # wait status once reaped

    def close_tasks(self) -> None:
        if self.task_w is not None:
            try:
                os.close(self.task_w)
            except OSError:
                pass
            self.task_w = None

    def close_results(self) -> None:
        if self.result_r is not None:
            try:
                os.close(self.result_r)
            except OSError:
                pass
            self.result_r = None

    def try_reap(self, block: bool = False) -> bool:
        if self.status is not None:
            return True
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            self.status = 0
            return True
        except InterruptedError:
            return False
        if pid == 0:
            return False
        self.status = status
        return True


def _die_with_parent(parent: int) -> None:
    """Linux: SIGKILL this worker when the parent dies (even by SIGKILL), instead of letting it finish
    its current stack first. Elsewhere a worker exits when it next talks to the gone parent."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)


def _child_main(task_r: int, result_w: int, task: Callable[[int], Any], parent: int) -> int:
    """The worker loop: read an index, run the task with stdout/stderr captured, send the result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    while True:
        head = _read_exact(task_r, _HEADER.size)
        if head is None:
            return 0  # the parent has no more work (or is gone)
        (index,) = _HEADER.unpack(head)
        out, err = io.StringIO(), io.StringIO()
        old = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            result = task(index)
        finally:
            sys.stdout, sys.stderr = old
        try:
            _write_frame(result_w, (result, out.getvalue(), err.getvalue()))
        except BrokenPipeError:
            return 0  # the parent is gone
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            # Should not happen (results are plain data); never leave the parent waiting.
            _write_frame(result_w, (e.__class__.__name__ + ": " + str(e), out.getvalue(), err.getvalue()))


class ForkPool:
    """N forked workers that run `task(index)` (in the child) for the indices given to `run`.

    Use as a context manager (or call `close()` in a `finally`): closing stops and reaps every worker.
    """

    def __init__(self, workers: int, task: Callable[[int], Any]):
        self.size = max(1, workers)
        self.task = task
        self.workers: list[_Worker] = []
        self.undispatched: list[int] = []  # indices no worker was left to run

    def __enter__(self) -> "ForkPool":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close(kill=exc_type is not None)

    def start(self) -> "ForkPool":
        # Nothing buffered may be written twice (once by a child).
        sys.stdout.flush()
        sys.stderr.flush()
        for _ in range(self.size):
            if not self._fork_one():
                break  # out of processes or memory: fewer workers (none: the caller records itself)
        return self

    def _fork_one(self) -> bool:
        try:
            task_r, task_w = os.pipe()
        except OSError:
            return False
        try:
            result_r, result_w = os.pipe()
        except OSError:
            os.close(task_r)
            os.close(task_w)
            return False
        parent = os.getpid()
        try:
            with warnings.catch_warnings():
                # Python >= 3.12 warns when forking a process that has threads (here: the policy
                # pack's output readers, which the child never touches).
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            for fd in (task_r, task_w, result_r, result_w):
                os.close(fd)
            return False
        if pid == 0:  # the child: never returns
            code = 70
            try:
                os.close(task_w)
                os.close(result_r)
                for w in self.workers:  # other workers' pipes: keep EOF detection exact
                    w.close_tasks()
                    w.close_results()
                code = _child_main(task_r, result_w, self.task, parent)
            except BaseException:  # noqa: BLE001 - a child never unwinds into the parent's code
                code = 70
            finally:
                os._exit(code)
        os.close(task_r)
        os.close(result_w)
        self.workers.append(_Worker(pid, task_w, result_r))
        return True

    def _dispatch(self, w: _Worker, queue: collections.deque) -> None:
        """Hand `w` the next index, or close its task pipe (it exits when it reads EOF)."""
        if queue and w.task_w is not None:
            try:
                os.write(w.task_w, _HEADER.pack(queue[0]))
            except OSError:  # the worker is gone; its result pipe reports EOF next
                w.close_tasks()
                return
            w.busy = queue.popleft()
            return
        w.close_tasks()

    def run(self, indices) -> Iterator[tuple[int, Any]]:
        """Yield `(index, (result, stdout, stderr))` or `(index, Crashed)` as workers finish, handing
        out indices in the given order. Indices left when every worker has died are in
        `self.undispatched` afterwards."""
        queue = collections.deque(indices)
        sel = selectors.DefaultSelector()
        try:
            for w in self.workers:
                self._dispatch(w, queue)
                sel.register(w.result_r, selectors.EVENT_READ, w)
            while sel.get_map():
                for key, _ in sel.select():
                    w: _Worker = key.data
                    try:
                        payload = _read_frame(w.result_r)
                    except EOFError:
                        sel.unregister(w.result_r)
                        w.close_tasks()
                        w.close_results()
                        w.try_reap(block=True)
                        if w.busy is not None:
                            index, w.busy = w.busy, None
                            yield index, Crashed(w.pid, describe_status(w.status or 0))
                        continue
                    index, w.busy = w.busy, None
                    self._dispatch(w, queue)
                    if w.task_w is None and w.busy is None:
                        sel.unregister(w.result_r)  # done: it exits on EOF; reaped in close()
                    yield index, payload
        finally:
            sel.close()
        self.undispatched = list(queue)

    def close(self, kill: bool = False, timeout: float = 2.0) -> None:
        """Stop and reap every worker. Idle workers exit as soon as their task pipe closes; with
        `kill` (an error or Ctrl-C in the parent) every worker gets SIGTERM at once. A worker still
        there after `timeout` gets SIGTERM, then SIGKILL; every one is waited for."""
        for w in self.workers:
            w.close_tasks()
        stages = [signal.SIGTERM, signal.SIGKILL]
        if kill:
            self._signal_alive(stages.pop(0))
        while not self._wait(timeout):
            if not stages:
                break
            self._signal_alive(stages.pop(0))
        for w in self.workers:
            w.try_reap(block=True)
            w.close_results()

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            if all(w.try_reap() for w in self.workers):
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)

    def _signal_alive(self, sig: int) -> None:
        for w in self.workers:
            if w.status is None:
                self._signal(w, sig)

    @staticmethod
    def _signal(w: _Worker, sig: int) -> None:
        try:
            os.kill(w.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
