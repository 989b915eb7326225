"""eks-guardrails-undecidable (advisory): the checks the other policies could not decide at preview.

It re-runs every catalog rule, so it must run each with the settings the user gave that rule (what
Configure delivered), not the schema defaults. Case: Amazon EKS User Guide, private-clusters: a
private-only cluster's Interface endpoints need private DNS; an ecr.dkr endpoint whose privateDnsEnabled is
unknown at preview is undecidable while ecr.dkr is a required service, and irrelevant once it is not.
"""
from __future__ import annotations

from guardrails.analysis import Analysis, analyzing
from guardrails.model import build_model
from guardrails.rules import RULES_BY_NAME
from tests.policies.stack_builder import AUTO, U, auto_cluster, findings, private_cluster

COMPANION = RULES_BY_NAME["eks-guardrails-undecidable"]
PRIVATELINK = "eks-isolated-nodes-privatelink"
NOTE = "[eks-isolated-nodes-privatelink] privateDnsEnabled of the ecr.dkr endpoint"
WITHOUT_ECR_DKR = {"requiredServices": ["ec2", "ecr.api", "sts"]}


def companion_notes(policy_config):
    model = build_model(private_cluster(False, private_dns={"ecr.dkr": U}).args().resources)
    with analyzing(Analysis(policy_config=policy_config)):  # what the servicer sets from Configure
        return [f.message for f in COMPANION.results(model, {})]


def test_reports_what_the_rule_cannot_decide_with_default_settings():
    assert any(NOTE in m for m in companion_notes(None))  # never configured: the schema defaults
    assert any(NOTE in m for m in companion_notes({PRIVATELINK: RULES_BY_NAME[PRIVATELINK].defaults()}))


def test_uses_the_users_settings_of_each_rule():
    assert [m for m in companion_notes({PRIVATELINK: WITHOUT_ECR_DKR}) if PRIVATELINK in m] == []


def test_the_rule_itself_agrees_with_the_companion():
    model = build_model(private_cluster(False, private_dns={"ecr.dkr": U}).args().resources)
    rule = RULES_BY_NAME[PRIVATELINK]
    assert any(NOTE in f.message and f.undecidable for f in rule.results(model, rule.defaults()))
    assert rule.results(model, WITHOUT_ECR_DKR) == []


def test_node_class_of_an_unknown_cluster_is_a_note_not_a_verdict():
    # a NodeClass places Auto Mode nodes (EKS User Guide, create-node-class); with two Auto Mode clusters and no
    # dependency or provider naming one, which cluster (and so which VPC's subnets) it belongs to is unknown
    s = auto_cluster(False, node_class=[{"tags": {"tier": "public"}}])
    s.res["nodeclass"]._deps = []
    s.add("aws:eks/cluster:Cluster", "other", {"name": "c2", "computeConfig": AUTO, "vpcConfig": {
        "subnetIds": [U, U]}}, {"vpcConfig": ["priv-a", "priv-b"]})
    model = build_model(s.args().resources)
    with analyzing(Analysis(policy_config=None)):
        notes = [f.message for f in COMPANION.results(model, {})]
    assert any("nodeclass" in m and "cannot be related to an EKS cluster" in m for m in notes), notes
    assert findings(s.args(), "eks-private-endpoint-node-subnets") == []  # no cluster guessed for it


def test_a_note_is_reported_once_whatever_the_rule_keyed_it_on():
    # A rule keys findings by problem; two keys may carry the same note on the same resource (two passes over the
    # same subnets): the companion reports each (resource, note) once, and keeps distinct notes.
    from guardrails.rules.base import Rule, undecided
    from guardrails.rules.eks_guardrails_undecidable import make

    def check(model, cfg):
        yield undecided("urn:a", "p", "route target unknown", key=("pass-1", "vpc"))
        yield undecided("urn:a", "p", "route target unknown", key=("pass-2", "subnet"))
        yield undecided("urn:b", "p", "route target unknown", key=("pass-2", "other"))
        yield undecided("urn:a", "p", "another note", key=("pass-3",))

    companion = make([Rule(name="p", requirement="r", source="s", check=check)])
    model = build_model(private_cluster(True).args().resources)
    with analyzing(Analysis(policy_config=None)):
        notes = [(f.urn, f.message) for f in companion.results(model, {})]
    assert notes == [("urn:a", "cannot decide: [p] route target unknown"), ("urn:b", "cannot decide: [p] route target unknown"),
                     ("urn:a", "cannot decide: [p] another note")]
