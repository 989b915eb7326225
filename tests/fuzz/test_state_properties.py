"""Property-based robustness of state files (issue 22 classes 6 and 7), preflight run in-process on documents
generated from a real export (tests/fuzz/state_values.py):

- a secret around any value (every form: JSON text, raw text, `value`) leaves the verdict as it was;
- any value replaced by one of the engine's forms (unknowns, secrets of every shape, ciphertext, assets,
  archives, resource references, output values, values of the wrong type) gives a verdict (exit 0 or 1), with a
  report written, never a traceback;
- a value the engine refuses (unknown signature, malformed reference) is exit 2 naming the file, URN and path.
Examples are few and derandomized here; `make fuzz` runs the same strategies with more (tests.fuzz.fuzz_all).
"""
from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings, strategies as st

from preflight.sentinels import RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY
from tests.fuzz.state_runs import base_export, crashed, run_export, verdict
from tests.fuzz.state_values import REFUSED, replaced, secret_wrapped, substituted, value_paths

EXAMPLES = int(os.environ.get("PREFLIGHT_FUZZ_EXAMPLES", "8"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
_BASE: dict = {}


def base() -> dict:
    if not _BASE:
        _BASE["doc"] = base_export(Path(__import__("tempfile").mkdtemp(prefix="state-base-")))
        code, out, err, _ = run_export(_BASE["doc"])
        assert code in (0, 1) and not crashed(code, err), err
        _BASE["verdict"] = verdict(out)
    return _BASE


@st.composite
def wrapped_docs(draw):
    return draw(secret_wrapped(base()["doc"]))


@st.composite
def substituted_docs(draw):
    return draw(substituted(base()["doc"]))


@st.composite
def refused_docs(draw):
    doc = base()["doc"]
    path = draw(st.sampled_from([p for p in value_paths(doc) if p[1] != "id" and len(p) > 2]))
    bad = draw(st.sampled_from(REFUSED))
    return replaced(doc, path, lambda _: bad), path


def _resource_index(name: str) -> int:
    return next(i for i, r in enumerate(base()["doc"]["deployment"]["resources"]) if r["urn"].endswith(name))


@given(wrapped_docs())
@SETTINGS
def test_a_secret_around_any_value_keeps_the_verdict(case):
    doc, what = case
    code, out, err, _ = run_export(doc)
    assert not crashed(code, err), f"{what}\n{err}"
    assert code in (0, 1) and verdict(out) == base()["verdict"], what


def _whole_inputs_as_ref(doc):
    """Found: a resource's whole inputs object shaped like a resource reference (or a secret) crashed preflight in
    wire.py (protobuf Struct.update on the string the reference marshalled to): inputs/outputs are property maps."""
    i = _resource_index("eks-vpc")
    return replaced(doc, (i, "inputs"), lambda _: {SIG_KEY: RESOURCE_REF_SIG, "urn": "urn:pulumi:s::p::t::n", "id": "x"}
                    ), "reference as inputs"


def _endpoint_service_object(doc):
    """Found: an object (secret of an object, an asset) as a VPC endpoint's serviceName crashed the report
    (facts.py `service.startswith`): report values go through eks_variants/report/shapes.py."""
    i = _resource_index("eks-ecr-api")
    return replaced(doc, (i, "inputs", "serviceName"),
                    lambda _: {SIG_KEY: SECRET_SIG, "plaintext": {"a": [1, {"b": None}]}}), "object service name"


FOUND = {"whole-inputs-ref": lambda: _whole_inputs_as_ref(base()["doc"]),
         "endpoint-service-object": lambda: _endpoint_service_object(base()["doc"])}


@given(substituted_docs())
@example("whole-inputs-ref")
@example("endpoint-service-object")
@SETTINGS
def test_any_value_in_any_engine_form_gives_a_verdict(case):
    doc, what = FOUND[case]() if isinstance(case, str) else case
    code, out, err, _ = run_export(doc, report=True)
    assert not crashed(code, err), f"{what}\n{err}"
    assert code in (0, 1), f"{what}: exit {code}\n{err}"


@given(refused_docs())
@SETTINGS
def test_a_value_the_engine_refuses_is_exit_2_naming_file_urn_and_path(case):
    doc, path = case
    code, out, err, file = run_export(doc)
    assert not crashed(code, err), err
    assert code == 2, err
    urn = doc["deployment"]["resources"][path[0]]["urn"]
    assert file.name in err and urn in err and str(path[2]) in err, err


WRONG_FOR_A_BOOLEAN = [0, -1.5, "x", [], {}, ["0.0.0.0/0"], {SIG_KEY: "c44067f5952c0a294b673a41bacd8c17", "text": "x"},
                       {SIG_KEY: RESOURCE_REF_SIG, "urn": "urn:pulumi:s::p::t::n", "id": "x"}]


@given(st.sampled_from(WRONG_FOR_A_BOOLEAN), st.sampled_from(["enableDnsHostnames", "enableDnsSupport"]))
@example(0, "enableDnsHostnames")  # found: a number was read as a boolean (0: a mandatory violation, -1.5: a pass)
@SETTINGS
def test_a_wrong_type_at_a_decision_is_undecidable(value, key):
    doc = base()["doc"]
    i = _resource_index("eks-vpc")
    code, out, err, _ = run_export(replaced(doc, (i, "outputs", key), lambda _: value))
    assert not crashed(code, err), err
    policies = {v[0] for v in verdict(out)}
    assert "eks-guardrails-undecidable" in policies and "eks-private-endpoint-vpc-dns" not in policies, out
