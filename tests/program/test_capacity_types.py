"""nodes.capacityType and several instance types: managed node groups take capacityType; self-managed
nodes on Spot or on several types get a launch template and an Auto Scaling group with a mixed-instances
policy (EC2 Auto Scaling User Guide, ec2-auto-scaling-mixed-instances-groups)."""

from __future__ import annotations

import pytest
import yaml

from components.mixed_instances import nodeadm_user_data
from preflight.program.invokes import ami_id
from stack_config.kubernetes_versions import PINS, ami_parameter
from tests.program.harness import run_program, stack_config

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
SUBNET = "aws:ec2/subnet:Subnet"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"


def with_nodes(stack: str, **nodes) -> dict:
    config = stack_config(stack)
    return {**config, "eks-variants:nodes": {**config["eks-variants:nodes"], **nodes}}


@pytest.mark.parametrize("capacity, expected", [("spot", "SPOT"), ("on-demand", "ON_DEMAND")])
def test_managed_node_group_capacity_type(capacity, expected):
    run = run_program(with_nodes("public-private-managed", capacityType=capacity), stack="ppm")
    assert run.one("eks:index:ManagedNodeGroup").inputs["capacityType"] == expected


def test_one_on_demand_type_is_a_one_override_group_on_our_launch_template():
    # pulumi-eks NodeGroupV2 has no metadataOptions input (hop limit 2) and no instance refresh, so every
    # self-managed group is a launch template and an Auto Scaling group of ours.
    run = run_program(stack_config("private-self-managed"), stack="psm")
    group = run.one(ASG)
    policy = group.inputs["mixedInstancesPolicy"]
    assert [o["instanceType"] for o in policy["launchTemplate"]["overrides"]] == ["m6i.large"]
    assert policy["instancesDistribution"]["onDemandPercentageAboveBaseCapacity"] == 100
    assert group.inputs["capacityRebalance"] is False
    assert run.one(LAUNCH_TEMPLATE).inputs["metadataOptions"]["httpPutResponseHopLimit"] == 1


@pytest.fixture(scope="module")
def private_spot_mix():
    config = with_nodes("private-self-managed", instanceTypes=["m6i.large", "m6a.large", "m5.large"],
                        capacityType="spot")
    return run_program({**config, "eks-variants:tags": {"team": "platform"}}, stack="private-self-managed")


def test_spot_and_several_types_record_a_mixed_instances_group(private_spot_mix):
    run = private_spot_mix
    group = run.one(ASG)
    policy = group.inputs["mixedInstancesPolicy"]
    assert [o["instanceType"] for o in policy["launchTemplate"]["overrides"]] == ["m6i.large", "m6a.large", "m5.large"]
    distribution = policy["instancesDistribution"]
    assert distribution["onDemandPercentageAboveBaseCapacity"] == 0 and distribution["onDemandBaseCapacity"] == 0
    assert distribution["spotAllocationStrategy"] == "price-capacity-optimized"
    assert group.inputs["capacityRebalance"] is True
    nodes = stack_config("private-self-managed")["eks-variants:nodes"]
    assert (group.inputs["minSize"], group.inputs["desiredCapacity"], group.inputs["maxSize"]) == (
        nodes["minSize"], nodes["desiredSize"], nodes["maxSize"])
    template = run.one(LAUNCH_TEMPLATE)
    spec = policy["launchTemplate"]["launchTemplateSpecification"]
    assert template.urn in group.property_dependencies["mixedInstancesPolicy"]
    assert "launchTemplateId" in spec


