"""eks-private-only-nodes-after-privatelink: node groups of a private-only cluster wait for the endpoints."""
from __future__ import annotations

from ..model.entities import Vpc
from .base import SERVICES_PROPERTY, Finding, Rule

NAME = "eks-private-only-nodes-after-privatelink"


def check(model, cfg):
    required = set(s for s in cfg.get("requiredServices") or [] if isinstance(s, str))
    for c in model.clusters.values():
        if c.private_only is not True or not isinstance(c.vpc, Vpc):
            continue
        eps = [e for e in c.vpc.endpoints
               if (e.type == "Interface" and e.service in required) or (e.type == "Gateway" and e.service == "s3")]
        if not eps:
            continue  # eks-private-only-privatelink reports missing endpoints
        targets = {e.res.urn: e for e in eps}
        for ng in c.node_groups:
            if ng.is_fargate:
                continue
            starts = [r.urn for r in ng.dependency_roots] + list(model.ancestors(ng.res.urn))
            reached = model.depends_on(starts, targets)
            missing = [targets[u] for u in targets if u not in reached]
            if missing:
                yield Finding(ng.res.urn, f"node group {ng.label} of private-only cluster {c.res.name} does not depend on "
                              f"the PrivateLink endpoints {', '.join(e.res.name for e in missing)}, so its nodes may boot "
                              "before the endpoints exist and fail to join (NodeCreationFailure); add them (or their "
                              "component) to the node group's dependsOn.")


RULE = Rule(
    name=NAME,
    requirement="Private-only endpoint: every node group depends, directly or through other resources, on the "
                "required Interface endpoints and the S3 Gateway endpoint, so nodes never boot before PrivateLink exists.",
    source="Amazon EKS troubleshooting guide (NodeCreationFailure when nodes do not join within 15 minutes); "
           "Amazon EKS User Guide, private-clusters.",
    check=check, config_properties={"requiredServices": dict(SERVICES_PROPERTY)})
