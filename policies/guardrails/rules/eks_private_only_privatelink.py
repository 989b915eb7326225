"""eks-private-only-privatelink: a private-only cluster's VPC has the PrivateLink endpoints its nodes need."""
from __future__ import annotations

from ..model.entities import Vpc
from ..model.values import UNKNOWN
from .base import SERVICES_PROPERTY, Finding, Rule, undecided

NAME = "eks-private-only-privatelink"


def node_azs(c):
    azs, unknown = set(), False
    for ng in c.node_groups:
        if not ng.subnets_complete:
            unknown = True
        for s in ng.subnets:
            if isinstance(s.az, str):
                azs.add(s.az)
            else:
                unknown = True
    return azs, unknown


def check(model, cfg):
    required = [s for s in cfg.get("requiredServices") or [] if isinstance(s, str)]
    for c in model.clusters.values():
        if c.private_only is False:
            continue
        if c.private_only is UNKNOWN:
            yield undecided(c.res.urn, NAME, f"the endpoint flags of cluster {c.res.label} are unknown.")
            continue
        vpc = c.vpc
        if not isinstance(vpc, Vpc):
            yield undecided(c.res.urn, NAME, f"the VPC of cluster {c.res.label} cannot be resolved.")
            continue
        eps = vpc.endpoints
        vague = [e for e in eps if e.service is UNKNOWN or e.type is UNKNOWN]
        azs, azs_unknown = node_azs(c)
        missing, no_dns, short_az = [], [], []
        for svc in required:
            cands = [e for e in eps if e.service == svc and e.type == "Interface"]
            if not cands:
                missing.append(svc)
                continue
            good_dns = [e for e in cands if e.private_dns is True]
            if not good_dns:
                e = cands[0]
                if any(x.private_dns is UNKNOWN for x in cands):
                    yield undecided(e.res.urn, NAME, f"privateDnsEnabled of the {svc} endpoint {e.res.label} is unknown.")
                else:
                    no_dns.append(e)
                continue
            covered = set()
            complete = all(e.subnets_complete for e in good_dns)
            for e in good_dns:
                for s in e.subnets:
                    if isinstance(s.az, str):
                        covered.add(s.az)
                    else:
                        complete = False
            lacking = sorted(azs - covered)
            if lacking and complete and not azs_unknown:
                short_az.append((good_dns[0], svc, lacking))
            elif lacking or azs_unknown or not complete:
                if lacking or not (azs <= covered):
                    yield undecided(good_dns[0].res.urn, NAME, f"whether the {svc} endpoint covers every node "
                                    f"Availability Zone of cluster {c.res.label} is unknown.", key=("az?", vpc.res.urn, svc))
        if no_dns:
            yield Finding(no_dns[0].res.urn, f"Interface endpoint(s) {', '.join(e.res.label for e in no_dns)} in VPC "
                          f"{vpc.res.name} have privateDnsEnabled = false; nodes of cluster {c.res.name} resolve the "
                          "public service names, so set privateDnsEnabled = true.", key=("dns", vpc.res.urn))
        if short_az:
            parts = [f"{e.res.label} ({svc}) has no subnet in {', '.join(l)}" for e, svc, l in short_az]
            yield Finding(short_az[0][0].res.urn, f"Interface endpoints do not cover every Availability Zone where nodes "
                          f"of cluster {c.res.name} run: {'; '.join(parts)}; add a subnet in each of those AZs to the "
                          "endpoints' subnetIds.", key=("az", vpc.res.urn))
        if missing:
            if vague:
                yield undecided(vpc.res.urn, NAME, f"the service or type of endpoints "
                                f"{', '.join(e.res.name for e in vague)} is unknown; cannot tell whether "
                                f"{', '.join(missing)} are present.", key=("missing?", vpc.res.urn))
            else:
                yield Finding(vpc.res.urn, f"VPC {vpc.res.label} of private-only cluster {c.res.name} has no Interface "
                              f"endpoint for {', '.join(missing)}; nodes without internet access need "
                              f"com.amazonaws.<region>.<service> Interface endpoints with private DNS for "
                              f"{', '.join(required)}.", key=("missing", vpc.res.urn))
        # S3 gateway endpoint on the route table of every node subnet
        s3 = [e for e in eps if e.service == "s3" and e.type == "Gateway"]
        if not s3:
            if not any(e.service is UNKNOWN or (e.service == "s3" and e.type is UNKNOWN) for e in eps):
                yield Finding(vpc.res.urn, f"VPC {vpc.res.label} of private-only cluster {c.res.name} has no S3 Gateway "
                              "endpoint; image layers come from S3, so add a Gateway endpoint for "
                              "com.amazonaws.<region>.s3 on the node subnets' route tables.", key=("s3", vpc.res.urn))
            continue
        rts = {rt.res.urn for e in s3 for rt in e.route_tables}
        rts_complete = all(e.route_tables_complete for e in s3)
        bad, unsure = [], []
        for ng in c.node_groups:
            for s in ng.subnets:
                rt = s.effective_route_table()
                if rt is UNKNOWN:
                    unsure.append(s.res.label)
                elif rt is None:
                    bad.append(f"{s.res.label} (implicit main route table)")
                elif rt.res.urn not in rts:
                    (bad if rts_complete else unsure).append(f"{s.res.label} (route table {rt.res.name})")
        bad, unsure = sorted(set(bad)), sorted(set(unsure))
        if bad:
            yield Finding(s3[0].res.urn, f"S3 Gateway endpoint {s3[0].res.label} is not on the route table of node "
                          f"subnets {', '.join(bad)} of cluster {c.res.name}; add those route tables to its "
                          "routeTableIds (or a VpcEndpointRouteTableAssociation).", key=("s3rt", s3[0].res.urn, tuple(bad)))
        elif unsure:
            yield undecided(s3[0].res.urn, NAME, f"whether S3 Gateway endpoint {s3[0].res.name} is on the route tables "
                            f"of {', '.join(unsure)} is unknown.", key=("s3rt?", s3[0].res.urn))


RULE = Rule(
    name=NAME,
    requirement="Private-only endpoint: the cluster's VPC has Interface endpoints with private DNS for each required "
                "service (config requiredServices) in subnets covering every AZ that hosts nodes, and an S3 Gateway "
                "endpoint on the route table of every node subnet.",
    source="Amazon EKS User Guide, private-clusters (endpoints for EC2, ECR, S3, STS); eksctl fully-private clusters; "
           "awsdocs/amazon-eks-user-guide issue 110; sassoftware/viya4-iac-aws issue 272.",
    check=check, config_properties={"requiredServices": dict(SERVICES_PROPERTY)})
