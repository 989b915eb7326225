"""Property-based robustness of state files broken at any resource field (issue 22 class 7): wrong types, nulls,
huge or deep values, dangling or cyclic parents, providers and dependencies, a type that is not the URN's.
Invariant: exit 0, 1 or 2, never a traceback, and every exit 2 names the file and the resource (URN or #index).
"""
from __future__ import annotations

import copy

from hypothesis import example, given, strategies as st

from tests.fuzz.state_runs import crashed, run_export
from tests.fuzz.test_state_properties import SETTINGS, base

FIELDS = ["urn", "type", "custom", "id", "inputs", "outputs", "parent", "provider", "dependencies",
          "propertyDependencies", "delete", "created"]
GONE = "urn:pulumi:x::y::t::gone"
DEEP: list = []
for _ in range(60):
    DEEP = [DEEP]
VALUES = [None, 0, True, -1.5, "", "x", [], {}, [None], {"a": None}, "a" * 100_000,
          DEEP,
          GONE, [GONE], {"vpcId": [GONE]}, "aws:ec2/vpc:Vpc", GONE + "::id", "PARTNER", ["PARTNER"]]


@st.composite
def broken_docs(draw):
    doc = copy.deepcopy(base()["doc"])
    resources = doc["deployment"]["resources"]
    for _ in range(draw(st.integers(1, 3))):
        i, j = draw(st.integers(0, len(resources) - 1)), draw(st.integers(0, len(resources) - 1))
        field, value = draw(st.sampled_from(FIELDS)), copy.deepcopy(draw(st.sampled_from(VALUES)))
        partner = resources[j].get("urn")
        value = partner if value == "PARTNER" else [partner] if value == ["PARTNER"] else value
        resources[i][field] = value
    return doc


@given(broken_docs())
@example("cycle")  # parents and dependencies in a cycle: the report's plan tree and the pack's walk end
@SETTINGS
def test_a_state_file_broken_anywhere_is_judged_or_refused_by_name(doc):
    if doc == "cycle":
        doc = copy.deepcopy(base()["doc"])
        r = doc["deployment"]["resources"]
        r[5]["parent"], r[6]["parent"] = r[6]["urn"], r[5]["urn"]
        r[5]["dependencies"], r[6]["dependencies"] = [r[6]["urn"]], [r[5]["urn"]]
    code, out, err, path = run_export(doc, report=True)
    assert not crashed(code, err), err
    assert code in (0, 1, 2), err
    if code == 2:
        lines = [l for l in err.splitlines() if l.startswith("preflight: ") and "report written" not in l]
        assert lines and all(path.name in l for l in lines), err
        assert any("urn:pulumi:" in l or "resource #" in l or "deployment" in l for l in lines), err
