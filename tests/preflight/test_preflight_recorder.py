"""Recorder faithfulness: what the engine would see at preview of a new stack."""
import pytest

from preflight.errors import InputError
from preflight.sentinels import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE
from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file, runtime_config, load_project

from tests.preflight.helpers import PROGRAM

P = "urn:pulumi:dev::fixture-net::"


def test_root_stack_and_engine_urns(recorded):
    st = recorded["dev"]
    root = st.resources[0]
    assert root.type == "pulumi:pulumi:Stack" and root.urn == P + "pulumi:pulumi:Stack::fixture-net-dev"
    assert root.parent is None and not root.custom
    urns = {r.urn for r in st.resources}
    # Child of the root stack: no prefix. Child of a component: parentType$type. Grandchild: the
    # parent's whole qualified type (engine format), not just its last segment.
    assert P + "fixture:net:Network::net" in urns
    assert P + "fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc" in urns
    assert P + "fixture:net:Network$fixture:net:RouteSet$aws:ec2/routeTable:RouteTable::net-public-rt" in urns
    assert not any("pulumi:pulumi:Stack$" in u for u in urns)


def test_parents_and_property_dependencies_of_nested_component(recorded):
    st = recorded["dev"]
    route = st.get(P + "fixture:net:Network$fixture:net:RouteSet$aws:ec2/route:Route::net-public-default")
    assert route.parent == P + "fixture:net:Network$fixture:net:RouteSet::net-public"
    assert st.get(route.parent).parent == P + "fixture:net:Network::net"
    assert st.get(P + "fixture:net:Network::net").parent == st.root_urn
    assert route.property_dependencies == {
        "gatewayId": [P + "fixture:net:Network$aws:ec2/internetGateway:InternetGateway::net-igw"],
        "routeTableId": [P + "fixture:net:Network$fixture:net:RouteSet$aws:ec2/routeTable:RouteTable::net-public-rt"],
    }
    assert set(route.dependencies) == {u for v in route.property_dependencies.values() for u in v}
    # A resource depending on a component's child output.
    lt = st.get(P + "aws:ec2/launchTemplate:LaunchTemplate::nodes")
    assert lt.property_dependencies["vpcSecurityGroupIds"] == [
        P + "fixture:net:Network$aws:ec2/securityGroup:SecurityGroup::net-nodes"]


def test_preview_ids_and_computed_outputs_are_unknown(recorded):
    st = recorded["dev"]
    vpc = st.get(P + "fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc")
    assert vpc.id is None and vpc.outputs["id"] == UNKNOWN_VALUE
    assert vpc.outputs["arn"] == UNKNOWN_VALUE and vpc.outputs["ownerId"] == UNKNOWN_VALUE
    assert vpc.outputs["cidrBlock"] == "10.1.0.0/16" == vpc.inputs["cidrBlock"]  # inputs echo
    subnet = st.get(P + "fixture:net:Network$aws:ec2/subnet:Subnet::net-subnet-0")
    assert subnet.inputs["vpcId"] == UNKNOWN_VALUE  # depends on an unknown id
    assert subnet.inputs["mapPublicIpOnLaunch"] is True
    assert st.outputs()["vpcId"] == UNKNOWN_VALUE


def test_providers_default_and_references(recorded):
    st = recorded["dev"]
    aws_default = st.get(P + "pulumi:providers:aws::default_7_51_1")
    assert aws_default.custom and aws_default.inputs == {"region": "us-west-2", "version": "7.51.1"}
    vpc = st.get(P + "fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc")
    assert vpc.provider == aws_default.urn + "::" + UNKNOWN_VALUE
    # the provider is registered before its first user
    order = [r.urn for r in st.resources]
    assert order.index(aws_default.urn) < order.index(vpc.urn)
    # components carry no provider; the remote eks component gets the eks default provider
    assert st.get(P + "fixture:net:Network::net").provider is None
    cluster = st.get(P + "eks:index:Cluster::cluster")
    assert not cluster.custom and cluster.remote and cluster.provider.startswith(P + "pulumi:providers:eks::default_")


def test_remote_component_inputs_recorded(recorded):
    cluster = recorded["dev"].get(P + "eks:index:Cluster::cluster")
    assert cluster.inputs["endpointPrivateAccess"] is True and cluster.inputs["endpointPublicAccess"] is False
    assert cluster.inputs["subnetIds"] == [UNKNOWN_VALUE] * 3
    assert len(cluster.property_dependencies["subnetIds"]) == 3


def test_structured_config_invokes_and_secrets(recorded):
    out = recorded["dev"].outputs()
    assert out["network"] == {"cidr": "10.1.0.0/16", "dns": True, "tags": {"team": "platform"}}
    assert out["azs"] == ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]
    assert out["account"] == "123456789012" and out["partition"] == "aws" and out["region"] == "us-west-2"
    assert out["ami"].startswith("ami-0")
    subnets = [r for r in recorded["dev"].resources if r.type == "aws:ec2/subnet:Subnet"]
    assert [s.inputs["availabilityZone"] for s in subnets] == ["us-west-2a", "us-west-2b", "us-west-2c"]
    token = recorded["dev"].get(P + "aws:ssm/parameter:Parameter::token")
    assert token.inputs["value"][SIG_KEY] == SECRET_SIG  # secret kept as the engine encodes it


