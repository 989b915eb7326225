"""The real-world shapes matrix (realworld_cases.py) through preflight and the real analyzer protocol: each
program recorded at preview (ids unknown) and as deployed, written as a `pulumi stack export` file and read
back (ids known). The mandatory verdict must be the documented one on both paths, the notes that must appear
do, and a path with no expected note leaves nothing undecided."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from preflight.inputs.stack_export import read_export, write_export
from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file
from tests.policies.policy_test_helpers import PACK
from tests.policies.realworld.realworld_cases import CASES

UNDECIDABLE = "eks-guardrails-undecidable"
PATHS = ("preview", "export")


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
def test_realworld_case(pack, case, path, tmp_path):
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


@pytest.mark.parametrize("case_id,present,absent", [("awsx-endpoints:prod", "logs", "eks-auth"),
                                                    ("awsx-raw-endpoints:prod", None, "logs")])
@pytest.mark.parametrize("path", PATHS)
def test_endpoints_in_awsx_vpcs_are_checked_not_assumed(case_by_id, case_id, present, absent, path, tmp_path):
    """The awsx endpoint cases pass because their endpoints are modelled (from vpcEndpointSpecs, or raw endpoints
    wired to the awsx VPC's outputs): asking for a service they have still passes, one they lack fails on it."""
    stack = record(case_by_id[case_id], path, tmp_path)
    services = ["ec2", "ecr.api", "ecr.dkr", "sts"]
    if present:
        with PolicyPackProcess(PACK, {"eks-isolated-nodes-privatelink": {"requiredServices": services + [present]}}) as pack:
            assert [v for v in pack.analyze(stack) if v.enforcement_level == "mandatory"] == []
    with PolicyPackProcess(PACK, {"eks-isolated-nodes-privatelink": {"requiredServices": services + [absent]}}) as pack:
        vs = [v for v in pack.analyze(stack) if v.enforcement_level == "mandatory"]
    assert [v.policy for v in vs] == ["eks-isolated-nodes-privatelink"]
    assert f"no Interface endpoint for {absent}" in vs[0].message


@pytest.fixture
def case_by_id():
    return {c.id: c for c in CASES}


def test_a_deployed_recording_of_a_stack_reference_needs_the_other_stacks_outputs():
    """A deployed recording cannot read another stack: `--deployed` on such a program is an input error (exit 2)
    naming the StackReference, never its outputs resolved to nothing (which would read as "no VPC given")."""
    case = next(c for c in CASES if c.program == "stack-reference")
    run = subprocess.run([sys.executable, "-m", "preflight", "--program", str(case.folder), "--config-file",
                          str(case.stack_file), "--deployed"], capture_output=True, text=True, timeout=300)
    assert run.returncode == 2, run.stderr
    assert "StackReference acme/network/prod: a deployed recording needs that stack's outputs" in run.stderr
    assert "Traceback" not in run.stderr
