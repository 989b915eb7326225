"""The asyncio event loop a program is recorded in: its calls to the monitor made one at a time, in the
order the program makes them, and every loop made meanwhile closed afterwards.

**One call at a time.** The SDK sends each RegisterResource, Invoke, ReadResource, ... from a thread of
the loop's default executor (`run_in_executor(None, ...)`, pulumi/runtime/resource.py, invoke.py). With
asyncio's own executor several threads race for the monitor, so stacks with resources registered at the
same time were recorded in an order that changed from run to run (and with it the order of the report
and of the export): 2 to 5 distinct orders in 10-40 recordings of one stack on a busy machine. Here
`submit` returns only when its call is done, so the calls reach the monitor in the order the program
issues them, and the program continues in one order: one of the schedules the language host can produce.
The mocks answer in microseconds, so nothing waits longer; a call still running after `CALL_WAIT`
seconds (only the program's own work can take that long) is left to finish concurrently.

**Loops closed.** pulumi answers an invoke under mocks by making the executor's thread an event loop of
its own (pulumi/runtime/mocks.py `MockMonitor.Invoke` -> sync_await.py `_ensure_event_loop`:
`new_event_loop()` and `set_event_loop()`), which nothing closes: each recording left such loops, each
holding an epoll descriptor and a socket pair, to the garbage collector or to interpreter exit, where
`BaseEventLoop.__del__` closed them with a ResourceWarning or an "Exception ignored" traceback. Here the
executor's thread is given its loop as it starts (so `_ensure_event_loop` finds it and makes none), and
that loop is closed once the thread has ended.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from typing import Iterator

CALL_WAIT = 30.0


class _OneCallAtATime(concurrent.futures.ThreadPoolExecutor):
    """A thread pool (asyncio accepts no other default executor) whose `submit` waits for the call."""

    def submit(self, fn, /, *args, **kwargs):
        future = super().submit(fn, *args, **kwargs)
        concurrent.futures.wait([future], timeout=CALL_WAIT)
        return future


@contextlib.contextmanager
def program_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A new event loop, current in this thread while the block runs; it, its default executor and the
    loops of the executor's threads are shut down and closed when the block ends."""
    thread_loops: list[asyncio.AbstractEventLoop] = []
    lock = threading.Lock()

    def give_thread_its_loop() -> None:
        loop = asyncio.new_event_loop()
        with lock:
            thread_loops.append(loop)
        asyncio.set_event_loop(loop)

    loop = asyncio.new_event_loop()
    executor = _OneCallAtATime(thread_name_prefix="asyncio", initializer=give_thread_its_loop)
    loop.set_default_executor(executor)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        try:
            loop.run_until_complete(loop.shutdown_default_executor())
        except Exception:  # noqa: BLE001 - the threads are joined below either way
            pass
        executor.shutdown(wait=True)
        asyncio.set_event_loop(None)
        for thread_loop in thread_loops:
            thread_loop.close()
        loop.close()
