"""eks-isolated-nodes-privatelink (was eks-private-only-privatelink), functional: nodes without internet egress
have the PrivateLink endpoints they need to join the cluster and pull images."""
from __future__ import annotations

from ..model.egress import isolation
from ..model.entities import Vpc
from ..model.values import UNKNOWN
from .base import SERVICES_PROPERTY, Finding, Rule, undecided

NAME = "eks-isolated-nodes-privatelink"


def _names(placements):
    return ", ".join(sorted({p.subnet.res.name for p in placements}))


def _reasons(placements, limit=3):
    seen = list(dict.fromkeys(p.egress.reason for p in placements))
    return "; ".join(seen[:limit]) + ("; ..." if len(seen) > limit else "")


def check(model, cfg):
    required = [s for s in cfg.get("requiredServices") or [] if isinstance(s, str)]
    for c in model.clusters.values():
        if c.private is False:
            continue  # public-only endpoint: eks-public-endpoint-node-egress needs egress anyway
        facts = isolation(c, model.nats)
        if not facts.any:
            continue  # every node has internet egress: the endpoints are optional (private-clusters)
        if c.private is UNKNOWN:
            yield undecided(c.res.anchor, NAME, f"whether the private endpoint of cluster {c.res.label} is on is "
                            "unknown, and some of its nodes may lack internet egress.")
            continue
        for ng, why in facts.unresolved:
            yield undecided(ng.res.anchor, NAME, f"whether the nodes of {ng.label} have internet egress (else they "
                            f"need PrivateLink endpoints) cannot be told: {why}.", key=("unresolved", ng.res.urn))
        vpc = c.vpc
        if not isinstance(vpc, Vpc):
            if facts.isolated or facts.possible:
                yield undecided(c.res.anchor, NAME, f"the VPC of cluster {c.res.label}, where nodes without internet "
                                "egress need PrivateLink endpoints, cannot be resolved.")
            continue
        yield from _check_vpc(c, vpc, facts, required)


def _check_vpc(c, vpc, facts, required):
    at_risk = facts.isolated + facts.possible
    who = (f"nodes of cluster {c.res.name} in subnets {_names(facts.isolated)} have no internet egress "
           f"({_reasons(facts.isolated)})") if facts.isolated else ""
    maybe = f"nodes in subnets {_names(facts.possible)} may lack internet egress ({_reasons(facts.possible)})"
    eps = vpc.endpoints
    vague = [e for e in eps if e.service is UNKNOWN or e.type is UNKNOWN]
    missing, no_dns, short = [], [], []
    for svc in required:
        cands = [e for e in eps if e.service == svc and e.type == "Interface"]
        if not cands:
            missing.append(svc)
            continue
        good = [e for e in cands if e.private_dns is True]
        if not good:
            if any(e.private_dns is UNKNOWN for e in cands):
                yield undecided(cands[0].res.anchor, NAME, f"privateDnsEnabled of the {svc} endpoint "
                                f"{cands[0].res.label} is unknown.")
            else:
                no_dns.append(cands[0])
            continue
        yield from _az_coverage(c, vpc, svc, good, facts, short)
    if short:
        parts = [f"{e.res.label} ({svc}) has no subnet in {zones}" for e, svc, zones, _ in short]
        subnets = sorted({n for *_, names in short for n in names})
        yield Finding(short[0][0].res.anchor, f"Interface endpoints do not cover every Availability Zone where nodes "
                      f"of cluster {c.res.name} without internet egress run (subnets {', '.join(subnets)}): "
                      f"{'; '.join(parts)}; add a subnet in each of those Availability Zones to the endpoints' "
                      "subnetIds.", key=("az", vpc.res.urn))
    if missing and vague:
        yield undecided(vpc.res.anchor, NAME, f"the service or type of endpoints {', '.join(e.res.name for e in vague)} "
                        f"is unknown; cannot tell whether {', '.join(missing)} are present.", key=("missing?", vpc.res.urn))
    elif missing or no_dns:
        problems = []
        if missing:
            problems.append(f"VPC {vpc.res.label} has no Interface endpoint for {', '.join(missing)}")
        if no_dns:
            problems.append(f"Interface endpoint(s) {', '.join(e.res.label for e in no_dns)} have privateDnsEnabled = "
                            "false (nodes resolve the public service names)")
        fix = (f"add com.amazonaws.<region>.<service> Interface endpoints with private DNS for {', '.join(required)} "
               "(or give these subnets a default route to a NAT gateway)")
        if facts.isolated:
            yield Finding(vpc.res.anchor, f"{who}, so they need PrivateLink endpoints, but {'; '.join(problems)}; {fix}.",
                          key=("missing", vpc.res.urn))
        else:
            yield undecided(vpc.res.anchor, NAME, f"{maybe}; if they do, {'; '.join(problems)}.",
                            key=("missing", vpc.res.urn))
    yield from _s3_gateway(c, vpc, facts, who, maybe)


