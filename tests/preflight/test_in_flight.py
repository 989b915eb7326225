"""preflight/analyzer/in_flight.py: answers come back in resource order whatever order the calls finish in; an
error stops the run and nothing is left in flight."""
from __future__ import annotations

import concurrent.futures
import random
import threading
import time

import grpc

from preflight.analyzer.in_flight import calls_in_order
from preflight.records import RecordedResource


class _Failed(grpc.RpcError):
    def code(self):
        return grpc.StatusCode.INTERNAL


class _Method:
    """A stub method whose calls finish in a shuffled order (random delays), recording what ran."""

    def __init__(self, pool, fail_on=None):
        self.pool, self.fail_on = pool, fail_on
        self.started, self.cancelled, self.lock = [], [], threading.Lock()
        self.in_flight = self.most_in_flight = 0

    def _run(self, req):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        time.sleep(random.Random(req).random() / 200)
        with self.lock:
            self.in_flight -= 1
        if req == self.fail_on:
            raise _Failed()
        return f"answer-{req}"

    def future(self, req):
        self.started.append(req)
        fut = self.pool.submit(self._run, req)
        original_cancel = fut.cancel
        fut.cancel = lambda: (self.cancelled.append(req), original_cancel())[1]
        return fut

    def __call__(self, req):
        self.started.append(req)
        return self._run(req)


def _resources(n):
    return [RecordedResource(urn=f"urn:pulumi:s::p::t::r{i}", type="t", name=f"r{i}", custom=True) for i in range(n)]


def test_answers_in_resource_order_with_calls_in_flight():
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        analyze, remediate = _Method(pool), _Method(pool)
        out = list(calls_in_order(_resources(60), lambda r: r.name, analyze, remediate, window=8))
    assert [r.name for r, _, _ in out] == [f"r{i}" for i in range(60)]
    assert [a.response for _, _, a in out] == [f"answer-r{i}" for i in range(60)]
    assert [m.response for _, m, _ in out] == [f"answer-r{i}" for i in range(60)]
    assert 1 < analyze.most_in_flight <= 8


def test_window_one_is_one_call_at_a_time_and_no_remediate_when_not_asked():
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        analyze = _Method(pool)
        out = list(calls_in_order(_resources(5), lambda r: r.name, analyze, None, window=1))
    assert analyze.most_in_flight == 1
    assert [m.response for _, m, _ in out] == [None] * 5
    assert [a.response for _, _, a in out] == [f"answer-r{i}" for i in range(5)]


def test_an_error_is_handed_back_at_its_resource_and_the_rest_is_cancelled():
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        analyze = _Method(pool, fail_on="r3")
        seen = []
        for res, _, answer in calls_in_order(_resources(40), lambda r: r.name, analyze, None, window=10):
            if answer.error is not None:
                break  # what pack_process does: raise, naming res.urn
            seen.append(res.name)
    assert seen == ["r0", "r1", "r2"]
    assert res.name == "r3" and answer.error.code() == grpc.StatusCode.INTERNAL
    assert len(analyze.started) == 13  # r0..r12: the window ran 10 ahead, no further
    assert analyze.cancelled == [f"r{i}" for i in range(4, 13)]
