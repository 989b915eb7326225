"""--policy-config changes, through preflight's analyzer client (the CLI's Configure call)."""
from __future__ import annotations

import pytest

from tests.policies.fixture_cases import PROGRAM, Case
from preflight.pack_process import PolicyPackProcess
from preflight.recorder import record_program

from tests.policies.policy_test_helpers import PACK
from tests.policies.policy_test_helpers import mandatory

VALID = Case("private", "managed")
NO_DKR = Case("private", "managed", "no-ecr-dkr", "eks-isolated-nodes-privatelink")


def run(case, form, config):
    st = record_program(PROGRAM, "fixture", case.config(form), preview=True)
    with PolicyPackProcess(PACK, config) as pack:
        return pack.analyze(st)


@pytest.mark.parametrize("form", ["raw", "component"])
def test_extra_required_service(form):
    cfg = {"eks-isolated-nodes-privatelink": {"requiredServices": ["ec2", "ecr.api", "ecr.dkr", "sts", "logs"]}}
    vs = run(VALID, form, cfg)
    assert mandatory(vs) == ["eks-isolated-nodes-privatelink"]
    assert "logs" in [v for v in vs if v.policy == "eks-isolated-nodes-privatelink"][0].message


def test_policy_disabled():
    vs = run(NO_DKR, "raw", {"eks-isolated-nodes-privatelink": "disabled"})
    assert mandatory(vs) == [] and not [v for v in vs if v.policy == "eks-isolated-nodes-privatelink"]


def test_policy_advisory_instead_of_mandatory():
    vs = run(NO_DKR, "raw", {"eks-isolated-nodes-privatelink": {"enforcementLevel": "advisory"}})
    assert mandatory(vs) == []
    assert [v.enforcement_level for v in vs if v.policy == "eks-isolated-nodes-privatelink"] == ["advisory"]


def test_allowed_cidrs_setting():
    case = Case("public-private", "managed")  # publicAccessCidrs 203.0.113.0/24
    vs = run(case, "raw", {"eks-public-access-cidrs": {"allowedCidrs": ["198.51.100.0/24"]}})
    assert [v.enforcement_level for v in vs if v.policy == "eks-public-access-cidrs"] == ["advisory"]
