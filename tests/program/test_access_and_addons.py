"""accessEntries and addons: what a stack registers for them."""

from __future__ import annotations

import json

import pytest

from tests.program.harness import run_program, stack_config
from stack_config.kubernetes_versions import PINS, SUPPORTED_VERSIONS

ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
ADDON = "aws:eks/addon:Addon"
POD_IDENTITY = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
CLUSTER = "eks:index:Cluster"


TEAM_ACCESS = [
    {"principalArn": "arn:aws:iam::210987654321:role/platform-admins", "access": "cluster-admin"},
    {"principalArn": "arn:aws:iam::210987654321:role/developers", "access": "edit", "namespaces": ["team-a", "team-b"]},
]


def test_access_entries_from_config_get_the_aws_managed_access_policies():
    # The reference stacks carry no principals (they would be made up); a team gives its own.
    config = {**stack_config("public-private-auto"), "eks-variants:accessEntries": TEAM_ACCESS}
    run = run_program(config, stack="public-private-auto")
    cluster = run.one(CLUSTER)
    entries = {e.inputs["principalArn"]: e for e in run.of_type(ACCESS_ENTRY)}
    assert set(entries) == {"arn:aws:iam::210987654321:role/platform-admins", "arn:aws:iam::210987654321:role/developers"}
    assert all(e.inputs["type"] == "STANDARD" for e in entries.values())
    assert all(cluster.urn in e.property_dependencies["clusterName"] for e in entries.values())
    associations = {a.inputs["principalArn"]: a for a in run.of_type(ASSOCIATION)}
    # EKS User Guide, access-policy-permissions: arn:<partition>:eks::aws:cluster-access-policy/<name>.
    admin = associations["arn:aws:iam::210987654321:role/platform-admins"]
    assert admin.inputs["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    assert admin.inputs["accessScope"] == {"type": "cluster"}
    developers = associations["arn:aws:iam::210987654321:role/developers"]
    assert developers.inputs["policyArn"] == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
    assert developers.inputs["accessScope"] == {"type": "namespace", "namespaces": ["team-a", "team-b"]}
    # The association needs its entry (AssociateAccessPolicy fails for a principal without one).
    assert entries["arn:aws:iam::210987654321:role/developers"].urn in developers.property_dependencies["principalArn"]


@pytest.mark.parametrize("access, policy", [("admin", "AmazonEKSAdminPolicy"), ("view", "AmazonEKSViewPolicy")])
def test_each_access_level_maps_to_its_policy(access, policy):
    config = {**stack_config("public-managed"), "eks-variants:accessEntries": [
        {"principalArn": "arn:aws-cn:iam::210987654321:user/ops", "access": access}]}
    run = run_program(config, stack="pm")
    # The policy ARN follows the stack's partition (the mocks answer aws).
    assert run.one(ASSOCIATION).inputs["policyArn"].endswith(f":cluster-access-policy/{policy}")


def test_no_access_entries_by_default_beyond_the_nodes():
    run = run_program(stack_config("public-managed"), stack="pm")
    assert run.of_type(ASSOCIATION) == [] and run.of_type(ACCESS_ENTRY) == []


def role_policies(run, role_urn: str) -> set[str]:
    return {a.inputs["policyArn"].rsplit("/", 1)[-1] for a in run.of_type(ATTACHMENT)
            if role_urn in a.property_dependencies["role"]}


def role_among(run, urns: list[str]) -> list[str]:
    """The role among an input's dependencies; the others must be that role's policy attachments (the
    association comes after the permissions)."""
    roles = [u for u in urns if run.by_urn(u).type == ROLE]
    others = {u for u in urns if u not in roles}
    assert roles and others == {a.urn for a in run.of_type(ATTACHMENT) if roles[0] in a.property_dependencies["role"]}
    return roles


def trusted_by_pod_identity(role) -> bool:
    statement = json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]
    return statement["Principal"] == {"Service": "pods.eks.amazonaws.com"} and set(statement["Action"]) == {
        "sts:AssumeRole", "sts:TagSession"}


