"""eks-isolated-nodes-after-privatelink (was eks-private-only-nodes-after-privatelink), functional: node groups
whose nodes lack internet egress wait for the PrivateLink endpoints."""
from __future__ import annotations

from ..model.egress import isolation
from ..model.entities import Vpc
from .base import SERVICES_PROPERTY, Finding, Rule, undecided

NAME = "eks-isolated-nodes-after-privatelink"


def _stand_ins(model, e):
    """The URNs a dependency on which orders a node group after endpoint `e`: the endpoint, or a component it
    belongs to (a dependency on a component waits for all of its children, e.g. an awsx VPC's endpoints)."""
    return {e.res.urn, e.res.anchor} | set(model.ancestors(e.res.anchor))


def check(model, cfg):
    required = set(s for s in cfg.get("requiredServices") or [] if isinstance(s, str))
    for c in model.clusters.values():
        if c.private is not True or not isinstance(c.vpc, Vpc):
            continue
        facts = isolation(c, model.nats)
        isolated = {id(p.node_group) for p in facts.isolated}
        possible = {id(p.node_group) for p in facts.possible}
        if not (isolated or possible):
            continue
        eps = [e for e in c.vpc.endpoints
               if (e.type == "Interface" and e.service in required) or (e.type == "Gateway" and e.service == "s3")]
        if not eps:
            continue  # eks-isolated-nodes-privatelink reports missing endpoints
        eps = [e for e in eps if not e.res.existing]  # endpoints that exist already (AWS facts) need no ordering
        for ng in c.node_groups:
            if ng.is_fargate or id(ng) not in isolated | possible:
                continue  # Fargate pods are scheduled after the cluster exists; nodes with egress need no endpoints
            starts = [r.urn for r in ng.dependency_roots] + list(model.ancestors(ng.res.urn))
            targets = {e.res.urn: _stand_ins(model, e) for e in eps}
            reached = model.depends_on(starts, set().union(*targets.values()))
            missing = [e for e in eps if not (targets[e.res.urn] & reached)] if eps else []
            if not missing:
                continue
            text = (f"node group {ng.label} of cluster {c.res.name} does not depend on the PrivateLink endpoints "
                    f"{', '.join(e.res.name for e in missing)}")
            if id(ng) in isolated and ng.is_auto:
                # EKS Auto Mode: the cluster launches the nodes (of its built-in pools and of every NodeClass),
                # so the cluster is what must wait; one problem per cluster
                yield Finding(c.res.anchor, f"EKS Auto Mode cluster {c.res.label} does not depend on the PrivateLink "
                              f"endpoints {', '.join(e.res.name for e in missing)}, and the nodes it launches have no "
                              "internet egress, so they may boot before the endpoints exist and fail to join; add the "
                              "endpoints (or their component) to the cluster's dependsOn, or pass it subnet ids that "
                              "depend on them.", key=("auto-order", c.res.urn))
            elif id(ng) in isolated:
                yield Finding(ng.res.anchor, f"{text}, and its nodes have no internet egress, so they may boot before "
                              "the endpoints exist and fail to join (NodeCreationFailure); add the endpoints (or their "
                              "component) to the node group's dependsOn.")
            else:
                yield undecided(ng.res.anchor, NAME, f"{text}; whether its nodes lack internet egress (and so must "
                                "wait for them) is unknown.")


FAILING_EXAMPLE = """\
aws.eks.NodeGroup("nodes", cluster_name=cluster.name, node_role_arn=role.arn,
                  subnet_ids=isolated_subnet_ids,
                  scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3})
"""
PASSING_EXAMPLE = """\
aws.eks.NodeGroup("nodes", cluster_name=cluster.name, node_role_arn=role.arn,
                  subnet_ids=isolated_subnet_ids,
                  scaling_config={"min_size": 1, "desired_size": 2, "max_size": 3},
                  opts=pulumi.ResourceOptions(depends_on=[*interface_endpoints, s3_endpoint]))
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-009",
    resolution='Make every node group depend on the endpoints: opts=ResourceOptions(depends_on=[*interface_endpoints, s3_endpoint]) (or on a component that contains them).',
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    former_names=("eks-private-only-nodes-after-privatelink",),
    requirement="Functional (nodes may fail to join: NodeCreationFailure). Node groups whose nodes lack internet egress (see eks-isolated-nodes-privatelink), with "
                "the private endpoint on, depend, directly or through other resources (a component counts for its "
                "children), on the required Interface endpoints and the S3 Gateway endpoint, so nodes never boot "
                "before PrivateLink exists. (Was eks-private-only-nodes-after-privatelink.)",
    source="Amazon EKS troubleshooting guide (NodeCreationFailure when nodes do not join within 15 minutes); "
           "Amazon EKS User Guide, private-clusters.",
    check=check, config_properties={"requiredServices": dict(SERVICES_PROPERTY)})
