"""eks-guardrails-exemptions (advisory): the violations reviewed exemptions cover, and exemptions that cover
nothing (guardrails/exemptions.py).

pulumi_policy binds every report to the reporting policy's enforcement level, so a mandatory policy cannot
report an exempted violation without blocking. The exempted policy therefore stays silent on it and this
companion reports it, never blocking, its message starting with
`[exempted until YYYY-MM-DD: reason] [policy] `. It also reports each exemption that matches no violation of
its policy in the stack. It has no exemptions of its own."""
from __future__ import annotations

from pulumi_policy import EnforcementLevel

from .. import analysis, exemptions
from .base import Finding, Rule

NAME = "eks-guardrails-exemptions"

FAILING_EXAMPLE = """\
# policy config (pulumi preview --policy-pack-config F / preflight --policy-config F)
{"eks-public-access-cidrs": {"exemptions": [
    {"resource": "cluster", "reason": "CI runners have no fixed egress (TICKET-42)", "expires": "2027-03-01"},
    {"resource": "old-cluster", "reason": "migrated (TICKET-7)", "expires": "2027-03-01"}]}}
# the second matches no violation: reported as unused
"""
PASSING_EXAMPLE = """\
{"eks-public-access-cidrs": {"exemptions": [
    {"resource": "cluster", "reason": "CI runners have no fixed egress (TICKET-42)", "expires": "2027-03-01"}]}}
"""


def _stack_prefix(model) -> str:
    for urn in model.by_urn:
        head = urn.split("::")
        if len(head) > 2:
            return "::".join(head[:2]) + "::"
    return ""


def make(rules):
    def check(model, cfg):
        run = analysis.current()
        day = exemptions.today()
        prefix = _stack_prefix(model)
        for rule in rules:
            exempt = rule.exemptions(run)
            if not exempt:
                continue
            used = set()
            for f in rule.judged(model, run):
                hit = [e for e in exempt if e.matches(f.urn)]
                used.update(e.index for e in hit)
                e = next((e for e in hit if not e.expired(day)), None)
                if e is not None:
                    yield Finding(f.urn, exemptions.exempted_marker(e) + f.message, key=(rule.name, f.urn, f.message))
            for e in exempt:
                if e.index not in used and not e.names_other_stack(prefix):
                    yield Finding("", exemptions.unused_message(e), key=(rule.name, e.index))

    return Rule(
        name=NAME,
        id="EKSNET-014",
        requirement="Advisory companion. Reports, without blocking, every violation a reviewed exemption in the "
                    "policy config covers (message starting \"[exempted until YYYY-MM-DD: reason] [policy]\"), and "
                    "every exemption that matches no violation of its policy in the stack. An expired exemption "
                    "no longer applies: its policy reports the violation at its own level.",
        source="pulumi_policy reports with the reporting policy's enforcement level only; exemptions are read "
               "from each policy's config section (docs/policies.md, Exemptions).",
        resolution="Nothing blocks. Fix the violation before the exemption's end date, or renew the exemption "
                   "after a review; remove exemptions reported as unused.",
        examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
        check=check, enforcement=EnforcementLevel.ADVISORY, exemptible=False)
