"""eks-public-access-cidrs (advisory): a public endpoint is not open to 0.0.0.0/0."""
from __future__ import annotations

from ..model import types as T
from ..model.entities import Res, endpoint_access
from ..model.values import UNKNOWN, as_list, cidr_within, is_open_cidr
from pulumi_policy import EnforcementLevel
from .base import Finding, Rule, undecided

NAME = "eks-public-access-cidrs"


def _judge(res: Res, public, cidrs, cfg):
    if public is False:
        return
    allowed = [c for c in as_list(cfg.get("allowedCidrs") or []) if isinstance(c, str)]
    if public is UNKNOWN or cidrs is UNKNOWN:
        yield undecided(res.urn, NAME, f"the public endpoint settings of cluster {res.label} are unknown.")
        return
    listed = ["0.0.0.0/0"] if cidrs is None else as_list(cidrs)
    known = [c for c in listed if isinstance(c, str)]
    if allowed:
        bad = [c for c in known if not cidr_within(c, allowed)]
        want = f"inside allowedCidrs {allowed}"
    else:
        bad = [c for c in known if is_open_cidr(c)]
        want = "narrower than 0.0.0.0/0 (the CIDRs of your offices, VPN or CI runners)"
    if bad:
        implicit = " (publicAccessCidrs is not set, so AWS opens it to 0.0.0.0/0)" if cidrs is None else ""
        yield Finding(res.urn, f"cluster {res.label} has a public API endpoint open to {', '.join(bad)}{implicit}; "
                      f"list only CIDRs {want} in publicAccessCidrs, or turn the public endpoint off.")
    elif len(known) < len(listed):
        yield undecided(res.urn, NAME, f"some publicAccessCidrs of cluster {res.label} are unknown.")


def check_resource(res: Res, cfg):
    if res.type == T.EKS_CLUSTER and "eks:index:Cluster$" in res.urn:
        return
    public, _, cidrs = endpoint_access(res)
    yield from _judge(res, public, cidrs, cfg)


def check(model, cfg):
    for c in model.clusters.values():
        yield from _judge(c.res, c.public, c.public_cidrs, cfg)


FAILING_EXAMPLE = """\
aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={
    "subnet_ids": subnet_ids, "endpoint_public_access": True,
    "public_access_cidrs": ["0.0.0.0/0"]})
"""
PASSING_EXAMPLE = """\
aws.eks.Cluster("cluster", role_arn=role.arn, vpc_config={
    "subnet_ids": subnet_ids, "endpoint_public_access": True,
    "public_access_cidrs": ["203.0.113.0/24"]})
"""

RULE = Rule(
    name=NAME,
    id="EKSNET-012",
    resolution="List only your offices', VPN's or CI runners' CIDRs in publicAccessCidrs (or inside the policy's allowedCidrs), or turn the public endpoint off; or record a reviewed exemption.",
    examples=(FAILING_EXAMPLE, PASSING_EXAMPLE),
    requirement="Posture. A public API endpoint is not open to 0.0.0.0/0 (or stays inside config allowedCidrs).",
    source="Amazon EKS User Guide, cluster-endpoint; same intent as Checkov CKV_AWS_38 and Trivy AWS-0041.",
    check=check, enforcement=EnforcementLevel.ADVISORY,
    config_properties={"allowedCidrs": {
        "type": "array", "items": {"type": "string"}, "default": [],
        "description": "If set, every publicAccessCidrs entry must lie inside one of these CIDRs; if empty, any "
                       "CIDR except 0.0.0.0/0 (and ::/0) is accepted."}},
    resource_types=(T.EKS_CLUSTER, T.C_CLUSTER), check_resource=check_resource)
