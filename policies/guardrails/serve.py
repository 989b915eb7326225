"""Serving the pack: the SDK's analyzer servicer on a ``grpc.aio`` server, on the pulumi-policy version the
guardrails servicer was written for; ``PolicyPack`` itself on any other.

``PolicyPack`` serves on ``grpc.server(ThreadPoolExecutor(max_workers=4))``: each call is handed from gRPC's
polling thread to a pool thread and back through condition variables, under one interpreter lock. The engine
sends one ``Analyze`` per resource, so at 10,000 resources that hand-off is most of the pack's CPU time
(``bench/export_bench.py`` prints both servers' figures). Here the handlers run on the event loop's thread,
one call after another (the servicer keeps no per-thread state: ``analysis.Analysis`` is a ``ContextVar`` and
each call runs in its own task context).

What the engine sees is the SDK's: the port on the first line of stdout, the same maximum message size, the
same servicer answering, ``UNIMPLEMENTED`` with "Method not implemented!" for the RPCs the SDK leaves to the
generated base class (``Handshake``, ``Cancel``), and ``UNKNOWN`` "Exception calling application: ..." when a
handler raises, as the synchronous server answers (grpc/_server.py ``_call_behavior``).
"""
from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any, Callable, List

import grpc
import pulumi_policy.policy as sdk
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, Policy, PolicyPack
from pulumi_policy.version import VERSION

from . import shared_stack

_LOG = logging.getLogger(__name__)
RPCS = ("Analyze", "AnalyzeStack", "Remediate", "GetAnalyzerInfo", "GetPluginInfo", "Configure", "Handshake",
        "ConfigureStack", "Cancel")


class OnTheLoop:
    """The servicer's RPCs as coroutines that run the synchronous handler on the event loop's thread."""

    def __init__(self, servicer: analyzer_pb2_grpc.AnalyzerServicer) -> None:
        for name in RPCS:
            setattr(self, name, self._coroutine(getattr(servicer, name)))

    @staticmethod
    def _coroutine(handler: Callable[[Any, Any], Any]):
        async def call(request, context):
            try:
                return handler(request, context)
            except NotImplementedError:  # the generated base class set the code and details first
                await context.abort(context.code() or grpc.StatusCode.UNIMPLEMENTED,
                                    context.details() or "Method not implemented!")
            except Exception as e:  # noqa: BLE001 - what grpc's synchronous server answers
                _LOG.exception("Exception calling application: %s", e)
                await context.abort(grpc.StatusCode.UNKNOWN, f"Exception calling application: {e}")
        return call


def servicer_for(name: str, policies: List[Policy]) -> analyzer_pb2_grpc.AnalyzerServicer:
    """The servicer ``PolicyPack(name=name, policies=policies)`` builds (same arguments, same defaults)."""
    if not isinstance(policies, list) or not all(isinstance(p, Policy) for p in policies):
        raise TypeError("Expected policies to be a list of policies")
    return sdk._PolicyAnalyzerServicer(name, "0.0.1", policies, EnforcementLevel.ADVISORY, None, None, None,
                                       None, None, None, None)


async def _serve(servicer) -> None:
    server = grpc.aio.server(options=sdk._GRPC_CHANNEL_OPTIONS)
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(OnTheLoop(servicer), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    sys.stdout.buffer.write(f"{port}\n".encode())
    sys.stdout.flush()
    await server.wait_for_termination()


def serve(name: str, policies: List[Policy]) -> None:
    """Serve the pack until the engine stops it (as ``PolicyPack`` does; it never returns normally)."""
    if VERSION != shared_stack.WRITTEN_FOR:
        PolicyPack(name=name, policies=policies)
        return
    try:
        asyncio.run(_serve(servicer_for(name, policies)))
    except KeyboardInterrupt:
        pass
