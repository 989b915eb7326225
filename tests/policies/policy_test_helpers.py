"""Helpers of the policy-pack tests."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policies"


def mandatory(violations):
    return sorted({v.policy for v in violations if v.enforcement_level == "mandatory"})


def advisory(violations, exclude=("eks-guardrails-undecidable",)):
    return sorted({v.policy for v in violations if v.enforcement_level == "advisory" and v.policy not in exclude})