def test_mixed_group_follows_the_rules_the_pack_checks(private_spot_mix):
    run = private_spot_mix
    template = run.one(LAUNCH_TEMPLATE)
    # Private endpoint: no public IP on nodes.
    assert template.inputs["networkInterfaces"][0]["associatePublicIpAddress"] == "false"
    # IMDSv2 required, hop limit 1 as on managed nodes (components/node_launch.py).
    assert template.inputs["metadataOptions"] == {
        "httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}
    ebs = template.inputs["blockDeviceMappings"][0]["ebs"]
    assert (ebs["encrypted"], ebs["volumeType"]) == ("true", "gp3")
    # Node subnets: the private tier, through every endpoint (nodes never boot before PrivateLink).
    group = run.one(ASG)
    deps = set(group.property_dependencies["vpcZoneIdentifiers"])
    private = {s.urn for s in run.of_type(SUBNET) if s.inputs["tags"].get("kubernetes.io/role/internal-elb") == "1"}
    assert len(private) == 3
    assert {u for u in deps if run.by_urn(u).type == SUBNET} == private
    assert {e.urn for e in run.of_type(ENDPOINT)} <= deps
    # The node role's EC2_LINUX access entry exists before any node boots.
    assert run.one(ACCESS_ENTRY).urn in group.dependencies
    tags = {t["key"]: t for t in group.inputs["tags"]}
    assert tags["kubernetes.io/cluster/eks-variants-private-self-managed"]["propagateAtLaunch"] is True
    assert tags["team"]["value"] == "platform" and tags["team"]["propagateAtLaunch"] is True


def test_mixed_group_boots_from_the_clusters_endpoint_ca_and_service_cidr():
    config = with_nodes("public-private-self-managed", instanceTypes=["m6i.large", "m6a.large"])
    run = run_program(config, stack="public-private-self-managed")
    template = run.one(LAUNCH_TEMPLATE)
    cluster = run.one("eks:index:Cluster")
    assert cluster.urn in template.property_dependencies["userData"]
    assert cluster.urn in template.property_dependencies["networkInterfaces"]
    assert template.inputs["imageId"].startswith("ami-")  # the SSM parameter's AMI, answered at preview
    # On-Demand across several types: 100 % On-Demand, types tried in the order given.
    distribution = run.one(ASG).inputs["mixedInstancesPolicy"]["instancesDistribution"]
    assert distribution["onDemandPercentageAboveBaseCapacity"] == 100
    assert distribution["onDemandAllocationStrategy"] == "prioritized"


def test_nodeadm_user_data_is_the_al2023_node_config_pulumi_eks_writes():
    user_data = nodeadm_user_data("c1", "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "Q0E=", "172.20.0.0/16")
    assert user_data.startswith('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="BOUNDARY"')
    document = user_data.split("Content-Type: application/node.eks.aws\n\n", 1)[1].split("\n--BOUNDARY--")[0]
    assert yaml.safe_load(document) == {
        "apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig",
        "spec": {"cluster": {"name": "c1", "apiServerEndpoint": "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
                             "certificateAuthority": "Q0E=", "cidr": "172.20.0.0/16"}}}

def test_graviton_nodes_boot_the_arm64_ami_of_the_pinned_release():
    assert ami_parameter("1.36", arch="arm64").endswith(
        f"/1.36/amazon-linux-2023/arm64/standard/amazon-eks-node-al2023-arm64-standard-1.36-{PINS['1.36'].ami_release}/image_id")
    config = with_nodes("private-self-managed", instanceTypes=["m7g.large", "c7g.large"])
    run = run_program(config, stack="psm")
    # The mocks answer each SSM parameter name with its own AMI id: the template got the arm64 one.
    region = config["aws:region"]
    assert run.one(LAUNCH_TEMPLATE).inputs["imageId"] == ami_id(f"{region}:{ami_parameter('1.36', arch='arm64')}")
    one_graviton = run_program(with_nodes("private-self-managed", instanceTypes=["m7g.large"]), stack="psm")
    assert one_graviton.one(LAUNCH_TEMPLATE).inputs["imageId"] == ami_id(
        f"{region}:{ami_parameter('1.36', arch='arm64')}")


def test_public_mixed_group_asks_for_public_ips():
    config = with_nodes("public-self-managed", capacityType="spot")
    run = run_program(config, stack="public-self-managed")
    template = run.one(LAUNCH_TEMPLATE)
    assert template.inputs["networkInterfaces"][0]["associatePublicIpAddress"] == "true"
