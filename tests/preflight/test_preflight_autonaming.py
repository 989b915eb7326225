"""Auto-naming as pulumi-aws's Check applies it: the analyzer sees `<logical name>-<7 hex>` where the program
left a name unset (pulumi-aws provider/resources.go `setAutonaming`, resource_overrides.go `AutoName`;
pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go; the engine's `pulumi:autonaming` config)."""
import re
import textwrap

import pytest

from preflight.errors import InputError
from preflight.program.record import record_program
from preflight.sentinels import UNKNOWN_VALUE

REGION = {"aws:region": "eu-west-1"}
PROFILE = """
aws.eks.FargateProfile({name!r}, cluster_name="c", pod_execution_role_arn="arn:aws:iam::1:role/r",
                       subnet_ids=["subnet-1"], selectors=[aws.eks.FargateProfileSelectorArgs(namespace="a")]{extra})
"""


def program(tmp_path, body: str):
    (tmp_path / "Pulumi.yaml").write_text("name: naming\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import pulumi\nimport pulumi_aws as aws\n" + textwrap.dedent(body))
    return tmp_path


def record(tmp_path, body: str, config=None, **kw):
    return record_program(program(tmp_path, body), "dev", {**REGION, **(config or {})}, **kw)


def profile(stack):
    return stack.one("aws:eks/fargateProfile:FargateProfile") if hasattr(stack, "one") else next(
        r for r in stack.resources if r.type == "aws:eks/fargateProfile:FargateProfile")


def test_unnamed_fargate_profile_is_recorded_with_the_provider_auto_name(tmp_path):
    # The issue-9 defect: aws.eks.FargateProfile("eks", ...) becomes `eks-<7 hex>`, which EKS refuses.
    stack = record(tmp_path, PROFILE.format(name="eks", extra=""))
    fp = profile(stack)
    assert re.fullmatch(r"eks-[0-9a-f]{7}", fp.inputs["fargateProfileName"])
    assert fp.outputs["fargateProfileName"] == fp.inputs["fargateProfileName"]  # known at preview


def test_auto_name_is_reproducible_and_differs_per_resource(tmp_path):
    body = PROFILE.format(name="eks", extra="") + PROFILE.format(name="other", extra="")
    first = [r.inputs["fargateProfileName"] for r in record(tmp_path, body).resources
             if r.type == "aws:eks/fargateProfile:FargateProfile"]
    again = [r.inputs["fargateProfileName"] for r in record(tmp_path, body).resources
             if r.type == "aws:eks/fargateProfile:FargateProfile"]
    assert first == again
    assert first[0][-7:] != first[1][-7:] and first[1].startswith("other-")


def test_explicit_name_is_kept(tmp_path):
    fp = profile(record(tmp_path, PROFILE.format(name="eks", extra=', fargate_profile_name="fargate-pods"')))
    assert fp.inputs["fargateProfileName"] == "fargate-pods"


def test_name_prefix_leaves_the_name_to_create_time(tmp_path):
    # Terraform names the node group `<prefix><26-character unique id>` at create: unknown at preview.
    body = """
    aws.eks.NodeGroup("ng", cluster_name="c", node_role_arn="arn:aws:iam::1:role/r", subnet_ids=["subnet-1"],
                      node_group_name_prefix="nodes-",
                      scaling_config=aws.eks.NodeGroupScalingConfigArgs(desired_size=1, min_size=1, max_size=1))
    """
    preview = next(r for r in record(tmp_path, body).resources if r.type == "aws:eks/nodeGroup:NodeGroup")
    assert "nodeGroupName" not in preview.inputs and preview.outputs["nodeGroupName"] == UNKNOWN_VALUE
    deployed = next(r for r in record(tmp_path, body, preview=False).resources
                    if r.type == "aws:eks/nodeGroup:NodeGroup")
    assert re.fullmatch(r"nodes-\d{26}", deployed.outputs["nodeGroupName"])
    assert deployed.id == "c:" + deployed.outputs["nodeGroupName"]  # the id AWS gives: cluster:node group


def test_generic_name_and_per_type_limits(tmp_path):
    # Every type with an input `name` (security group) gets 255/"-"; KMS aliases get `alias/`.
    body = """
    aws.ec2.SecurityGroup("sg", vpc_id="vpc-1")
    aws.kms.Alias("key", target_key_id="k")
    aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    """
    by_type = {r.type: r for r in record(tmp_path, body).resources}
    assert re.fullmatch(r"sg-[0-9a-f]{7}", by_type["aws:ec2/securityGroup:SecurityGroup"].inputs["name"])
    assert re.fullmatch(r"alias/key-[0-9a-f]{7}", by_type["aws:kms/alias:Alias"].inputs["name"])
    assert "name" not in by_type["aws:ec2/vpc:Vpc"].inputs  # no `name` input: nothing to auto-name


def test_too_long_auto_name_fails_check_naming_the_resource(tmp_path):
    # IAM role: AutoName("name", 64, "-"); the bridge refuses rather than truncates.
    long_name = "r" * 60
    body = f'aws.iam.Role({long_name!r}, assume_role_policy="{{}}")\n'
    with pytest.raises(InputError) as e:
        record(tmp_path, body)
    [problem] = e.value.problems
    assert f"aws:iam/role:Role::{long_name}" in problem
    assert "plus 7 random chars is longer than maximum length 64" in problem


@pytest.mark.parametrize("autonaming,expect", [
    ({"mode": "verbatim"}, "eks"),
    ({"pattern": "${stack}-${name}-${hex(4)}"}, r"dev-eks-[0-9a-f]{4}"),
    ({"providers": {"aws": {"resources": {"aws:eks/fargateProfile:FargateProfile": {"pattern": "fp-${name}"}}}}},
     "fp-eks"),
])
def test_engine_autonaming_config_is_honoured(tmp_path, autonaming, expect):
    import json

    stack = record(tmp_path, PROFILE.format(name="eks", extra=""), {"pulumi:autonaming": json.dumps(autonaming)})
    assert re.fullmatch(expect, profile(stack).inputs["fargateProfileName"])


def test_autonaming_disabled_requires_explicit_names(tmp_path):
    import json

    with pytest.raises(InputError) as e:
        record(tmp_path, PROFILE.format(name="eks", extra=""), {"pulumi:autonaming": json.dumps({"mode": "disabled"})})
    assert "automatic naming is disabled but no explicit name was provided" in e.value.problems[0]
