"""Config rules of dataPlane auto, nodes.capacityType, accessEntries and addons (contracts §2), each with
the key path the user must fix."""

from __future__ import annotations

import pytest

from tests.program.test_config import only_problem, problems


def test_auto_stack_takes_no_nodes_fargate_or_addons_block():
    assert problems(dataPlane="auto") == []
    assert only_problem(dataPlane="auto", nodes={"minSize": 1}).startswith(
        "eks-variants:nodes: not used with dataPlane 'auto' (EKS Auto Mode chooses and scales the instances")
    assert only_problem(dataPlane="auto", fargate={"namespaces": ["apps"]}) == (
        "eks-variants:fargate: only used with dataPlane 'fargate', this stack has 'auto'; remove it")
    assert only_problem(dataPlane="auto", addons={"ebsCsiDriver": True}).startswith(
        "eks-variants:addons: not used with dataPlane 'auto': EKS Auto Mode has block storage")


def test_public_auto_stack_has_no_nat_gateways():
    assert only_problem(endpointAccess="public", dataPlane="auto", natGateways="single").startswith(
        "eks-variants:natGateways: a 'public' stack with dataPlane 'auto' has no private subnets")
    assert problems(endpointAccess="public-private", dataPlane="auto", natGateways="per-az") == []


def test_capacity_type_values():
    for plane in ("managed", "self-managed"):
        assert problems(dataPlane=plane, nodes={"capacityType": "spot"}) == []
        assert problems(dataPlane=plane, nodes={"capacityType": "on-demand"}) == []
    assert only_problem(nodes={"capacityType": "SPOT"}).startswith(
        "eks-variants:nodes.capacityType: 'SPOT' is not allowed; input should be 'on-demand' or 'spot'")


def test_self_managed_nodes_take_several_instance_types():
    assert problems(dataPlane="self-managed", nodes={"instanceTypes": ["m6i.large", "m6a.large", "m5.large"]}) == []


VALID_ARNS = [
    "arn:aws:iam::210987654321:role/platform-admins",
    "arn:aws:iam::210987654321:role/teams/payments/deployers",
    "arn:aws:iam::210987654321:user/alice",
    "arn:aws-cn:iam::210987654321:role/ops",
    "arn:aws-us-gov:iam::210987654321:role/ops",
]


@pytest.mark.parametrize("arn", VALID_ARNS)
def test_access_entry_principals_are_iam_roles_or_users_in_any_partition(arn):
    assert problems(accessEntries=[{"principalArn": arn, "access": "view"}]) == []


@pytest.mark.parametrize("arn", [
    "arn:aws:sts::210987654321:assumed-role/ops/session",   # STS session, not an IAM principal
    "arn:aws:iam::210987654321:group/ops",                  # groups cannot have access entries
    "arn:aws:iam::11112222333:role/ops",                    # 11-digit account
    "platform-admins",
])
def test_access_entry_bad_arns_name_the_key(arn):
    problem = only_problem(accessEntries=[{"principalArn": "arn:aws:iam::210987654321:role/ok", "access": "view"},
                                          {"principalArn": arn, "access": "view"}])
    assert problem.startswith(f"eks-variants:accessEntries[1].principalArn: {arn!r} is not an IAM role or user ARN")


def test_access_entry_levels_and_namespaces():
    arn = "arn:aws:iam::210987654321:role/team"
    assert only_problem(accessEntries=[{"principalArn": arn, "access": "owner"}]) == (
        "eks-variants:accessEntries[0].access: 'owner' is not allowed; input should be 'cluster-admin', 'admin', "
        "'edit' or 'view'")
    assert problems(accessEntries=[{"principalArn": arn, "access": "admin", "namespaces": ["team-a"]}]) == []
    assert only_problem(accessEntries=[{"principalArn": arn, "access": "cluster-admin", "namespaces": ["team-a"]}]
                        ).startswith("eks-variants:accessEntries[0].namespaces: cannot scope 'cluster-admin'")
    assert only_problem(accessEntries=[{"principalArn": arn, "access": "edit", "namespaces": ["Team_A"]}]) == (
        "eks-variants:accessEntries[0].namespaces: not DNS-1123 labels: 'Team_A'")
    assert only_problem(accessEntries=[{"principalArn": arn}]) == (
        "eks-variants:accessEntries[0].access: required but not set")
    assert only_problem(accessEntries=[{"principalArn": arn, "access": "view", "scope": "x"}]).startswith(
        "unknown key `eks-variants:accessEntries[0].scope`")
    assert only_problem(accessEntries=[{"principalArn": arn, "access": "view"},
                                       {"principalArn": arn, "access": "edit"}]).startswith(
        "eks-variants:accessEntries: one entry per principal; listed more than once: " + arn)


def test_addons_switches():
    assert problems(addons={"ebsCsiDriver": False, "podIdentityAgent": False}) == []
    assert problems(addons={"ebsCsiDriver": False}) == []
    assert only_problem(addons={"podIdentityAgent": False}).startswith(
        "eks-variants:addons.ebsCsiDriver: the EBS CSI driver gets its IAM role through Pod Identity")
    assert only_problem(addons={"ebsCsi": False}) == (
        "unknown key `eks-variants:addons.ebsCsi`; did you mean `ebsCsiDriver`?")
    assert only_problem(dataPlane="fargate", addons={"ebsCsiDriver": False}).startswith(
        "eks-variants:addons: not used with dataPlane 'fargate'")


def test_the_eks_auth_endpoint_pod_identity_brings_counts_against_the_endpoint_subnets():
    seven = ["logs", "ssm", "ssmmessages", "ec2messages", "autoscaling", "elasticloadbalancing", "kms"]
    base = dict(endpointAccess="private", vpcCidr="10.0.0.0/22", privateLink={"extraServices": seven})
    # 4 baseline + 7 listed + eks-auth for the Pod Identity agent (or Auto Mode's built-in one) = 12 > 11.
    for plane in ("managed", "auto"):
        assert only_problem(dataPlane=plane, **base).startswith(
            "eks-variants:privateLink.extraServices: 12 interface endpoints do not fit the endpoint subnets of a /22")
    assert problems(dataPlane="managed", addons={"podIdentityAgent": False, "ebsCsiDriver": False}, **base) == []
    assert problems(dataPlane="fargate", **base) == []
