"""The pack's shared-deserialization AnalyzeStack answers exactly like pulumi-policy's own servicer.

Both servicers (each under the pack's recorder, guardrails/servicer.py, as the pack installs them) run in this process on the same AnalyzeStack requests (as preflight builds them), for
every fixture layout, valid and failing, at preview and as deployed; the responses must be equal."""
from __future__ import annotations

import pytest
from pulumi.runtime.proto import analyzer_pb2 as apb

import pulumi_policy.policy as sdk
from guardrails import servicer as pack_servicer
from guardrails import shared_stack
from tests.policies.fixture_cases import FAILING, PROGRAM, VALID, Case
from guardrails.rules import ALL_POLICIES, RULES
from preflight.analyzer.wire import analyze_request, analyze_stack_request, marshal_properties
from preflight.program.record import record_program

OURS = pack_servicer.GuardrailsServicer
SDK_SERVICER = pack_servicer.RecordingSdkServicer


def servicer(cls, config=None):
    """A servicer configured as the engine configures a pack: Configure with every policy's settings."""
    sv = cls("eks-network-guardrails", "0.0.1", ALL_POLICIES, sdk.EnforcementLevel.ADVISORY, None,
             None, None, None, None, None, None)
    if config:
        request = apb.ConfigureAnalyzerRequest()
        for name, (level, properties) in config.items():
            request.policyConfig[name].enforcementLevel = level
            request.policyConfig[name].properties.update(properties)
        sv.Configure(request, None)
    return sv


def analyze(cls, stack, config=None) -> apb.AnalyzeResponse:
    """Analyze per resource (its inputs), then AnalyzeStack; the stack response plus every resource finding."""
    sv = servicer(cls, config)
    per_resource, not_applicable = [], []
    for res in stack.resources:
        reply = sv.Analyze(analyze_request(res, stack.by_urn()), None)
        per_resource.extend(reply.diagnostics)
        not_applicable.extend(reply.not_applicable)
    response = sv.AnalyzeStack(analyze_stack_request(stack), None)
    response.diagnostics.extend(per_resource)
    response.not_applicable.extend(not_applicable)
    return response


def normalized(response: apb.AnalyzeResponse):
    return sorted((d.policyName, d.urn, d.message, d.enforcementLevel) for d in response.diagnostics), sorted(
        (n.policy_name, n.reason) for n in response.not_applicable)


CASES = [(c, form) for c in VALID + FAILING for form in c.forms]


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "deployed"])
@pytest.mark.parametrize("case, form", CASES, ids=[f"{c.id}:{f}" for c, f in CASES])
def test_same_response_as_the_sdk_servicer(case, form, preview):
    stack = record_program(PROGRAM, "eq", case.config(form), preview=preview)
    ours, theirs = analyze(OURS, stack), analyze(SDK_SERVICER, stack)
    assert normalized(ours) == normalized(theirs)
    if case.policy:
        assert case.policy in {d.policyName for d in ours.diagnostics}


def test_config_and_disabled_policies_behave_as_in_the_sdk():
    stack = record_program(PROGRAM, "eq", FAILING[15].config("raw"))  # private-managed without ecr.dkr
    config = {"eks-isolated-nodes-privatelink": (apb.DISABLED, {}),
              "eks-isolated-nodes-after-privatelink": (apb.MANDATORY, {"requiredServices": ["ec2", "sts", "kms"]})}
    ours = analyze(OURS, stack, config)
    assert normalized(ours) == normalized(analyze(SDK_SERVICER, stack, config))
    assert "eks-isolated-nodes-privatelink" not in {d.policyName for d in ours.diagnostics}


def test_installed_only_for_the_version_it_was_written_for(monkeypatch):
    monkeypatch.setattr(sdk, "_PolicyAnalyzerServicer", pack_servicer.SDK_SERVICER)
    monkeypatch.setattr(pack_servicer, "VERSION", "9.9.9")
    assert pack_servicer.install() is SDK_SERVICER and sdk._PolicyAnalyzerServicer is SDK_SERVICER
    assert issubclass(SDK_SERVICER, pack_servicer.SDK_SERVICER)
    assert not issubclass(SDK_SERVICER, shared_stack.SharedStackServicer)
    monkeypatch.setattr(pack_servicer, "VERSION", shared_stack.WRITTEN_FOR)
    assert pack_servicer.install() is OURS and sdk._PolicyAnalyzerServicer is OURS
    assert issubclass(OURS, shared_stack.SharedStackServicer)


