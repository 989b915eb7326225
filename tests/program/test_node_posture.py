"""One node posture on every EC2 data plane, for the twelve reference stacks and for the team stack
`new-stack` writes for each variant (issue 18, items 3-6):

- every node launch template requires IMDSv2 with hop limit 1 (EKS Best Practices, security: "Restrict
  access to the instance profile assigned to the worker node"; CKV_AWS_341), self-managed groups included
  (pulumi-eks NodeGroupV2 has no metadataOptions input, so no self-managed group uses it);
- every self-managed Auto Scaling group has a rolling instance refresh and takes its launch template's
  latest version, so a new template version (AMI or Kubernetes bump) replaces running nodes (pulumi-aws
  autoscaling.Group, instance_refresh: a refresh starts on a change of mixed_instances_policy; "$Latest"
  would start none);
- every self-managed Auto Scaling group carries Cluster Autoscaler's discovery tags
  (kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md, auto-discovery);
- AmazonSSMManagedInstanceCore is on a node role only where the SSM agent can reach SSM (internet egress,
  or the ssm, ssmmessages and ec2messages endpoints; AWS Systems Manager User Guide, setup-create-vpc).
"""
from __future__ import annotations

import pytest

from stack_config.schema import SESSION_MANAGER_SERVICES
from tests.program.harness import Run, every_stack_config, run_program

LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
ASG = "aws:autoscaling/group:Group"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
SSM_POLICY = "AmazonSSMManagedInstanceCore"


@pytest.fixture(scope="module")
def stacks(tmp_path_factory) -> dict[str, tuple[dict, Run]]:
    configs = every_stack_config(tmp_path_factory.mktemp("project"))
    return {name: (config, run_program(config, stack=name)) for name, config in configs.items()}


def plane(config: dict) -> str:
    return config["eks-variants:dataPlane"]


def test_the_set_covers_every_variant_twice(stacks):
    variants = [f"{c['eks-variants:endpointAccess']}-{plane(c)}" for c, _ in stacks.values()]
    assert len(stacks) == 24 and all(variants.count(v) == 2 for v in set(variants))


def test_every_node_launch_template_requires_imdsv2_with_hop_limit_1(stacks):
    for name, (config, run) in stacks.items():
        templates = run.of_type(LAUNCH_TEMPLATE)
        assert len(templates) == (1 if plane(config) in ("managed", "self-managed") else 0), name
        for template in templates:
            assert template.inputs["metadataOptions"] == {
                "httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}, name
        assert run.of_type("eks:index:NodeGroupV2") == [], name


def test_every_self_managed_group_rolls_its_nodes_on_a_new_template_version(stacks):
    checked = 0
    for name, (config, run) in stacks.items():
        groups = run.of_type(ASG)
        assert len(groups) == (1 if plane(config) == "self-managed" else 0), name
        for group in groups:
            refresh = group.inputs["instanceRefresh"]
            assert refresh["strategy"] == "Rolling", name
            prefs = refresh["preferences"]
            # Launch before terminate: the group never drops below its desired size during the refresh.
            assert prefs["minHealthyPercentage"] == 100 and 100 < prefs["maxHealthyPercentage"] <= 200, name
            spec = group.inputs["mixedInstancesPolicy"]["launchTemplate"]["launchTemplateSpecification"]
            assert spec.get("version") != "$Latest", name  # "$Latest" starts no refresh
            template = run.one(LAUNCH_TEMPLATE)
            assert template.urn in group.property_dependencies["mixedInstancesPolicy"], name
            assert template.inputs["updateDefaultVersion"] is True, name
            checked += 1
    assert checked == 6


def test_every_self_managed_group_is_discoverable_by_cluster_autoscaler(stacks):
    checked = 0
    for name, (config, run) in stacks.items():
        for group in run.of_type(ASG):
            cluster = f"eks-variants-{name}"
            tags = {t["key"]: t["value"] for t in group.inputs["tags"]}
            assert tags["k8s.io/cluster-autoscaler/enabled"] == "true", name
            assert tags[f"k8s.io/cluster-autoscaler/{cluster}"] == "owned", name
            assert tags[f"kubernetes.io/cluster/{cluster}"] == "owned", name
            checked += 1
    assert checked == 6


def ssm_reachable(config: dict) -> bool:
    if config["eks-variants:endpointAccess"] != "private":
        return True
    extra = (config.get("eks-variants:privateLink") or {}).get("extraServices", [])
    return set(SESSION_MANAGER_SERVICES) <= set(extra)


def node_role_policies(run: Run) -> set[str]:
    return {a.inputs["policyArn"].rsplit("/", 1)[-1] for a in run.of_type(ATTACHMENT) if "-node-" in a.name}


def test_session_manager_policy_only_where_ssm_is_reachable(stacks):
    seen = set()
    for name, (config, run) in stacks.items():
        if plane(config) not in ("managed", "self-managed"):
            assert SSM_POLICY not in node_role_policies(run), name
            continue
        policies = node_role_policies(run)
        assert {"AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy"} <= policies, name
        assert (SSM_POLICY in policies) is ssm_reachable(config), name
        seen.add(ssm_reachable(config))
    assert seen == {True, False}


@pytest.mark.parametrize("stack", ["private-managed", "private-self-managed"])
def test_session_manager_on_a_private_stack_with_its_endpoints(stack):
    from tests.program.harness import stack_config

    config = stack_config(stack)
    extra = [*(config.get("eks-variants:privateLink") or {}).get("extraServices", []), *SESSION_MANAGER_SERVICES]
    config = {**config, "eks-variants:privateLink": {"extraServices": sorted(set(extra))}}
    assert SSM_POLICY in node_role_policies(run_program(config, stack=stack))
    config["eks-variants:nodes"] = {**config["eks-variants:nodes"], "sessionManager": False}
    assert SSM_POLICY not in node_role_policies(run_program(config, stack=stack))


def test_session_manager_true_without_its_endpoints_is_refused():
    from stack_config import StackConfigError, validate

    raw = {"endpointAccess": "private", "dataPlane": "managed", "nodes": {"sessionManager": True},
           "privateLink": {"extraServices": ["ssm"]}}
    with pytest.raises(StackConfigError) as exc:
        validate(raw)
    (problem,) = exc.value.problems
    assert problem.startswith("eks-variants:nodes.sessionManager: ") and "ssmmessages, ec2messages" in problem


def test_managed_node_groups_follow_the_cluster_version(stacks):
    # Left unset, an EKS node group keeps the version it was created with; set to the cluster's, a
    # kubernetesVersion bump updates it and EKS replaces its nodes (EKS User Guide, update-managed-node-group).
    checked = 0
    for name, (config, run) in stacks.items():
        for group in run.of_type("eks:index:ManagedNodeGroup"):
            assert group.inputs["version"] == config["eks-variants:kubernetesVersion"], name
            assert run.one("eks:index:Cluster").inputs["version"] == group.inputs["version"], name
            checked += 1
    assert checked == 6
