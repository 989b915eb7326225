"""The stack configuration as the Pulumi CLI reads it (issue 9): values `pulumi config set` writes as
text, key namespaces, region names, ESC environments, YAML numbers where a version string belongs."""

from __future__ import annotations

import pytest

from preflight.errors import InputError
from preflight.inputs.stack_files import load_stack_file
from stack_config.loader import known_regions
from tests.program import harness

PUBLIC_MANAGED = harness.stack_config("public-managed")


def test_typed_values_written_as_text_are_read_like_the_cli():
    # `pulumi config set eks-variants:availabilityZones 2` writes "2"; the CLI accepts it for an integer
    # key and "false" for a boolean key (pulumi pkg/workspace/config.go, ValidateConfigValue).
    config = {**PUBLIC_MANAGED, "eks-variants:availabilityZones": "2", "eks-variants:secretsEncryption": "false"}
    run = harness.run_program(config, stack="x")
    assert len(run.of_type("aws:ec2/subnet:Subnet")) == 2
    assert run.of_type("aws:kms/key:Key") == []


def test_a_boolean_key_takes_only_true_or_false_text():
    config = {**PUBLIC_MANAGED, "eks-variants:secretsEncryption": "yes"}
    with pytest.raises(InputError) as caught:
        harness.run_program(config, stack="x")
    assert caught.value.problems[0] == (
        "stack 'x' configuration key 'eks-variants:secretsEncryption' must be of type 'boolean' (got 'yes')")


def test_type_errors_come_with_the_programs_own_errors():
    config = {**PUBLIC_MANAGED, "eks-variants:availabilityZones": "three", "eks-variants:deletionProtection": "no",
              "eks-variants:endpointAcess": "public"}
    with pytest.raises(InputError) as caught:
        harness.run_program(config, stack="x")
    assert caught.value.problems[:2] == [
        "stack 'x' configuration key 'eks-variants:availabilityZones' must be of type 'integer' (got 'three')",
        "stack 'x' configuration key 'eks-variants:deletionProtection' must be of type 'boolean' (got 'no')",
    ]
    assert "unknown key `eks-variants:endpointAcess`; did you mean `endpointAccess`?" in caught.value.problems


def test_a_key_without_namespace_is_refused_as_the_cli_refuses_it(tmp_path):
    # pulumi sdk/go/common/resource/config/key.go ParseKey: `<namespace>:<name>` only.
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("config:\n  aws:region: eu-west-1\n  endpointAccess: public\n")
    with pytest.raises(InputError) as caught:
        load_stack_file(path)
    assert caught.value.lines() == [  # the file named once (InputError.source), then the key
        f"{path}: could not parse 'endpointAccess' as a configuration key (configuration keys should be of "
        "the form `<namespace>:<name>`; write `<project>:endpointAccess`)"]
    with pytest.raises(InputError) as caught:
        harness.run_program({**PUBLIC_MANAGED, "dataPlane": "managed"}, stack="x")
    assert caught.value.problems == [
        "could not parse 'dataPlane' as a configuration key (configuration keys should be of the form "
        "`<namespace>:<name>`; write `eks-variants:dataPlane`)"]


def test_region_typo_gets_a_did_you_mean():
    with pytest.raises(InputError) as caught:
        harness.run_program({**PUBLIC_MANAGED, "aws:region": "eu-west1"}, stack="x")
    assert caught.value.problems == [
        "aws:region: 'eu-west1' is not a region pulumi-aws 7.51.1 knows; did you mean `eu-west-1`?"]


def test_known_regions_come_from_the_installed_pulumi_aws():
    regions = known_regions()
    assert {"eu-west-1", "us-east-1", "ca-central-1", "ap-southeast-2"} <= set(regions)
    assert "eu-west1" not in regions and len(regions) > 30


def test_unquoted_kubernetes_version_gets_the_hint_to_quote_it():
    # YAML reads `kubernetesVersion: 1.30` as the float 1.3; the CLI hands the program "1.3".
    with pytest.raises(InputError) as caught:
        harness.run_program({**PUBLIC_MANAGED, "eks-variants:kubernetesVersion": 1.30}, stack="x")
    assert "eks-variants:kubernetesVersion: YAML read 1.30 as the number 1.3; quote it: '1.30'" in (
        caught.value.problems)


def test_an_esc_environment_is_a_note_not_an_error(tmp_path, capsys):
    path = tmp_path / "Pulumi.x.yaml"
    path.write_text("environment:\n  - aws-creds\nconfig:\n  aws:region: eu-west-1\n")
    stack = load_stack_file(path)
    assert stack.config == {"aws:region": "eu-west-1"} and stack.environment == ["aws-creds"]
    err = capsys.readouterr().err
    assert err.startswith("preflight: x: note: the stack file imports the Pulumi ESC environment(s) aws-creds; "
                          "preflight cannot open ESC offline")

