"""The program's nine stacks with this pack: zero mandatory violations; mutated through config, caught."""
from __future__ import annotations

import glob

import pytest

from tests.policies.policy_test_helpers import PACK, ROOT
from tests.policies.policy_test_helpers import mandatory
from preflight.pack_process import PolicyPackProcess
from preflight.recorder import record_program
from preflight.stackfile import load_stack_file

STACK_FILES = sorted(glob.glob(str(ROOT / "stacks" / "Pulumi.*.yaml")))


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.rsplit("Pulumi.", 1)[-1][:-5])
def test_program_stack_has_no_mandatory_violation(pack, path):
    sf = load_stack_file(path)
    vs = pack.analyze(record_program(ROOT, sf.name, sf.config, preview=True))
    assert mandatory(vs) == [], [v.message for v in vs if v.enforcement_level == "mandatory"]
    assert [v.message for v in vs if v.policy == "eks-guardrails-undecidable"] == []


@pytest.mark.parametrize("stack", ["private-managed", "private-self-managed"])
def test_program_private_stack_missing_a_required_service(stack):
    sf = load_stack_file(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    cfg = {"eks-isolated-nodes-privatelink": {"requiredServices": ["ec2", "ecr.api", "ecr.dkr", "sts", "kms"]}}
    with PolicyPackProcess(PACK, cfg) as pack:
        vs = pack.analyze(record_program(ROOT, sf.name, sf.config, preview=True))
    assert mandatory(vs) == ["eks-isolated-nodes-privatelink"]