@pytest.mark.parametrize("stack", ["public-managed", "private-self-managed"])
def test_node_stacks_get_ebs_csi_and_pod_identity_with_pinned_versions(stack):
    config = stack_config(stack)
    run = run_program(config, stack=stack)
    version = run.one(CLUSTER).inputs["version"]
    addons = {a.inputs["addonName"]: a for a in run.of_type(ADDON)}
    assert set(addons) == {"coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver"}  # CoreDNS: components/coredns.py
    assert addons["eks-pod-identity-agent"].inputs["addonVersion"] == PINS[version].pod_identity_agent
    assert addons["aws-ebs-csi-driver"].inputs["addonVersion"] == PINS[version].ebs_csi_driver
    # EBS CSI controller: AmazonEBSCSIDriverPolicy through a Pod Identity association (EKS User Guide, ebs-csi).
    (association,) = addons["aws-ebs-csi-driver"].inputs["podIdentityAssociations"]
    assert association["serviceAccount"] == "ebs-csi-controller-sa"
    (role_urn,) = role_among(run, addons["aws-ebs-csi-driver"].property_dependencies["podIdentityAssociations"])
    assert trusted_by_pod_identity(run.by_urn(role_urn))
    assert role_policies(run, role_urn) == {"AmazonEBSCSIDriverPolicy"}
    # VPC CNI on Pod Identity: kube-system/aws-node gets AmazonEKS_CNI_Policy (EKS User Guide, cni-iam-role).
    cni = run.one(POD_IDENTITY)
    assert (cni.inputs["namespace"], cni.inputs["serviceAccount"]) == ("kube-system", "aws-node")
    (cni_role,) = role_among(run, cni.property_dependencies["roleArn"])
    assert trusted_by_pod_identity(run.by_urn(cni_role)) and role_policies(run, cni_role) == {"AmazonEKS_CNI_Policy"}
    # Add-ons report ACTIVE only once their pods run: they wait for the nodes; EBS CSI for the agent.
    nodes = next(r for r in run.registrations if r.type in ("eks:index:ManagedNodeGroup", "aws:autoscaling/group:Group"))
    assert nodes.urn in addons["eks-pod-identity-agent"].dependencies
    assert nodes.urn in addons["aws-ebs-csi-driver"].dependencies
    assert addons["eks-pod-identity-agent"].urn in addons["aws-ebs-csi-driver"].dependencies


def test_each_addon_can_be_left_out():
    config = {**stack_config("public-managed"), "eks-variants:addons": {"ebsCsiDriver": False}}
    run = run_program(config, stack="pm")
    assert sorted(a.inputs["addonName"] for a in run.of_type(ADDON)) == ["coredns", "eks-pod-identity-agent"]
    config["eks-variants:addons"] = {"ebsCsiDriver": False, "podIdentityAgent": False}
    run = run_program(config, stack="pm")
    assert [a.inputs["addonName"] for a in run.of_type(ADDON)] == ["coredns"] and run.of_type(POD_IDENTITY) == []


def test_private_stacks_get_eks_auth_for_pod_identity_only_when_it_is_used():
    config = stack_config("private-self-managed")
    services = lambda run: {e.inputs["serviceName"].split(".", 3)[-1] for e in run.of_type(  # noqa: E731
        "aws:ec2/vpcEndpoint:VpcEndpoint")}
    assert "eks-auth" in services(run_program(config, stack="psm"))
    off = {**config, "eks-variants:addons": {"ebsCsiDriver": False, "podIdentityAgent": False}}
    assert "eks-auth" not in services(run_program(off, stack="psm"))


def test_every_supported_version_pins_the_storage_and_identity_addons():
    assert set(PINS) == set(SUPPORTED_VERSIONS)
    for pins in PINS.values():
        assert pins.pod_identity_agent.startswith("v") and "-eksbuild." in pins.pod_identity_agent
        assert pins.ebs_csi_driver.startswith("v") and "-eksbuild." in pins.ebs_csi_driver
