"""The asyncio event loop a program is recorded in, and every loop made while it runs, closed afterwards.

The language host runs a program on one loop. Under mocks, pulumi answers an invoke on a thread of that
loop's default executor, and makes that thread an event loop of its own to finish the answer
(pulumi/runtime/mocks.py `MockMonitor.Invoke` -> sync_await.py `_ensure_event_loop`: `new_event_loop()`
and `set_event_loop()`), which nothing closes. Each recording left such loops, each holding an epoll
descriptor and a socket pair, to the garbage collector or to interpreter exit, where
`BaseEventLoop.__del__` closed them with a ResourceWarning or an "Exception ignored" traceback.

Here every executor thread is given its loop as it starts (so `_ensure_event_loop` finds it and makes
none), and those loops are closed once the executor's threads have ended.
"""
from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator


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
    # As asyncio's own default executor (BaseEventLoop.run_in_executor), plus the initializer.
    executor = ThreadPoolExecutor(thread_name_prefix="asyncio", initializer=give_thread_its_loop)
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