def test_component_inputs_serve_one_analyze_stack_only():
    """The inputs Analyze recorded belong to the AnalyzeStack that follows and are dropped after it: a second
    AnalyzeStack without its Analyze calls no longer sees the pulumi-eks Cluster's subnets and endpoint flags
    (Amazon EKS User Guide, private-clusters: the no-ecr-dkr layout lacks the ecr.dkr Interface endpoint)."""
    stack = record_program(PROGRAM, "eq", Case("private", "managed", "no-ecr-dkr").config("component"))
    sv = servicer(OURS)
    for res in stack.resources:
        sv.Analyze(apb.AnalyzeRequest(type=res.type, urn=res.urn, name=res.name,
                                      properties=marshal_properties(res.inputs)), None)
    first = sv.AnalyzeStack(analyze_stack_request(stack), None)
    assert "eks-isolated-nodes-privatelink" in {d.policyName for d in first.diagnostics}
    again = sv.AnalyzeStack(analyze_stack_request(stack), None)
    assert "eks-isolated-nodes-privatelink" not in {d.policyName for d in again.diagnostics}


def test_analyze_reads_only_resources_a_resource_policy_judges(monkeypatch):
    """One Analyze per resource: the SDK deserializes every resource's properties (and its provider's) for
    each enabled resource policy; ours does the same where one of them judges the type, nothing elsewhere,
    and nothing at all when they are disabled. The answers stay the SDK's (tests above)."""
    read = []
    real = shared_stack.sdk.deserialize_properties
    monkeypatch.setattr(shared_stack.sdk, "deserialize_properties", lambda p, *a: read.append(p) or real(p, *a))
    stack = record_program(PROGRAM, "eq", VALID[0].config("raw"))
    resource_rules = [r for r in RULES if r.check_resource is not None]
    judged = {t for r in resource_rules for t in r.resource_types}
    index = stack.by_urn()

    def reads(cls, config=None):
        sv, counts = servicer(cls, config), {}
        for res in stack.resources:
            read.clear()
            sv.Analyze(analyze_request(res, index), None)
            counts[res.urn] = len(read)
        return counts

    theirs, ours = reads(SDK_SERVICER), reads(OURS)
    assert all(n >= len(resource_rules) for n in theirs.values())
    assert {urn: n for urn, n in ours.items() if n} == {
        r.urn: theirs[r.urn] for r in stack.resources if r.type in judged}
    assert sum(1 for n in ours.values() if n) >= 2  # the cluster and its node group
    disabled = {r.name: (apb.DISABLED, {}) for r in resource_rules}
    assert sum(reads(OURS, disabled).values()) == 0


def test_a_resource_policy_without_types_judges_every_resource():
    plain_policy = sdk.ResourceValidationPolicy(name="any-resource", description="d",
                                                validate=lambda args, report: report("seen"))
    sv = OURS("p", "0.0.1", ALL_POLICIES + [plain_policy], sdk.EnforcementLevel.ADVISORY, None, None, None,
              None, None, None, None)
    reply = sv.Analyze(apb.AnalyzeRequest(type="aws:iam/role:Role", urn="urn:pulumi:s::p::aws:iam/role:Role::r",
                                          name="r"), None)
    assert [d.policyName for d in reply.diagnostics] == ["any-resource"]


def test_stack_props_read_as_the_sdk_proxy_reads():
    """A policy reading a resource's props gets what the SDK's proxy gives: values, keys, length, and
    UnknownValueError for a value unknown at preview; "__target" is the plain dict behind it."""
    from google.protobuf import json_format, struct_pb2
    from pulumi_policy.deserialize import deserialize_properties
    from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    struct = struct_pb2.Struct()
    struct.update({"name": "eks", "vpcConfig": {"subnetIds": ["subnet-1", unknown]}, "arn": unknown})
    ours = shared_stack.StackProps(struct)
    theirs = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))
    assert ours["name"] == theirs["name"] == "eks"
    assert sorted(ours) == sorted(theirs) and len(ours) == len(theirs) == 3
    assert ours["vpcConfig"]["subnetIds"][0] == "subnet-1"
    for props in (ours, theirs):
        with pytest.raises(UnknownValueError) as e:
            props["vpcConfig"]["subnetIds"][1]
        assert e.value.message == "string value at .vpcConfig.subnetIds.1 can't be known during preview"
        with pytest.raises(UnknownValueError):
            props["arn"]
    assert ours["__target"] == {"name": "eks", "vpcConfig": {"subnetIds": ["subnet-1", unknown]}, "arn": unknown}
