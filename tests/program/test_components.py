"""Behaviour of single components that the per-variant tests do not pin down."""

from __future__ import annotations

import ipaddress
import json

import pytest

from components.subnet_plan import plan_subnets
from tests.program.harness import run_program, stack_config


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "10.21.0.0/18", "192.168.0.0/22"])
def test_subnet_plan_is_disjoint_inside_the_vpc_and_stable_when_azs_are_added(cidr):
    vpc = ipaddress.IPv4Network(cidr)
    six = plan_subnets(cidr, 6)
    nets = [ipaddress.IPv4Network(c) for c in six.private + six.public + six.endpoint]
    assert len(nets) == 18
    assert all(n.subnet_of(vpc) for n in nets)
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1:])
    # EKS recommends at least 16 free addresses per cluster subnet (network-reqs); AWS keeps 5.
    assert min(n.num_addresses for n in six.private + six.public for n in [ipaddress.IPv4Network(n)]) - 5 >= 16
    # The smallest subnet AWS allows is a /28 (VPC User Guide, subnet sizing).
    assert max(ipaddress.IPv4Network(n).prefixlen for n in six.endpoint) <= 28
    two = plan_subnets(cidr, 2)
    assert (two.private, two.public, two.endpoint) == (six.private[:2], six.public[:2], six.endpoint[:2])


def test_public_fargate_adds_the_nat_addresses_to_public_access_cidrs_once_known():
    run = run_program(stack_config("public-fargate"), stack="public-fargate", preview=False)
    (cluster,) = run.of_type("eks:index:Cluster")
    (eip,) = run.of_type("aws:ec2/eip:Eip")
    assert eip.outputs["publicIp"].startswith("198.51.100.")
    assert cluster.inputs["publicAccessCidrs"] == ["203.0.113.0/24", f"{eip.outputs['publicIp']}/32"]


def test_public_private_keeps_public_access_cidrs_as_given():
    run = run_program(stack_config("public-private-managed"), stack="ppm", preview=False)
    (cluster,) = run.of_type("eks:index:Cluster")
    assert cluster.inputs["publicAccessCidrs"] == ["198.51.100.0/24", "203.0.113.10/32"]


def test_fargate_runs_coredns_on_fargate_and_pulumi_eks_leaves_it_alone():
    run = run_program(stack_config("private-fargate"), stack="pf")
    (addon,) = run.of_type("aws:eks/addon:Addon")
    assert addon.inputs["addonName"] == "coredns"
    assert json.loads(addon.inputs["configurationValues"]) == {"computeType": "Fargate"}
    (profile,) = run.of_type("aws:eks/fargateProfile:FargateProfile")
    assert profile.urn in addon.dependencies
    (cluster,) = run.of_type("eks:index:Cluster")
    assert cluster.inputs["corednsAddonOptions"]["enabled"] is False


def test_fargate_without_kube_system_keeps_coredns_on_the_cluster_default():
    config = {**stack_config("private-fargate"), "eks-variants:fargate": {"namespaces": ["apps"]}}
    run = run_program(config, stack="pf")
    assert run.of_type("aws:eks/addon:Addon") == []


def test_stack_tags_reach_every_resource_through_the_provider_default_tags():
    run = run_program(stack_config("public-private-managed"), stack="ppm")
    (provider,) = run.of_type("pulumi:providers:aws")
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert tags == {"team": "payments", "environment": "production",
                    "eks-variants/variant": "public-private-managed", "eks-variants/stack": "ppm"}
    assert provider.inputs["region"] == "eu-central-1"
    (variant,) = run.of_type("eks-variants:index:EksVariant")
    assert variant.parent == "urn:pulumi:ppm::eks-variants::pulumi:pulumi:Stack::eks-variants-ppm"
    assert variant.provider is None and variant.urn == "urn:pulumi:ppm::eks-variants::eks-variants:index:EksVariant::eks"


def test_cluster_name_secrets_key_and_logs():
    run = run_program(stack_config("public-self-managed"), stack="team.a")
    (cluster,) = run.of_type("eks:index:Cluster")
    assert cluster.inputs["name"] == "eks-variants-team-a"
    assert cluster.inputs["enabledClusterLogTypes"] == ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    (key,) = run.of_type("aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert cluster.property_dependencies["encryptionConfigKeyArn"] == [key.urn]


def test_secrets_encryption_off_creates_no_key():
    config = {**stack_config("public-self-managed"), "eks-variants:secretsEncryption": False}
    run = run_program(config, stack="x")
    assert run.of_type("aws:kms/key:Key") == []
    assert "encryptionConfigKeyArn" not in run.one("eks:index:Cluster").inputs


def test_private_link_opt_in_on_a_public_stack_uses_the_node_subnets():
    config = {**stack_config("public-managed"), "eks-variants:privateLink": {"extraServices": ["logs"]}}
    run = run_program(config, stack="x")
    endpoints = run.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert sorted(e.inputs["serviceName"] for e in endpoints) == sorted(
        f"com.amazonaws.us-east-1.{s}" for s in ("ec2", "ecr.api", "ecr.dkr", "sts", "logs", "s3"))
    public = [s for s in run.of_type("aws:ec2/subnet:Subnet") if s.inputs["mapPublicIpOnLaunch"]]
    tier = [s for s in run.of_type("aws:ec2/subnet:Subnet") if "-endpoint-" in s.inputs["tags"]["Name"]]
    ec2 = next(e for e in endpoints if e.inputs["serviceName"].endswith(".ec2"))
    # The ENIs go to the endpoint tier, one subnet in each zone of the (public) node subnets.
    assert set(ec2.property_dependencies["subnetIds"]) == {t.urn for t in tier}
    assert sorted(t.inputs["availabilityZoneId"] for t in tier) == sorted(s.inputs["availabilityZoneId"] for s in public)
