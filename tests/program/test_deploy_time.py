"""Deploy-time defects that every offline check used to pass (issue 9): each test names the AWS or
pulumi-eks rule it rests on and fails on the program before the fix."""

from __future__ import annotations

import json

import pytest

from stack_config.availability_zones import EKS_UNSUPPORTED_ZONE_IDS
from stack_config.kubernetes_versions import PINS, SUPPORTED_VERSIONS, ami_parameter
from tests.program.harness import Run, run_program, stack_config

NODE_STACKS = ["public-managed", "public-private-self-managed", "private-managed", "private-self-managed"]
FARGATE_STACKS = ["public-fargate", "public-private-fargate", "private-fargate"]
ALL_STACKS = sorted(NODE_STACKS + FARGATE_STACKS + ["public-self-managed", "public-private-managed"])
ADDON = "aws:eks/addon:Addon"


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    return {stack: run_program(stack_config(stack), stack=stack) for stack in ALL_STACKS}


@pytest.mark.parametrize("stack", FARGATE_STACKS)
def test_fargate_profile_name_avoids_the_reserved_eks_prefix(runs, stack):
    # CreateFargateProfile: "The fargate profile name starts with the reserved prefix: 'eks-'"
    # (pulumi/pulumi-eks#426). Unset, pulumi-aws would auto-name it `eks-<7 hex>` from the resource name.
    (profile,) = runs[stack].of_type("aws:eks/fargateProfile:FargateProfile")
    name = profile.inputs["fargateProfileName"]
    assert name == "fargate-pods" and not name.startswith("eks-")


@pytest.mark.parametrize("stack", ["public-managed", "private-managed"])
def test_managed_node_group_name_is_a_valid_prefix(runs, stack):
    # EKS CreateNodegroup: 1-63 letters, digits, - and _; pulumi-aws appends 26 characters to a prefix.
    group = runs[stack].one("eks:index:ManagedNodeGroup")
    prefix = group.inputs["nodeGroupNamePrefix"]
    assert prefix == "nodes-" and len(prefix) + 26 <= 63


def test_launch_template_auto_name_fits_the_ec2_rules(runs):
    # EC2 CreateLaunchTemplate: LaunchTemplateName 3-128 characters of [a-zA-Z0-9().\-/_];
    # pulumi-aws auto-names `<resource name>-<7 hex>`, recorded by preflight as Check fills it in.
    import re

    template = runs["private-managed"].one("aws:ec2/launchTemplate:LaunchTemplate")
    assert "namePrefix" not in template.inputs
    generated = template.inputs["name"]
    assert re.fullmatch(re.escape(template.name) + r"-[0-9a-f]{7}", generated)
    assert re.fullmatch(r"[a-zA-Z0-9().\-/_]{3,128}", generated)


def test_iam_role_auto_names_fit_the_64_character_limit(runs):
    # IAM: role names are at most 64 characters; pulumi-aws auto-names `<resource name>-<7 hex>`.
    roles = [r for run in runs.values() for r in run.of_type("aws:iam/role:Role")]
    assert roles and all(r.inputs["name"].startswith(r.name + "-") and len(r.inputs["name"]) <= 64
                         for r in roles)


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_subnets_are_placed_by_zone_id_never_in_a_zone_eks_refuses(runs, stack):
    # EKS User Guide, network-reqs: no cluster subnets in use1-az3, usw1-az2, cac1-az3.
    run = runs[stack]
    zone_ids = {s.inputs["availabilityZoneId"] for s in run.of_type("aws:ec2/subnet:Subnet")}
    assert zone_ids and not zone_ids & EKS_UNSUPPORTED_ZONE_IDS
    assert all("availabilityZone" not in s.inputs for s in run.of_type("aws:ec2/subnet:Subnet"))


def test_zones_are_the_lowest_ids_eks_accepts_not_the_first_names():
    # preflight's us-east-1 account maps us-east-1b to use1-az3: picking names a-c would take it.
    config = {**stack_config("public-managed"), "aws:region": "us-east-1"}
    run = run_program(config, stack="x", preview=False)
    private_or_public = sorted(s.inputs["availabilityZoneId"] for s in run.of_type("aws:ec2/subnet:Subnet"))
    assert private_or_public == ["use1-az1", "use1-az2", "use1-az4"]
    (root,) = [r for r in run.stack.resources if r.type == "pulumi:pulumi:Stack"]
    assert root.outputs["availabilityZoneIds"] == ["use1-az1", "use1-az2", "use1-az4"]


def test_ca_central_1_skips_cac1_az3():
    # preflight's ca-central-1 account still has cac1-az3 (ca-central-1c), as older accounts do.
    run = run_program(stack_config("private-fargate"), stack="pf")
    assert sorted({s.inputs["availabilityZoneId"] for s in run.of_type("aws:ec2/subnet:Subnet")}) == [
        "cac1-az1", "cac1-az2", "cac1-az4"]


