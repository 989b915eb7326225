"""Every fixture case through preflight and the real analyzer protocol.

Paths: preview (program recorded by preflight with ids unknown), export (recorded as after `pulumi up`,
written as a `pulumi stack export` file and read back, ids known) and export with propertyDependencies
stripped (only ids can relate the resources). Forms: raw aws:* resources and pulumi-eks components."""
from __future__ import annotations

import dataclasses

import pytest

from guardrails.fixtures.cases import FAILING, PROGRAM, VALID
from preflight.export import read_export, write_export
from preflight.recorder import record_program

from policy_test_helpers import advisory, mandatory

PATHS = ("preview", "export", "export-ids-only")
_cache: dict = {}


def recorded(case, form, path, tmp_path_factory):
    key = (case, form, path)
    if key in _cache:
        return _cache[key]
    if path == "preview":
        st = record_program(PROGRAM, "fixture", case.config(form), preview=True)
    else:
        deployed = record_program(PROGRAM, "fixture", case.config(form), preview=False)
        out = write_export(deployed, tmp_path_factory.mktemp("exports") / "fixture.json")
        st = read_export(out)
        if path == "export-ids-only":
            st.resources = [dataclasses.replace(r, property_dependencies={}) for r in st.resources]
    _cache[key] = st
    return st


def _params(cases):
    return [pytest.param(c, f, p, id=f"{c.id}:{f}:{p}") for c in cases for f in c.forms for p in PATHS]


@pytest.mark.parametrize("case,form,path", _params(VALID))
def test_valid_layouts_pass(pack, case, form, path, tmp_path_factory):
    vs = pack.analyze(recorded(case, form, path, tmp_path_factory))
    assert mandatory(vs) == [], [v.message for v in vs]
    assert advisory(vs) == (["eks-public-access-cidrs"] if case.advisory_open else [])
    # nothing is left undecided on these layouts, neither at preview nor from an export
    assert [v.message for v in vs if v.policy == "eks-guardrails-undecidable"] == []


@pytest.mark.parametrize("case,form,path", _params(FAILING))
def test_failing_fixture_reports_exactly_its_policy(pack, case, form, path, tmp_path_factory):
    vs = pack.analyze(recorded(case, form, path, tmp_path_factory))
    if case.policy == "eks-public-access-cidrs":
        assert mandatory(vs) == [], [v.message for v in vs]
        assert advisory(vs) == ["eks-public-access-cidrs"]
        return
    assert mandatory(vs) == [case.policy], [v.message for v in vs]
    mine = [v for v in vs if v.policy == case.policy]
    assert len(mine) == 1, [v.message for v in mine]  # one violation per problem, no cascade
    assert mine[0].urn.startswith("urn:pulumi:fixture::")
    assert advisory(vs) == (["eks-public-access-cidrs"] if case.advisory_open else [])
