"""The analyzer protocol end to end with the fixture pack (a real pack process over gRPC)."""
import json
import subprocess
import sys
import time

import pytest

from preflight.analyzer.pack_process import PolicyPackProcess
from preflight.inputs.policy_config import parse_policy_config, validate_schema
from preflight.errors import InputError
from tests.preflight.helpers import PACK

P = "urn:pulumi:dev::fixture-net::"


def _echo(violations, policy):
    return [json.loads(v.message.split("\n", 1)[1]) for v in violations if v.policy == policy]


def test_info_and_configure(pack):
    assert pack.name == "fixture-pack" and pack.version == "0.3.0"
    assert {p.name for p in pack.info.policies} == {"echo-resource", "no-public-subnets", "tag-owner", "echo-stack", "vpc-dns"}
    assert pack.effective_config["echo-stack"] == {"enforcementLevel": "advisory", "properties": {"enabled": True}}
    assert pack.effective_config["vpc-dns"]["enforcementLevel"] == "mandatory"


def test_resource_policy_sees_inputs_unknowns_provider_parent(pack, recorded):
    vs = pack.analyze(recorded["dev"])
    seen = {e["name"]: e for e in _echo(vs, "echo-resource")}
    sub = seen["net-subnet-0"]
    assert sub["props"] == {"availabilityZone": "us-west-2a", "cidrBlock": "10.1.0.0/24",
                            "mapPublicIpOnLaunch": True, "vpcId": "<unknown>"}
    assert sub["provider"] == P + "pulumi:providers:aws::default_7_51_1"
    assert sub["providerProps"] == {"region": "us-west-2", "version": "7.51.1"}
    assert sub["parent"] == P + "fixture:net:Network::net"
    # remote components are analyzed too, with their inputs
    assert seen["cluster"]["props"]["endpointPublicAccess"] is False
    assert seen["cluster"]["props"]["subnetIds"] == ["<unknown>"] * 3
    # the secret reaches the pack as a secret and is unwrapped there
    assert seen["token"]["props"]["value"] == "preflight-secret-placeholder"
    mandatory = [v for v in vs if v.policy == "no-public-subnets"]
    assert [v.urn for v in mandatory] == [P + f"fixture:net:Network$aws:ec2/subnet:Subnet::net-subnet-{i}"
                                          for i in range(3)]
    assert all(v.enforcement_level == "mandatory" for v in mandatory)


def test_stack_policy_sees_outputs_parents_and_property_dependencies(pack, recorded):
    vs = pack.analyze(recorded["dev"])
    (stack_view,) = _echo(vs, "echo-stack")
    by = {r["urn"]: r for r in stack_view}
    assert len(stack_view) == len(recorded["dev"].resources)
    route = by[P + "fixture:net:Network$fixture:net:RouteSet$aws:ec2/route:Route::net-public-default"]
    assert route["parent"] == P + "fixture:net:Network$fixture:net:RouteSet::net-public"
    assert route["propertyDependencies"]["gatewayId"] == [
        P + "fixture:net:Network$aws:ec2/internetGateway:InternetGateway::net-igw"]
    vpc = by[P + "fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc"]
    assert vpc["props"]["id"] == "<unknown>" and vpc["props"]["arn"] == "<unknown>"
    assert vpc["props"]["enableDnsHostnames"] is True
    root = by[P + "pulumi:pulumi:Stack::fixture-net-dev"]
    assert root["props"]["region"] == "us-west-2" and root["parent"] is None
    # a stack diagnostic without a URN is reported against the root stack
    dns = [v for v in vs if v.policy == "vpc-dns"]
    assert [v.urn for v in dns] == [P + "pulumi:pulumi:Stack::fixture-net-dev"]


def test_stack_violation_urn_and_mandatory(pack, recorded):
    vs = pack.analyze(recorded["prod"])
    dns = sorted((v.urn, v.enforcement_level) for v in vs if v.policy == "vpc-dns")
    assert dns == [("urn:pulumi:prod::fixture-net::fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc", "mandatory"),
                   ("urn:pulumi:prod::fixture-net::pulumi:pulumi:Stack::fixture-net-prod", "mandatory")]


def test_enforcement_levels_from_config(recorded):
    with PolicyPackProcess(PACK, {"all": "advisory", "no-public-subnets": "disabled"}) as p:
        vs = p.analyze(recorded["dev"])
    assert not [v for v in vs if v.policy == "no-public-subnets"]  # disabled: not run
    assert {v.enforcement_level for v in vs} == {"advisory"}


def test_config_validation_against_schema():
    with pytest.raises(InputError) as e:
        with PolicyPackProcess(PACK, {"echo-resource": {"echoTypes": "not-a-list"}}):
            pass
    assert e.value.problems == ["invalid policy config for pack fixture-pack: echo-resource: echoTypes: "
                                "Invalid type. Expected: array, given: string"]


def test_parse_policy_config_errors():
    assert parse_policy_config('{"a": "advisory", "b": {"enforcementLevel": "mandatory", "x": 1}, "c": {}}') == {
        "a": {"enforcementLevel": "advisory", "properties": None},
        "b": {"enforcementLevel": "mandatory", "properties": {"x": 1}}}
    with pytest.raises(InputError) as e:
        parse_policy_config('{"a": "loud", "b": 3}')
    assert len(e.value.problems) == 2 and '"loud" is not a valid enforcement level' in e.value.problems[0]
    with pytest.raises(InputError):
        parse_policy_config("{nope")
    assert validate_schema({"n": [1, "x"]}, {"type": "object", "properties": {
        "n": {"type": "array", "items": {"type": "integer"}}}}) == [
        "n.1: Invalid type. Expected: integer, given: string"]


def test_pack_that_fails_to_start_is_reported(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("raise SystemExit('the pack is broken')\n")
    with pytest.raises(InputError) as e:
        with PolicyPackProcess(tmp_path):
            pass
    assert "failed to start" in e.value.problems[0] and "the pack is broken" in e.value.problems[0]


def test_pack_process_is_stopped(recorded):
    p = PolicyPackProcess(PACK)
    with p:
        proc = p.proc
        assert proc.poll() is None
    assert proc.poll() is not None


def _running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux-only")
def test_pack_dies_with_a_preflight_that_is_killed_outright(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(
        "import os, signal\n"
        "from preflight.analyzer.pack_process import PolicyPackProcess\n"
        f"p = PolicyPackProcess({str(PACK)!r}); p.connect()\n"
        "print(p.proc.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(pid)


def test_pack_pipes_are_closed_with_the_pack():
    """Closing the pack process closes its stdout and stderr pipes once their readers are done."""
    pack = PolicyPackProcess(PACK)
    pack.connect()
    proc = pack.proc
    pack.close()
    assert proc.poll() is not None
    assert proc.stdout.closed and proc.stderr.closed