def _az_coverage(c, vpc, svc, endpoints, facts, short):
    """Appends (endpoint, service, zones, subnet names) to `short` where known isolated nodes lack coverage;
    yields the notes where coverage cannot be told."""
    covered, complete = set(), all(e.subnets_complete for e in endpoints)
    for e in endpoints:
        for s in e.subnets:
            if isinstance(s.az, str):
                covered.add(s.az)
            else:
                complete = False
    lacking = [p for p in facts.isolated + facts.possible if not (isinstance(p.subnet.az, str) and p.subnet.az in covered)]
    if not lacking:
        return
    definite = [p for p in lacking if p in facts.isolated and isinstance(p.subnet.az, str)]
    if definite and complete:
        short.append((endpoints[0], svc, ", ".join(sorted({p.subnet.az for p in definite})),
                      {p.subnet.res.name for p in definite}))
    else:
        yield undecided(endpoints[0].res.anchor, NAME, f"whether the {svc} endpoint covers the Availability Zones of "
                        f"subnets {_names(lacking)} of cluster {c.res.name} (nodes that may lack internet egress) is "
                        "unknown.", key=("az?", vpc.res.urn, svc))


def _s3_gateway(c, vpc, facts, who, maybe):
    s3 = [e for e in vpc.endpoints if e.service == "s3" and e.type == "Gateway"]
    if not s3:
        if any(e.service is UNKNOWN or (e.service == "s3" and e.type is UNKNOWN) for e in vpc.endpoints):
            return
        text = (f"VPC {vpc.res.label} has no S3 Gateway endpoint; image layers come from S3, so add a Gateway endpoint "
                "for com.amazonaws.<region>.s3 on the route tables of those subnets")
        if facts.isolated:
            yield Finding(vpc.res.anchor, f"{who}, but {text}.", key=("s3", vpc.res.urn))
        else:
            yield undecided(vpc.res.anchor, NAME, f"{maybe}; if they do, {text}.", key=("s3", vpc.res.urn))
        return
    rts = {rt.res.urn for e in s3 for rt in e.route_tables}
    rts_complete = all(e.route_tables_complete for e in s3)
    bad, unsure = [], []
    for p in facts.isolated + facts.possible:
        rt = p.subnet.effective_route_table()
        if rt is UNKNOWN or (rt is not None and rt.res.urn not in rts and not rts_complete):
            unsure.append(p)
        elif rt is None or rt.res.urn not in rts:
            (bad if p in facts.isolated else unsure).append(p)
    if bad:
        yield Finding(s3[0].res.anchor, f"S3 Gateway endpoint {s3[0].res.label} is not on the route tables of subnets "
                      f"{_names(bad)}, where nodes of cluster {c.res.name} have no internet egress; add those route "
                      "tables to its routeTableIds (or a VpcEndpointRouteTableAssociation).",
                      key=("s3rt", s3[0].res.urn))
    elif unsure:
        yield undecided(s3[0].res.anchor, NAME, f"whether S3 Gateway endpoint {s3[0].res.name} is on the route tables "
                        f"of subnets {_names(unsure)} (nodes that may lack internet egress) is unknown.",
                        key=("s3rt?", s3[0].res.urn))


FAILING_EXAMPLE = """\
# private endpoint, node subnets without a NAT gateway, and no endpoints
aws.ec2.VpcEndpoint("ec2", vpc_id=vpc.id, service_name="com.amazonaws.eu-west-1.ec2",
                    vpc_endpoint_type="Interface", private_dns_enabled=False, subnet_ids=node_subnet_ids)
"""
PASSING_EXAMPLE = """\
for svc in ["ec2", "ecr.api", "ecr.dkr", "sts"]:
    aws.ec2.VpcEndpoint(svc, vpc_id=vpc.id, service_name=f"com.amazonaws.eu-west-1.{svc}",
                        vpc_endpoint_type="Interface", private_dns_enabled=True,
                        subnet_ids=node_subnet_ids, security_group_ids=[endpoint_sg.id])
aws.ec2.VpcEndpoint("s3", vpc_id=vpc.id, service_name="com.amazonaws.eu-west-1.s3",
                    vpc_endpoint_type="Gateway", route_table_ids=node_route_table_ids)
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-007",
    resolution="Add Interface endpoints with private DNS for every required service (requiredServices) in subnets of every node AZ, and an S3 Gateway endpoint on the node subnets' route tables; or give the nodes internet egress through a NAT gateway.",
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    former_names=("eks-private-only-privatelink",),
    requirement="Functional (nodes cannot join or pull images). Private endpoint on and node or pod subnets without internet egress (no default route to "
                "a NAT gateway, nor to an internet gateway with a public IP on the node): the cluster's VPC has "
                "Interface endpoints with private DNS for each required service (config requiredServices) in subnets "
                "covering every Availability Zone of those nodes, and an S3 Gateway endpoint on their route tables. "
                "Nodes with egress need no endpoints. (Was eks-private-only-privatelink.)",
    source="Amazon EKS User Guide, private-clusters (clusters without outbound internet access: endpoints for EC2, "
           "ECR, S3, STS); Amazon VPC User Guide, NAT gateways and internet gateways; eksctl fully-private clusters; "
           "awsdocs/amazon-eks-user-guide issue 110; sassoftware/viya4-iac-aws issue 272.",
    check=check, config_properties={"requiredServices": dict(SERVICES_PROPERTY)})
