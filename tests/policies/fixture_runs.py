"""The fixture cases through preflight and the real analyzer protocol, shared by the per-policy modules.

Paths: preview (program recorded by preflight with ids unknown), export (recorded as after `pulumi up`,
written as a `pulumi stack export` file and read back, ids known) and export with propertyDependencies
stripped (only ids can relate the resources). Forms: raw aws:* resources and pulumi-eks components.
Recordings are cached for the session: a valid layout is recorded once for every module that uses it."""
from __future__ import annotations

import dataclasses

import pytest

from tests.policies.fixture_cases import FAILING, PROGRAM, VALID
from tests.policies.policy_test_helpers import advisory, mandatory
from preflight.inputs.stack_export import read_export, write_export
from preflight.program.record import record_program

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


def params(cases):
    return [pytest.param(c, f, p, id=f"{c.id}:{f}:{p}") for c in cases for f in c.forms for p in PATHS]


def failing(policy: str):
    """The failing cases of one policy (each one mutation away from a valid layout)."""
    cases = [c for c in FAILING if c.policy == policy]
    assert len(cases) >= 2, policy  # the catalog promises at least two failing mutations per policy
    return params(cases)


def valid_siblings(policy: str):
    """The valid layouts the failing cases of `policy` are mutations of (their pass side)."""
    layouts = {(c.mode, c.plane) for c in FAILING if c.policy == policy}
    return params([v for v in VALID if (v.mode, v.plane) in layouts])


def assert_reports_exactly(pack, case, form, path, tmp_path_factory):
    """The failing case is reported by its policy alone, once, on a fixture URN (no cascade)."""
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


def assert_passes(pack, policy, case, form, path, tmp_path_factory):
    """The valid layout: nothing from `policy`."""
    vs = pack.analyze(recorded(case, form, path, tmp_path_factory))
    assert [v.message for v in vs if v.policy == policy] == []


__all__ = ["PATHS", "VALID", "recorded", "params", "failing", "valid_siblings", "assert_reports_exactly",
           "assert_passes"]
