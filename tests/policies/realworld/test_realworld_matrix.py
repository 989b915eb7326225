"""The real-world shapes matrix (realworld_cases.py) through preflight and the real analyzer protocol: each
program recorded at preview (ids unknown) and as deployed, written as a `pulumi stack export` file and read
back (ids known). The mandatory verdict must be the documented one on both paths, the notes that must appear
do, and a path with no expected note leaves nothing undecided."""
from __future__ import annotations

import re

import pytest

from preflight.export import read_export, write_export
from preflight.recorder import record_program
from preflight.stackfile import load_stack_file
from realworld_cases import CASES

UNDECIDABLE = "eks-guardrails-undecidable"
PATHS = ("preview", "export")
# Cases the pack does not get right yet (issue 8 in progress); strict: each must still fail until fixed.
PENDING: set = set()


def record(case, path, tmp_path):
    sf = load_stack_file(case.stack_file)
    if path == "preview":
        return record_program(case.folder, sf.name, sf.config, preview=True)
    deployed = record_program(case.folder, sf.name, sf.config, preview=False,
                              stack_outputs=case.export_stack_outputs)
    return read_export(write_export(deployed, tmp_path / f"{sf.name}.json"))


def notes(violations):
    return [v.message for v in violations if v.policy == UNDECIDABLE]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_realworld_case(pack, case, path, tmp_path, request):
    if case.id in PENDING and (case.id, path) != ("awsx-template:private", "export"):
        request.applymarker(pytest.mark.xfail(strict=True, reason="issue 8: not implemented yet"))
    vs = pack.analyze(record(case, path, tmp_path))
    mandatory = sorted({v.policy for v in vs if v.enforcement_level == "mandatory"})
    expected_mandatory = case.mandatory_preview if path == "preview" and case.mandatory_preview is not None \
        else case.mandatory
    assert mandatory == sorted(expected_mandatory), [(v.policy, v.message) for v in vs]
    advisory = sorted({v.policy for v in vs if v.enforcement_level == "advisory" and v.policy != UNDECIDABLE})
    assert advisory == (["eks-public-access-cidrs"] if case.open_endpoint else []), advisory
    expected = case.notes_preview if path == "preview" else case.notes_export
    found = notes(vs)
    for pattern in expected:
        assert any(re.search(pattern, n) for n in found), (pattern, found)
    if not expected:
        assert found == [], found
    assert len(found) == len(set(found)), found  # each note once
