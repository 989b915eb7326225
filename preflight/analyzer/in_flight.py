"""Per-resource analyzer calls kept in flight: up to `window` resources' Remediate/Analyze calls are sent
before the first answer is awaited, and answers are handed back in resource order.

One call at a time costs a full round trip per call (gRPC on both ends, the pack's handler), most of it
waiting. With calls in flight, this process builds and sends requests while the pack works, and the pack
never waits for the next request (PolicyPack's server runs handlers on a pool of 4 threads under one
interpreter lock: pulumi_policy/policy.py, `futures.ThreadPoolExecutor(max_workers=4)`). The floor is then
the CPU time both processes spend per call (`make bench` prints it). What the pack sees is unchanged: the
same requests, each answered on its own (the SDK keeps no state between calls), and preflight reports the
answers in resource order, as one call at a time would.
"""
from __future__ import annotations

import collections
import os
from typing import Callable, Iterable, Iterator, Optional

import grpc

from ..records import RecordedResource

# Resources in flight (1 = one at a time). The more calls are pending, the more of them each wake-up of
# either side's gRPC threads completes: at 10,000 resources the per-resource phase took 4.1-4.5 s with 8-16
# in flight, 3.1-3.9 s with 64-256 (bench/export_bench.py; PREFLIGHT_ANALYZE_WINDOW overrides).
WINDOW = 1 if "in-flight" in os.environ.get("PREFLIGHT_WITHOUT", "").split(",") else \
    int(os.environ.get("PREFLIGHT_ANALYZE_WINDOW", "64"))


class Answer:
    """A call's response, or the grpc.RpcError it ended with."""
    __slots__ = ("response", "error")

    def __init__(self, wait: Optional[Callable[[], object]]):
        self.response = self.error = None
        if wait is None:
            return
        try:
            self.response = wait()
        except grpc.RpcError as e:
            self.error = e


def calls_in_order(resources: Iterable[RecordedResource], request: Callable[[RecordedResource], object],
                   analyze, remediate=None, window: int = WINDOW
                   ) -> Iterator[tuple[RecordedResource, Answer, Answer]]:
    """(resource, Remediate answer, Analyze answer) for each resource, in order. `analyze` and
    `remediate` are the stub's unary methods (`remediate` None: not called, its answer empty). With
    `window` 1, one call at a time: Remediate, its answer, then Analyze."""
    if window <= 1:
        for res in resources:
            req = request(res)
            rem = Answer((lambda: remediate(req)) if remediate is not None else None)
            yield res, rem, Answer(lambda: analyze(req))
        return
    pending: collections.deque = collections.deque()
    try:
        for res in resources:
            req = request(res)
            pending.append((res, remediate.future(req) if remediate is not None else None, analyze.future(req)))
            while len(pending) >= window:
                yield _settled(pending.popleft())
        while pending:
            yield _settled(pending.popleft())
    finally:  # the consumer stopped (an error): nothing is left running
        for _, rem, ana in pending:
            for fut in (rem, ana):
                if fut is not None:
                    fut.cancel()


def _settled(entry) -> tuple[RecordedResource, Answer, Answer]:
    res, rem, ana = entry
    return res, Answer(rem.result if rem is not None else None), Answer(ana.result)
