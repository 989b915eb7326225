"""One test per rule of the stack configuration (contracts §2): the valid side and the invalid side,
with the exact key path the user must fix."""

from __future__ import annotations

import pytest

from tests.program import harness
from preflight.errors import InputError
from preflight.program.monitor import RecordingMonitor
from stack_config import StackConfigError, validate
from stack_config.kubernetes_versions import NEWEST_SUPPORTED, SUPPORTED_VERSIONS

BASE = {"endpointAccess": "public-private", "dataPlane": "managed"}


def problems(**overrides) -> list[str]:
    raw = {**BASE, **overrides}
    raw = {k: v for k, v in raw.items() if v is not ...}
    try:
        validate(raw)
    except StackConfigError as exc:
        return exc.problems
    return []


def only_problem(**overrides) -> str:
    found = problems(**overrides)
    assert len(found) == 1, found
    return found[0]


def test_defaults():
    settings = validate(dict(BASE))
    assert settings.vpc_cidr == "10.0.0.0/16"
    assert settings.availability_zones == 3
    assert settings.nat_mode == "single"
    assert settings.kubernetes_version == NEWEST_SUPPORTED
    assert settings.requested_public_access_cidrs == ["0.0.0.0/0"]
    nodes = settings.effective_nodes
    assert (nodes.instance_types, nodes.min_size, nodes.desired_size, nodes.max_size, nodes.disk_size_gib) == (
        ["m6i.large"], 2, 2, 4, 50)
    assert settings.privatelink_enabled is False
    assert settings.cluster_log_types == ["api", "audit", "authenticator"]
    assert settings.secrets_encryption is True and settings.tags == {}


@pytest.mark.parametrize("key", ["endpointAccess", "dataPlane"])
def test_required_keys(key):
    assert only_problem(**{key: ...}) == f"eks-variants:{key}: required but not set"


def test_endpoint_access_values():
    for mode in ("public", "public-private", "private"):
        assert problems(endpointAccess=mode) == []
    assert only_problem(endpointAccess="internal").startswith("eks-variants:endpointAccess: 'internal' is not allowed")


def test_data_plane_values():
    for plane in ("managed", "self-managed"):
        assert problems(dataPlane=plane) == []
    assert problems(dataPlane="fargate") == []
    assert problems(dataPlane="auto") == []
    assert only_problem(dataPlane="karpenter").startswith("eks-variants:dataPlane: 'karpenter' is not allowed")


@pytest.mark.parametrize("cidr", ["10.0.0.0/16", "172.16.0.0/20", "192.168.4.0/22"])
def test_vpc_cidr_valid(cidr):
    assert problems(vpcCidr=cidr) == []


@pytest.mark.parametrize("cidr, fragment", [
    ("10.0.0.1/16", "host bits"),
    ("10.0.0.0/15", "prefix /15; use /16 to /22"),
    ("10.0.0.0/24", "prefix /24; use /16 to /22"),
    ("fd00::/56", "not an IPv4 network"),
    ("ten/16", "not an IPv4 network"),
])
def test_vpc_cidr_invalid(cidr, fragment):
    problem = only_problem(vpcCidr=cidr)
    assert problem.startswith("eks-variants:vpcCidr:") and fragment in problem


def test_availability_zones_range():
    assert problems(availabilityZones=2) == [] and problems(availabilityZones=6) == []
    assert only_problem(availabilityZones=1).startswith("eks-variants:availabilityZones: input should be greater than or equal to 2")
    assert only_problem(availabilityZones=7).startswith("eks-variants:availabilityZones: input should be less than or equal to 6")
    assert only_problem(availabilityZones="three").startswith("eks-variants:availabilityZones: input should be a valid integer")


def test_nat_gateways_values_and_placement():
    assert problems(natGateways="per-az") == []
    assert problems(endpointAccess="public", dataPlane="fargate", natGateways="single") == []
    assert only_problem(natGateways="two").startswith("eks-variants:natGateways: 'two' is not allowed")
    assert only_problem(endpointAccess="private", natGateways="single") == (
        "eks-variants:natGateways: a 'private' stack has no internet gateway and no NAT gateways; remove it")
    assert only_problem(endpointAccess="public", natGateways="single").startswith(
        "eks-variants:natGateways: a 'public' stack with dataPlane 'managed' has no private subnets")


def test_kubernetes_version_window():
    for version in SUPPORTED_VERSIONS:
        assert problems(kubernetesVersion=version) == []
    assert only_problem(kubernetesVersion="1.20") == (
        f"eks-variants:kubernetesVersion: '1.20' is outside the supported window {SUPPORTED_VERSIONS[0]} to {SUPPORTED_VERSIONS[-1]}")
    assert "is not MAJOR.MINOR" in only_problem(kubernetesVersion="v1.33")


