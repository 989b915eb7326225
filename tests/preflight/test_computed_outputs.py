"""Provider-computed outputs at preview (issue 22, class 1): every output a provider computes reads as unknown to
the program, nested fields included, so what is computed from it is unknown and carries the dependency on its
resource; never a known null. A deployed recording keeps its known values."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import pulumi_aws  # noqa: F401 - registers the SDK's resource modules
from pulumi.runtime import rpc as _rpc

from preflight.program.computed_shapes import nested_paths, resource_shape, with_unknowns
from preflight.program.record import record_program, run_program
from preflight.sentinels import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE
from preflight.inputs.stack_files import load_stack_file

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "fixtures" / "computed_outputs"
REALWORLD = ROOT / "tests" / "policies" / "realworld" / "cluster-sg-endpoints"
TOKEN = re.compile(r"aws:[a-zA-Z0-9]+/[a-zA-Z0-9]+:[A-Za-z0-9]+")


def pack_types() -> list[str]:
    found = {t for f in (ROOT / "policies" / "guardrails").rglob("*.py") for t in TOKEN.findall(f.read_text())}
    return sorted(found)


def module_types(modules=("autoscaling", "ec2", "eks", "vpc")) -> list[str]:
    """Every resource type the installed pulumi_aws registers in the modules the pack reads."""
    return sorted(t for key, mods in _rpc._RESOURCE_MODULES.items() if key.split(":")[0] == "aws"
                  and key.split(":")[1].split("/")[0] in modules
                  for m in mods for t in (getattr(m, "mod_info", None) or {}).get("classes", {}))


def known_at_preview(tokens, tmp_path) -> dict:
    prog = tmp_path / "prog"
    shutil.copytree(PROGRAM, prog)
    (prog / "types.txt").write_text("\n".join(tokens))
    run_program(str(prog), str(prog), "computed-outputs", "dev", {"aws:region": "us-east-1"}, [], preview=True)
    return json.loads((prog / "known.json").read_text())


@pytest.mark.parametrize("tokens", [pack_types(), module_types()], ids=["pack-types", "pack-modules"])
def test_every_computed_output_is_unknown_at_preview(tokens, tmp_path):
    known = known_at_preview(tokens, tmp_path)
    skipped = known.pop("__skipped__")
    assert len(skipped) <= max(1, len(tokens) // 20), skipped
    checked = sum(len(v) for v in known.values())
    nested = sum(len(nested_paths(resource_shape(t))) for t in known)
    assert checked > 100 and nested > 100, (checked, nested)
    assert {t: [p for p, k in props.items() if k] for t, props in known.items() if any(props.values())} == {}


def test_the_reported_fields_are_covered():
    assert "clusterSecurityGroupId" in resource_shape("aws:eks/cluster:Cluster").nested["vpcConfig"][0].fields
    assert "vpcId" in resource_shape("aws:eks/cluster:Cluster").nested["vpcConfig"][0].fields
    lt = nested_paths(resource_shape("aws:ec2/launchTemplate:LaunchTemplate"))
    assert "networkInterfaces.securityGroups" in lt


def test_given_fields_are_kept_and_each_list_element_and_secret_gets_the_unknowns():
    shape = resource_shape("aws:eks/cluster:Cluster")
    out = with_unknowns({"vpcConfig": {"subnetIds": ["subnet-1"], "endpointPrivateAccess": True}}, shape)
    vc = out["vpcConfig"]
    assert vc["subnetIds"] == ["subnet-1"] and vc["endpointPrivateAccess"] is True
    assert vc["clusterSecurityGroupId"] == UNKNOWN_VALUE and vc["vpcId"] == UNKNOWN_VALUE
    lt = resource_shape("aws:ec2/launchTemplate:LaunchTemplate")
    out = with_unknowns({"networkInterfaces": [{"deviceIndex": 0}, {"deviceIndex": 1}],
                         "userData": {SIG_KEY: SECRET_SIG, "value": "x"}}, lt)
    assert [n["deviceIndex"] for n in out["networkInterfaces"]] == [0, 1]
    assert all(n["securityGroups"] == UNKNOWN_VALUE for n in out["networkInterfaces"])
    assert out["userData"] == {SIG_KEY: SECRET_SIG, "value": "x"}
    assert with_unknowns({"vpcConfig": UNKNOWN_VALUE}, shape) == {"vpcConfig": UNKNOWN_VALUE}


def _recorded(stack: str, preview: bool):
    sf = load_stack_file(REALWORLD / f"Pulumi.{stack}.yaml")
    return record_program(REALWORLD, sf.name, sf.config, preview=preview)


@pytest.mark.parametrize("stack,type_,key", [
    ("ingress-rule", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "referencedSecurityGroupId"),
    ("sg-rule", "aws:ec2/securityGroupRule:SecurityGroupRule", "sourceSecurityGroupId")])
def test_a_rule_from_the_cluster_security_group_is_unknown_and_depends_on_the_cluster(stack, type_, key):
    rec = _recorded(stack, preview=True)
    cluster = next(r for r in rec.resources if r.type == "aws:eks/cluster:Cluster")
    rule = next(r for r in rec.resources if r.type == type_)
    assert rule.inputs[key] == UNKNOWN_VALUE
    assert rule.property_dependencies[key] == [cluster.urn]
    assert cluster.urn in rule.dependencies
    lt = next(r for r in rec.resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate")
    assert lt.inputs["vpcSecurityGroupIds"] == [UNKNOWN_VALUE]
    assert lt.property_dependencies["vpcSecurityGroupIds"] == [cluster.urn]
    # the pack still sees the cluster's given vpcConfig as given (its outputs are unchanged)
    assert cluster.outputs["vpcConfig"]["endpointPrivateAccess"] is True


def test_a_deployed_recording_keeps_known_values():
    rec = _recorded("sg-rule", preview=False)
    cluster = next(r for r in rec.resources if r.type == "aws:eks/cluster:Cluster")
    csg = cluster.outputs["vpcConfig"]["clusterSecurityGroupId"]
    assert csg.startswith("sg-") and cluster.outputs["vpcConfig"]["endpointPrivateAccess"] is True
    rule = next(r for r in rec.resources if r.type == "aws:ec2/securityGroupRule:SecurityGroupRule")
    assert rule.inputs["sourceSecurityGroupId"] == csg
    lt = next(r for r in rec.resources if r.type == "aws:ec2/launchTemplate:LaunchTemplate")
    assert lt.inputs["vpcSecurityGroupIds"] == [csg]
    vpc = next(r for r in rec.resources if r.type == "aws:ec2/vpc:Vpc")
    assert vpc.outputs["id"].startswith("vpc-") and vpc.outputs["cidrBlock"] == "10.40.0.0/16"