def test_pinned_zone_ids_keep_their_order_and_cidrs():
    # Position i of every tier belongs to the i-th pinned zone (components/subnet_plan.py).
    config = {**stack_config("private-managed"), "eks-variants:availabilityZoneIds": ["euw1-az3", "euw1-az1"]}
    run = run_program(config, stack="x")  # the pinned list decides the count (3 in the stack file)
    cidr_by_zone = {s.inputs["availabilityZoneId"]: s.inputs["cidrBlock"] for s in run.of_type("aws:ec2/subnet:Subnet")
                    if "-private-" in s.inputs["tags"]["Name"]}
    vpc = config["eks-variants:vpcCidr"]
    assert vpc == "10.30.0.0/16"
    assert cidr_by_zone == {"euw1-az3": "10.30.0.0/20", "euw1-az1": "10.30.16.0/20"}


def test_pinned_zone_outside_the_region_is_reported_with_the_offered_ids():
    from preflight.errors import InputError

    config = {**stack_config("private-managed"), "eks-variants:availabilityZoneIds": ["euw1-az1", "use1-az1"]}
    with pytest.raises(InputError) as caught:
        run_program(config, stack="x")
    assert caught.value.problems == [
        "eks-variants:availabilityZoneIds: use1-az1 not offered in eu-west-1 (offered: euw1-az1, euw1-az2, euw1-az3)"]


def _subnet_cidrs(run: Run) -> dict[str, str]:
    return {s.urn: s.inputs["cidrBlock"] for s in run.of_type("aws:ec2/subnet:Subnet")}


@pytest.mark.parametrize("stack,other_mode", [
    ("public-private-managed", "private"), ("private-managed", "public-private"),
    ("public-managed", "public-private"), ("public-private-fargate", "public"),
])
def test_changing_endpoint_access_keeps_the_cidrs_of_subnets_both_layouts_have(stack, other_mode):
    # A subnet's CIDR cannot change in place; a new subnet taking an old CIDR collides with it during
    # create-before-delete. Same stack name, so the same subnet has the same URN in both plans.
    config = stack_config(stack)
    other = {**config, "eks-variants:endpointAccess": other_mode}
    for key in ("eks-variants:publicAccessCidrs", "eks-variants:natGateways"):
        if other_mode == "private" or (other_mode == "public" and key == "eks-variants:natGateways"
                                        and config["eks-variants:dataPlane"] != "fargate"):
            other.pop(key, None)
    before, after = _subnet_cidrs(run_program(config, stack="s")), _subnet_cidrs(run_program(other, stack="s"))
    shared = set(before) & set(after)
    assert shared, "the two layouts share subnets"
    assert {urn: before[urn] for urn in shared} == {urn: after[urn] for urn in shared}
    # and a subnet that only one layout has never takes a CIDR the other layout gives another subnet
    assert not ({before[u] for u in set(before) - shared} & {after[u] for u in set(after) - shared})


@pytest.mark.parametrize("stack", NODE_STACKS)
def test_node_stacks_get_a_pinned_managed_coredns_after_their_nodes(runs, stack):
    # pulumi-eks cluster.ts: "We can only enable the coredns addon if we have a node group"; with
    # skipDefaultNodeGroup it made none, leaving the unmanaged bootstrap copy.
    run = runs[stack]
    (addon,) = [a for a in run.of_type(ADDON) if a.inputs["addonName"] == "coredns"]  # beside EBS CSI, Pod Identity
    assert addon.inputs["addonVersion"] == PINS["1.36"].coredns
    assert "configurationValues" not in addon.inputs
    group = next(r for r in run.registrations if r.type in ("eks:index:ManagedNodeGroup", "aws:autoscaling/group:Group"))
    assert group.urn in addon.dependencies
    assert run.one("eks:index:Cluster").inputs["corednsAddonOptions"]["enabled"] is False


@pytest.mark.parametrize("stack", FARGATE_STACKS)
def test_fargate_coredns_keeps_compute_type_fargate_and_its_pin(runs, stack):
    (addon,) = runs[stack].of_type(ADDON)
    assert json.loads(addon.inputs["configurationValues"]) == {"computeType": "Fargate"}
    assert addon.inputs["addonVersion"] == PINS["1.36"].coredns


@pytest.mark.parametrize("stack", ["public-managed", "private-managed"])
def test_managed_node_groups_leave_the_desired_size_to_the_autoscaler(runs, stack):
    # pulumi-eks nodegroup.ts: ignoreScalingChanges -> ignoreChanges on desired size, so `pulumi up`
    # does not reset what Cluster Autoscaler / Karpenter chose. (The self-managed Auto Scaling group
    # has ignore_changes on desiredCapacity, a resource option preflight does not record.)
    assert runs[stack].one("eks:index:ManagedNodeGroup").inputs["ignoreScalingChanges"] is True