def test_two_stacks_in_one_process_are_independent(recorded):
    dev, prod = recorded["dev"], recorded["prod"]
    assert prod.outputs()["region"] == "eu-west-1" and prod.outputs()["azs"][0] == "eu-west-1a"
    assert prod.outputs()["loads"] == 1 and dev.outputs()["loads"] == 1  # fresh module import per stack
    assert len([r for r in prod.resources if r.type == "aws:ec2/subnet:Subnet"]) == 2  # default azCount
    assert all(r.urn.startswith("urn:pulumi:prod::fixture-net::") for r in prod.resources)
    assert prod.get("urn:pulumi:prod::fixture-net::aws:ssm/parameter:Parameter::token") is None
    assert sum(r.type == "pulumi:pulumi:Stack" for r in prod.resources) == 1
    again = record_program(PROGRAM, "dev", load_stack_file(PROGRAM / "stacks" / "Pulumi.dev.yaml").config)
    # Same resources (registration order may interleave differently: the SDK registers from threads).
    assert sorted(r.urn for r in again.resources) == sorted(r.urn for r in dev.resources)


def test_config_as_the_cli_passes_it():
    proj = load_project(PROGRAM)
    cfg, secrets, _ = runtime_config({"aws:region": "us-east-1", "fixture-net:network": {"cidr": "x", "n": [1]},
                                      "fixture-net:public": True, "fixture-net:token": {"secure": "abc"}}, proj,
                                     stack="t")
    assert cfg["fixture-net:network"] == '{"cidr":"x","n":[1]}'
    assert cfg["fixture-net:public"] == "true" and cfg["fixture-net:azCount"] == "2"  # default from Pulumi.yaml
    assert secrets == ["fixture-net:token"]
    with pytest.raises(InputError) as e:
        runtime_config({"fixture-net:azCount": "three"}, proj, stack="t")
    assert any("azCount" in p and "integer" in p for p in e.value.problems)


def test_stack_keys_are_parsed_as_the_cli_parses_them():
    # pulumi sdk/go/common/resource/config/key.go ParseKey: `ns:name` or the legacy `ns:config:name`;
    # a stack-file key without a namespace makes the CLI refuse the file.
    proj = load_project(PROGRAM)
    cfg, _, _ = runtime_config({"aws:region": "us-east-1", "fixture-net:config:public": True}, proj, stack="t")
    assert cfg["fixture-net:public"] == "true"
    with pytest.raises(InputError) as e:
        runtime_config({"aws:region": "us-east-1", "public": True}, proj, stack="t")
    assert e.value.problems == ["could not parse 'public' as a configuration key (configuration keys should be "
                                "of the form `<namespace>:<name>`; write `fixture-net:public`)"]


@pytest.mark.parametrize("value,fits", [("2", True), (2, True), ("-1", True), ("two", False), ("2.5", False),
                                        (True, False), ([2], False)])
def test_integer_keys_take_what_pulumi_config_set_writes(value, fits):
    # `pulumi config set fixture-net:azCount 2` writes the string "2"; the CLI's ValidateConfigValue accepts
    # any text strconv.Atoi parses (pulumi sdk/go/common/workspace/project.go).
    proj = load_project(PROGRAM)
    config = {"aws:region": "us-east-1", "fixture-net:azCount": value}
    if fits:
        cfg, _, _ = runtime_config(config, proj, stack="t")
        assert cfg["fixture-net:azCount"] == str(value)
    else:
        with pytest.raises(InputError) as e:
            runtime_config(config, proj, stack="t")
        assert e.value.problems == [f"stack 't' configuration key 'fixture-net:azCount' must be of type "
                                    f"'integer' (got {value!r})"]


def test_deployed_mode_has_realistic_ids():
    sf = load_stack_file(PROGRAM / "stacks" / "Pulumi.prod.yaml")
    st = record_program(PROGRAM, sf.name, sf.config, preview=False)
    vpc = st.get("urn:pulumi:prod::fixture-net::fixture:net:Network$aws:ec2/vpc:Vpc::net-vpc")
    subnet = st.get("urn:pulumi:prod::fixture-net::fixture:net:Network$aws:ec2/subnet:Subnet::net-subnet-0")
    assert vpc.id.startswith("vpc-") and vpc.outputs["id"] == vpc.id
    assert vpc.outputs["arn"].startswith("arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-")
    assert subnet.id.startswith("subnet-") and subnet.inputs["vpcId"] == vpc.id  # ids flow into inputs
    assert UNKNOWN_VALUE not in repr([r.inputs for r in st.resources])


@pytest.mark.parametrize("mode,expect", [
    ("problems", ["fixture-net:azCount: 9 is too many", "fixture-net:network.cidr: not a network"]),
    ("crash", ["the program failed: ZeroDivisionError: deliberate crash"]),
])
def test_program_errors_become_input_errors(mode, expect):
    cfg = dict(load_stack_file(PROGRAM / "stacks" / "Pulumi.prod.yaml").config, **{"fixture-net:fail": mode})
    with pytest.raises(InputError) as e:
        record_program(PROGRAM, "prod", cfg)
    assert e.value.problems == expect


def test_unanswered_invoke_is_named():
    cfg = dict(load_stack_file(PROGRAM / "stacks" / "Pulumi.prod.yaml").config, **{"fixture-net:fail": "invoke"})
    with pytest.raises(InputError) as e:
        record_program(PROGRAM, "prod", cfg)
    assert "aws:rds/getEngineVersion:getEngineVersion" in e.value.problems[0]
