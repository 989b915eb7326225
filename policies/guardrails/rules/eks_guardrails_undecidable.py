"""eks-guardrails-undecidable (advisory): what the other policies could not decide at preview.

pulumi_policy binds every report to the reporting policy's enforcement level, so a mandatory policy cannot
report a non-blocking note. The mandatory policies therefore stay silent where a value is unknown, and this
companion policy reports each such case once, prefixed "cannot decide: [policy-name]". It also
reports node groups that cannot be related to a cluster in the stack. Disable it in the policy config to mute
the notes; it never blocks."""
from __future__ import annotations

from pulumi_policy import EnforcementLevel

from .. import analysis
from ..model.existing_network import CONFIG_KEY, DOCUMENT_KEYS
from .base import Finding, Rule, undecided

NAME = "eks-guardrails-undecidable"


FAILING_EXAMPLE = """\
# the subnets come from another stack: unknown at preview
aws.eks.Cluster("cluster", role_arn=role.arn,
                vpc_config={"subnet_ids": network_stack.get_output("privateSubnetIds")})
"""
PASSING_EXAMPLE = """\
aws.eks.Cluster("cluster", role_arn=role.arn,
                vpc_config={"subnet_ids": [private_a.id, private_b.id]})
"""


def make(rules):
    def check(model, cfg):
        run = analysis.current()
        for rule in rules:  # each with the user's settings, as the rule itself ran
            for f in rule.results(model, rule.settings(run)):
                if f.undecidable:
                    # A rule's key says which of its findings are one problem; a note is reported once per
                    # resource and text (Rule.results dedupes on that when key is None), whatever the rule keyed.
                    yield Finding(f.urn, f.message, True)
        for ng in model.node_groups:
            if ng.cluster is None:
                yield undecided(ng.res.urn, NAME, f"node group {ng.label} cannot be related to an EKS cluster of this "
                                "stack (clusterName / cluster input unresolved); it is not checked.")

    return Rule(
        name=NAME,
        id="EKSNET-013",
        resolution="Nothing blocks. Make the value known at preview (a literal or a resource of this stack instead of "
                   "a lookup or another stack's output), give the facts about infrastructure outside the stack "
                   "(this policy's existingNetwork setting: `python -m preflight.inputs.aws_facts DIR`; preflight "
                   "--aws-facts DIR), check it after `pulumi up` with `pulumi policy analyze`, or disable this policy "
                   "to mute the notes.",
        examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
        requirement="Advisory companion. Reports once, without blocking, every check the other eks-network-guardrails "
                    "policies could not decide (a value unknown at preview, a subnet outside the stack, a default "
                    "route whose target cannot tell egress, subnets wired from a component's outputs), each with the "
                    "user's settings of the policy concerned.",
        source="pulumi_policy reports with the reporting policy's enforcement level only; see docs/policies.md.",
        check=check, enforcement=EnforcementLevel.ADVISORY, reports_undecidable=True,
        config_properties={CONFIG_KEY: {
            "type": "object",
            "description": "Facts about existing infrastructure the stack uses but does not manage (a shared VPC), "
                           "as the AWS CLI prints them: the documents of aws ec2 describe-vpcs, describe-subnets, "
                           "describe-route-tables, describe-security-groups, describe-vpc-endpoints and "
                           "describe-nat-gateways merged into one object, and describe-vpc-attribute documents in "
                           "a list under VpcAttributes. Every policy reads them (they decide what ids outside the "
                           "stack leave undecided); see docs/policies.md, existing infrastructure.",
            "properties": {k: {"type": "array", "items": {"type": "object"}} for k in DOCUMENT_KEYS}}})
