"""The pack's grpc.aio server (guardrails/serve.py) answers the engine as pulumi-policy's own server does.

The pack process is started the way the CLI starts a Python pack (`python -u -m pulumi.policy <engine> <dir>`,
preflight's PolicyPackProcess); the SDK's server is `PolicyPack(...)` itself, run in a child process on the
same servicer. Every RPC the engine makes gets the same status code, details and response from both:
Handshake and Cancel are UNIMPLEMENTED (the CLI treats that as "an old analyzer"), a handler that raises is
UNKNOWN with grpc's own "Exception calling application: ..." text, and the analysis answers are equal."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2 as apb
from pulumi.runtime.proto import analyzer_pb2_grpc as agrpc

import pulumi_policy.policy as sdk
from guardrails import serve, servicer
from guardrails.rules import ALL_POLICIES
from preflight.pack_process import PolicyPackProcess
from preflight.wire import analyze_request, analyze_stack_request
from tests.policies.fixture_cases import FAILING, PROGRAM
from preflight.recorder import record_program

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
SDK_SERVED = f"""
import sys
sys.path.insert(0, {str(PACK_DIR)!r})
from pulumi_policy import PolicyPack
from guardrails import servicer
from guardrails.rules import ALL_POLICIES
servicer.install()
PolicyPack(name="eks-network-guardrails", policies=ALL_POLICIES)
"""
# An EKS cluster (a type eks-resource-names judges) whose secret has no value: the SDK's deserializer raises.
BROKEN = apb.AnalyzeRequest(type="aws:eks/cluster:Cluster", urn="urn:pulumi:s::p::aws:eks/cluster:Cluster::c",
                            name="c")
BROKEN.properties.update({"name": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}})


@pytest.fixture(scope="module")
def both():
    """(stub of the pack as the CLI runs it, stub of the same servicer on the SDK's own server)."""
    sdk_proc = subprocess.Popen([sys.executable, "-u", "-c", SDK_SERVED], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=dict(os.environ))
    try:
        port = int(sdk_proc.stdout.readline())
        with PolicyPackProcess(PACK_DIR) as pack:
            pack.connect()
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                yield pack.stub, agrpc.AnalyzerStub(channel)
    finally:
        sdk_proc.kill()
        sdk_proc.wait()


def outcome(call, request):
    try:
        return "OK", call(request)
    except grpc.RpcError as e:
        return e.code(), e.details()


@pytest.mark.parametrize("rpc, request_", [
    ("Handshake", apb.AnalyzerHandshakeRequest(engine_address="127.0.0.1:0")),
    ("Cancel", empty_pb2.Empty()),
    ("Analyze", BROKEN),
    ("GetAnalyzerInfo", empty_pb2.Empty()),
    ("GetPluginInfo", empty_pb2.Empty()),
    ("ConfigureStack", apb.AnalyzerStackConfigureRequest(stack="s", project="p")),
], ids=lambda v: v if isinstance(v, str) else "")
def test_same_status_and_answer_as_the_sdk_server(both, rpc, request_):
    ours, theirs = (outcome(getattr(stub, rpc), request_) for stub in both)
    assert ours == theirs
    if rpc in ("Handshake", "Cancel"):
        assert ours == (grpc.StatusCode.UNIMPLEMENTED, "Method not implemented!")
    if rpc == "Analyze":
        assert ours[0] == grpc.StatusCode.UNKNOWN
        assert ours[1].startswith("Exception calling application: Invalid secret")


def test_same_verdicts_as_the_sdk_server(both):
    """A failing layout (private-only cluster without the ecr.dkr endpoint, Amazon EKS User Guide,
    private-clusters): every Analyze and the AnalyzeStack answer equal on both servers, with the violation."""
    stack = record_program(PROGRAM, "eq", FAILING[15].config("raw"))
    index = stack.by_urn()
    answers = []
    for stub in both:
        per_resource = [stub.Analyze(analyze_request(r, index)) for r in stack.resources]
        answers.append((per_resource, stub.AnalyzeStack(analyze_stack_request(stack, index))))
    assert answers[0] == answers[1]
    assert "eks-isolated-nodes-privatelink" in {d.policyName for d in answers[0][1].diagnostics}


def test_the_sdk_server_on_any_other_pulumi_policy_version(monkeypatch):
    served = []
    monkeypatch.setattr(serve, "VERSION", "9.9.9")
    monkeypatch.setattr(serve, "PolicyPack", lambda **kw: served.append(kw))
    serve.serve("eks-network-guardrails", ALL_POLICIES)
    assert served == [{"name": "eks-network-guardrails", "policies": ALL_POLICIES}]


def test_servicer_built_as_policy_pack_builds_it():
    servicer.install()
    built = serve.servicer_for("eks-network-guardrails", ALL_POLICIES)
    assert isinstance(built, servicer.GuardrailsServicer) and isinstance(built, sdk._PolicyAnalyzerServicer)
    info = built.GetAnalyzerInfo(None, None)
    assert info.name == "eks-network-guardrails" and len(info.policies) == len(ALL_POLICIES)
    with pytest.raises(TypeError, match="list of policies"):
        serve.servicer_for("x", ["not a policy"])