def test_self_managed_nodes_tag_the_asg_and_what_it_launches(runs):
    # AWS provider default_tags do not reach Auto Scaling groups or the instances they launch.
    run = runs["private-self-managed"]
    group = run.one("aws:autoscaling/group:Group")
    provider_tags = json.loads(run.one("pulumi:providers:aws").inputs["defaultTags"])["tags"]
    propagated = {t["key"]: t["value"] for t in group.inputs["tags"] if t["propagateAtLaunch"]}
    assert provider_tags.items() <= propagated.items()
    specs = run.one("aws:ec2/launchTemplate:LaunchTemplate").inputs["tagSpecifications"]
    assert sorted(s["resourceType"] for s in specs) == ["instance", "network-interface", "volume"]
    assert all(provider_tags.items() <= s["tags"].items() for s in specs)
    assert provider_tags["eks-variants/variant"] == "private-self-managed"


def test_managed_nodes_launch_template_tags_and_imds_hop_limit_1(runs):
    run = runs["public-private-managed"]
    template = run.one("aws:ec2/launchTemplate:LaunchTemplate")
    provider_tags = json.loads(run.one("pulumi:providers:aws").inputs["defaultTags"])["tags"]
    assert {s["resourceType"]: s["tags"] for s in template.inputs["tagSpecifications"]} == {
        "instance": provider_tags, "volume": provider_tags, "network-interface": provider_tags}
    # EKS Best Practices (security): hop limit 1 keeps pods off the node role's credentials.
    assert template.inputs["metadataOptions"] == {
        "httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}
    assert template.inputs["blockDeviceMappings"][0]["ebs"]["encrypted"] == "true"


@pytest.mark.parametrize("stack,kind", [
    ("private-managed", "eks:index:ManagedNodeGroup"), ("private-self-managed", "aws:autoscaling/group:Group"),
    ("private-fargate", "aws:eks/fargateProfile:FargateProfile"),
])
def test_data_plane_depends_on_its_role_policy_attachments(runs, stack, kind):
    run = runs[stack]
    (group,) = run.of_type(kind)
    # The data plane role's attachments (the add-ons' Pod Identity roles have their own).
    attachments = {a.urn for a in run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                   if "$eks-variants:addons:" not in a.urn}
    assert len(attachments) >= 1 and attachments <= set(group.dependencies)


@pytest.mark.parametrize("protect", [True, False])
def test_deletion_protection_protects_cluster_and_key(protect):
    config = stack_config("public-managed")
    if not protect:
        config = {**config, "eks-variants:deletionProtection": "false"}  # as `pulumi config set` writes it
    run = run_program(config, stack="x")
    cluster, key = run.one("eks:index:Cluster"), run.one("aws:kms/key:Key")
    assert cluster.inputs["deletionProtection"] is protect
    assert cluster.protect is protect and key.protect is protect
    assert not any(r.protect for r in run.registrations if r.urn not in (cluster.urn, key.urn))


def test_addons_and_ami_are_pinned_per_kubernetes_version():
    for version in ("1.32", "1.36"):
        config = {**stack_config("private-self-managed"), "eks-variants:kubernetesVersion": version}
        run = run_program(config, stack="x", preview=False)
        cluster = run.one("eks:index:Cluster")
        assert cluster.inputs["kubeProxyAddonOptions"]["version"] == PINS[version].kube_proxy
        assert cluster.inputs["vpcCniOptions"]["addonVersion"] == PINS[version].vpc_cni
        template = run.one("aws:ec2/launchTemplate:LaunchTemplate")
        assert template.inputs["imageId"].startswith("ami-0")
        assert ami_parameter(version).endswith(f"standard-{version}-{PINS[version].ami_release}/image_id")
        assert "recommended" not in ami_parameter(version)


def test_every_supported_version_has_pins():
    assert set(PINS) == set(SUPPORTED_VERSIONS)


@pytest.mark.parametrize("stack", ALL_STACKS)
def test_stack_files_pin_kubernetes_version(stack):
    assert stack_config(stack)["eks-variants:kubernetesVersion"] in SUPPORTED_VERSIONS


@pytest.mark.parametrize("stack", ["private-self-managed", "public-fargate"])
def test_invokes_go_through_the_stacks_provider(runs, stack):
    # The explicit provider carries the stack's region (and, deployed, its credentials settings); an
    # invoke without it would use the default provider.
    run = runs[stack]
    provider = run.one("pulumi:providers:aws")
    tokens = {token for token, _ in run.stack.invokes}
    assert {"aws:index/getAvailabilityZones:getAvailabilityZones", "aws:index/getPartition:getPartition",
            "aws:index/getCallerIdentity:getCallerIdentity"} <= tokens
    assert all(ref.startswith(provider.urn + "::") for _, ref in run.stack.invokes)
    if stack == "private-self-managed":
        assert "aws:ssm/getParameter:getParameter" in tokens