def test_kubernetes_version_read_as_a_yaml_number_gets_a_hint():
    found = problems(kubernetesVersion="1.3")
    assert any("quote it: '1.30'" in p for p in found) if "1.30" in SUPPORTED_VERSIONS else found


def test_public_access_cidrs_must_be_cidrs():
    assert problems(publicAccessCidrs=["203.0.113.0/24", "198.51.100.7/32"]) == []
    problem = only_problem(publicAccessCidrs=["203.0.113.5/24", "office"])
    assert problem.startswith("eks-variants:publicAccessCidrs: not IPv4 CIDRs") and "'office'" in problem
    assert only_problem(publicAccessCidrs=[]).startswith("eks-variants:publicAccessCidrs: list should have at least 1 item")


def test_public_access_cidrs_not_on_private_stacks():
    assert only_problem(endpointAccess="private", publicAccessCidrs=["0.0.0.0/0"]) == (
        "eks-variants:publicAccessCidrs: a 'private' stack has no public API endpoint; remove it")


@pytest.mark.parametrize("plane", ["managed", "self-managed", "auto"])
def test_public_stack_with_nodes_cannot_restrict_public_access(plane):
    assert problems(endpointAccess="public", dataPlane=plane, publicAccessCidrs=["0.0.0.0/0"]) == []
    problem = only_problem(endpointAccess="public", dataPlane=plane, publicAccessCidrs=["203.0.113.0/24"])
    assert problem.startswith("eks-variants:publicAccessCidrs: ['203.0.113.0/24'] would lock out the nodes")
    assert "use endpointAccess 'public-private'" in problem


def test_public_fargate_may_restrict_public_access():
    assert problems(endpointAccess="public", dataPlane="fargate", publicAccessCidrs=["203.0.113.0/24"]) == []


def test_nodes_instance_types():
    assert problems(nodes={"instanceTypes": ["m6i.large", "m6a.xlarge"]}) == []
    assert problems(nodes={"instanceTypes": ["m7g.large", "c7g.xlarge"]}) == []
    assert only_problem(nodes={"instanceTypes": []}).startswith("eks-variants:nodes.instanceTypes: list should have at least 1 item")
    assert "not EC2 instance type names: 'large'" in only_problem(nodes={"instanceTypes": ["large"]})


def test_node_instance_types_share_one_architecture():
    # One node group boots one AMI (managed: amiType; self-managed: the launch template's image).
    problem = only_problem(dataPlane="self-managed", nodes={"instanceTypes": ["m6i.large", "m7g.large"]})
    assert problem.startswith("eks-variants:nodes.instanceTypes: m6i.large, m7g.large mix x86_64 and arm64")


@pytest.mark.parametrize("sizes", [dict(minSize=0, desiredSize=0, maxSize=1), dict(minSize=3, desiredSize=3, maxSize=3),
                                   dict(minSize=1, desiredSize=2, maxSize=10)])
def test_node_sizes_valid(sizes):
    assert problems(nodes=sizes) == []


@pytest.mark.parametrize("sizes, expected", [
    (dict(minSize=5, desiredSize=5, maxSize=2), "eks-variants:nodes.minSize: 5 is larger than eks-variants:nodes.maxSize (2)"),
    (dict(minSize=2, desiredSize=1, maxSize=4), "eks-variants:nodes.desiredSize: 1 is smaller than eks-variants:nodes.minSize (2)"),
    (dict(minSize=1, desiredSize=9, maxSize=4), "eks-variants:nodes.desiredSize: 9 is larger than eks-variants:nodes.maxSize (4)"),
    (dict(minSize=0, desiredSize=0, maxSize=0), "eks-variants:nodes.maxSize: input should be greater than or equal to 1 (got 0)"),
    (dict(minSize=-1), "eks-variants:nodes.minSize: input should be greater than or equal to 0 (got -1)"),
])
def test_node_sizes_invalid(sizes, expected):
    assert only_problem(nodes=sizes) == expected


def test_node_disk_size_range():
    assert problems(nodes={"diskSizeGiB": 20}) == [] and problems(nodes={"diskSizeGiB": 16384}) == []
    assert only_problem(nodes={"diskSizeGiB": 19}) == "eks-variants:nodes.diskSizeGiB: input should be greater than or equal to 20 (got 19)"
    assert only_problem(nodes={"diskSizeGiB": 16385}).startswith("eks-variants:nodes.diskSizeGiB: input should be less than or equal to 16384")


