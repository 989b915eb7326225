"""dataPlane auto: what the three Auto Mode stacks register under mocks at preview.

pulumi-eks is a remote component: under mocks its children (the raw aws:eks/cluster:Cluster with
computeConfig, storageConfig and kubernetesNetworkConfig) are not registered, so these tests assert the
`autoMode` input pulumi-eks expands (nodejs/eks/cluster/cluster.ts: computeConfig {enabled, nodePools,
nodeRoleArn}, storageConfig.blockStorage.enabled and kubernetesNetworkConfig.elasticLoadBalancing.enabled
from autoMode.enabled, bootstrapSelfManagedAddons false) and the subnets the cluster is given.
"""

from __future__ import annotations

import json

import pytest

from tests.program.harness import run_program, stack_config

CLUSTER = "eks:index:Cluster"
SUBNET = "aws:ec2/subnet:Subnet"
ROLE = "aws:iam/role:Role"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"

AUTO_STACKS = ("public-auto", "public-private-auto", "private-auto")


@pytest.fixture(scope="module", params=AUTO_STACKS)
def auto(request):
    stack = request.param
    return stack, run_program(stack_config(stack), stack=stack)


def cluster_subnets(run, cluster) -> list:
    urns = [u for key in ("publicSubnetIds", "privateSubnetIds") for u in cluster.property_dependencies.get(key, [])]
    return [run.by_urn(u) for u in urns if run.by_urn(u).type == SUBNET]


def test_auto_mode_is_on_with_the_built_in_node_pools(auto):
    _, run = auto
    cluster = run.one(CLUSTER)
    mode = cluster.inputs["autoMode"]
    # EKS User Guide, set-builtin-node-pools: general-purpose and system on the default NodeClass.
    assert mode["enabled"] is True
    assert mode["computeConfig"]["enabled"] is True
    assert mode["computeConfig"]["nodePools"] == ["general-purpose", "system"]
    # Auto Mode needs access entries (authentication mode API or API_AND_CONFIG_MAP).
    assert cluster.inputs["authenticationMode"] == "API"
    # Cluster DNS is part of Auto Mode (EKS User Guide, automode): no CoreDNS add-on from pulumi-eks.
    assert cluster.inputs["corednsAddonOptions"]["enabled"] is False


def test_auto_mode_node_role_is_built_here_with_the_documented_policies(auto):
    _, run = auto
    cluster = run.one(CLUSTER)
    assert cluster.inputs["autoMode"]["createNodeRole"] is False
    deps = set(cluster.property_dependencies["autoMode"])
    (role,) = [run.by_urn(u) for u in deps if run.by_urn(u).type == ROLE]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    attachments = [a for a in run.of_type(ATTACHMENT) if role.urn in a.property_dependencies["role"]]
    # EKS User Guide, create-auto / auto-learn-iam: the Auto Mode node role's managed policies.
    assert {a.inputs["policyArn"].rsplit("/", 1)[-1] for a in attachments} == {
        "AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"}
    # The cluster (which launches the nodes) takes the role only once its policies are attached.
    assert {a.urn for a in attachments} <= deps


def test_auto_mode_nodes_land_in_private_subnets_when_the_private_endpoint_is_on(auto):
    stack, run = auto
    cluster = run.one(CLUSTER)
    subnets = cluster_subnets(run, cluster)
    assert len(subnets) == 3
    if stack == "public-auto":
        # Public endpoint only: nodes in the public subnets with auto-assigned public IPs (no NAT).
        assert "privateSubnetIds" not in cluster.inputs
        assert all(s.inputs["mapPublicIpOnLaunch"] is True for s in subnets)
    else:
        # eksctl docs (auto-mode): with public subnets among the cluster subnets Auto Mode launches nodes
        # there; the cluster is given the private subnets only.
        assert "publicSubnetIds" not in cluster.inputs
        assert all(s.inputs["mapPublicIpOnLaunch"] is False for s in subnets)
        public = [s for s in run.of_type(SUBNET) if s.inputs["mapPublicIpOnLaunch"]]
        assert len(public) == (3 if stack == "public-private-auto" else 0)


def test_isolated_auto_mode_cluster_comes_after_every_endpoint_it_needs():
    run = run_program(stack_config("private-auto"), stack="private-auto")
    cluster = run.one(CLUSTER)
    endpoints = {e.inputs["serviceName"].split(".", 3)[-1]: e.urn for e in run.of_type(ENDPOINT)}
    # EKS User Guide, private-clusters: ECR + S3 for images, STS, EKS Auth for the (built-in) Pod Identity
    # agent; EC2 is in the baseline; logs is listed by the stack.
    assert set(endpoints) == {"ec2", "ecr.api", "ecr.dkr", "sts", "eks-auth", "logs", "s3"}
    assert set(endpoints.values()) <= set(cluster.property_dependencies["privateSubnetIds"])


def test_auto_mode_installs_no_addons_it_has_built_in(auto):
    _, run = auto
    # EKS User Guide, automode: EBS CSI storage and the Pod Identity agent are built in.
    assert run.of_type("aws:eks/addon:Addon") == []
    assert run.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation") == []
    assert run.of_type("eks:index:ManagedNodeGroup") == []
    assert run.of_type("aws:autoscaling/group:Group") == []