def test_nodes_only_with_node_data_planes():
    assert only_problem(dataPlane="fargate", nodes={"minSize": 1}) == (
        "eks-variants:nodes: not used with dataPlane 'fargate' (Fargate runs pods, not nodes); remove it")


def test_fargate_only_with_fargate_data_plane():
    assert problems(dataPlane="fargate", fargate={"namespaces": ["apps"]}) == []
    assert only_problem(fargate={"namespaces": ["apps"]}) == (
        "eks-variants:fargate: only used with dataPlane 'fargate', this stack has 'managed'; remove it")


@pytest.mark.parametrize("namespaces, fragment", [
    (["Apps"], "not DNS-1123 labels: 'Apps'"),
    (["my_ns"], "not DNS-1123 labels: 'my_ns'"),
    (["a" * 64], "not DNS-1123 labels"),
    (["apps", "apps"], "duplicate namespaces: apps"),
    (["a", "b", "c", "d", "e", "f"], "at most 5 namespace selectors, got 6"),
])
def test_fargate_namespaces_invalid(namespaces, fragment):
    problem = only_problem(dataPlane="fargate", fargate={"namespaces": namespaces})
    assert problem.startswith("eks-variants:fargate.namespaces:") and fragment in problem


def test_private_link_extra_services():
    assert problems(privateLink={"extraServices": ["logs", "eks-auth", "elasticloadbalancing"]}) == []
    settings = validate({**BASE, "privateLink": {"extraServices": ["logs"]}})
    assert settings.privatelink_enabled and settings.privatelink_services == ["ec2", "ecr.api", "ecr.dkr", "sts", "logs"]
    assert "duplicate services: logs" in only_problem(privateLink={"extraServices": ["logs", "logs"]})
    assert "ecr.dkr, s3 already in the baseline" in only_problem(privateLink={"extraServices": ["s3", "ecr.dkr"]})
    assert "not short service names: 'com.amazonaws.eu-west-1.logs'" in only_problem(
        privateLink={"extraServices": ["com.amazonaws.eu-west-1.logs"]})


def test_private_link_cannot_be_disabled_on_private_stacks():
    assert validate({**BASE, "endpointAccess": "private"}).privatelink_enabled is True
    assert only_problem(endpointAccess="private", privateLink={"enabled": False}).startswith(
        "eks-variants:privateLink.enabled: a 'private' cluster needs its VPC endpoints")


def test_cluster_log_types_subset():
    assert problems(clusterLogTypes=["api", "audit", "authenticator", "controllerManager", "scheduler"]) == []
    assert problems(clusterLogTypes=[]) == []
    assert only_problem(clusterLogTypes=["api", "kubelet"]).startswith("eks-variants:clusterLogTypes: unknown log types 'kubelet'")


def test_secrets_encryption_boolean():
    assert validate({**BASE, "secretsEncryption": False}).secrets_encryption is False
    assert only_problem(secretsEncryption="maybe").startswith("eks-variants:secretsEncryption: input should be a valid boolean")


def test_tags():
    assert problems(tags={"team": "platform", "cost-center": "1001"}) == []
    assert "reserved prefix 'aws:'" in only_problem(tags={"aws:owner": "me"})
    assert only_problem(tags={"team": [5]}).startswith("eks-variants:tags.team: input should be a valid string")


def test_scalar_tag_values_are_the_text_pulumi_config_set_was_given():
    """`pulumi config set --path eks-variants:tags.cost-center 1234` writes a YAML number (true/false a boolean);
    EC2 tag values are text (tests/conformance/test_config_cli.py runs the real CLI)."""
    assert problems(tags={"cost-center": 1234, "on-call": True, "ratio": 0.5}) == []


@pytest.mark.parametrize("raw_key, suggestion", [
    ("endpointAcess", "endpointAccess"), ("vpcCIDR", "vpcCidr"), ("natGateway", "natGateways")])
def test_unknown_top_level_key_suggests_the_known_one(raw_key, suggestion):
    assert only_problem(**{raw_key: "x"}) == f"unknown key `eks-variants:{raw_key}`; did you mean `{suggestion}`?"


def test_unknown_nested_key_suggests_the_known_one():
    assert only_problem(nodes={"minsize": 1}) == "unknown key `eks-variants:nodes.minsize`; did you mean `minSize`?"


def test_all_problems_are_reported_together():
    found = problems(endpointAccess="private", natGateways="single", vpcCidr="10.0.0.0/8",
                     nodes={"minSize": 3, "maxSize": 1}, clusterLogTypes=["x"], colour="blue")
    paths = sorted(p.split(":", 2)[1].split(":")[0] if not p.startswith("unknown") else "unknown" for p in found)
    assert paths == sorted(["natGateways", "vpcCidr", "nodes.minSize", "clusterLogTypes", "unknown"])


@pytest.fixture
def registrations(monkeypatch) -> list[str]:
    """Types of the resources the program registers (the root stack excluded)."""
    seen: list[str] = []
    original = RecordingMonitor.RegisterResource

    def counting(self, request):
        if request.type != "pulumi:pulumi:Stack":
            seen.append(request.type)
        return original(self, request)

    monkeypatch.setattr(RecordingMonitor, "RegisterResource", counting)
    return seen


def test_program_reports_config_errors_before_registering_anything(registrations):
    config = {"aws:region": "eu-west-1", "eks-variants:endpointAccess": "private",
              "eks-variants:dataPlane": "managed", "eks-variants:natGateways": "single",
              "eks-variants:nodes": {"minSize": 4, "maxSize": 2}}
    with pytest.raises(InputError) as caught:
        harness.run_program(config)
    assert sorted(caught.value.problems) == [
        "eks-variants:natGateways: a 'private' stack has no internet gateway and no NAT gateways; remove it",
        "eks-variants:nodes.minSize: 4 is larger than eks-variants:nodes.maxSize (2)",
    ]
    assert registrations == []
    harness.run_program({**config, "eks-variants:endpointAccess": "public-private", "eks-variants:nodes": {}})
    assert "eks:index:Cluster" in registrations  # the counter sees a valid run's resources


def test_program_requires_the_region():
    with pytest.raises(InputError) as caught:
        harness.run_program({"eks-variants:endpointAccess": "public", "eks-variants:dataPlane": "managed"})
    assert caught.value.problems == ["aws:region: required but not set (e.g. `pulumi config set aws:region eu-west-1`)"]


def test_program_rejects_structured_value_given_as_text():
    config = {"aws:region": "eu-west-1", "eks-variants:endpointAccess": "public",
              "eks-variants:dataPlane": "managed", "eks-variants:publicAccessCidrs": "0.0.0.0/0"}
    with pytest.raises(InputError) as caught:
        harness.run_program(config)
    assert caught.value.problems == ["eks-variants:publicAccessCidrs: expected a list, got the text '0.0.0.0/0'"]


def test_program_reports_too_few_zones_in_the_region():
    config = {"aws:region": "eu-west-1", "eks-variants:endpointAccess": "public",
              "eks-variants:dataPlane": "managed", "eks-variants:availabilityZones": 4}
    with pytest.raises(InputError) as caught:
        harness.run_program(config)
    assert caught.value.problems == [
        "eks-variants:availabilityZones: 4 requested but eu-west-1 offers 3 zones EKS accepts "
        "(euw1-az1, euw1-az2, euw1-az3)"]


def test_interface_endpoints_must_fit_the_endpoint_subnets():
    # One address per interface endpoint in each endpoint-tier subnet; AWS keeps 5 per subnet.
    eight = ["logs", "eks-auth", "ssm", "ssmmessages", "ec2messages", "autoscaling", "elasticloadbalancing", "kms"]
    base = {"endpointAccess": "private", "dataPlane": "managed", "vpcCidr": "10.0.0.0/22"}
    validate({**base, "privateLink": {"extraServices": eight[:7]}})  # 11 endpoints in /28 subnets: fit
    with pytest.raises(StackConfigError) as caught:
        validate({**base, "privateLink": {"extraServices": eight}})
    assert caught.value.problems == [
        "eks-variants:privateLink.extraServices: 12 interface endpoints do not fit the endpoint subnets of a "
        "/22 VPC (11 usable addresses each); list fewer or use a larger eks-variants:vpcCidr"]


@pytest.mark.parametrize("key", ["minSize", "desiredSize", "maxSize", "diskSizeGiB"])
def test_a_boolean_is_not_a_count(key):
    # YAML `desiredSize: true` is a boolean; pydantic's lax mode would have read it as 1 (contracts §2:
    # integers). The CLI hands a nested object over as JSON, so the program is the one to refuse it.
    assert only_problem(nodes={key: True}) == f"eks-variants:nodes.{key}: expected a whole number, got the boolean true"


def test_a_boolean_is_not_a_zone_count():
    assert only_problem(availabilityZones=False) == (
        "eks-variants:availabilityZones: expected a whole number, got the boolean false")
