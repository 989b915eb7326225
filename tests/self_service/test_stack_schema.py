"""docs/stack-file.schema.json: generated from the config model, current, and right about the repository's stack
files (what editors show as you type must agree with what preflight accepts)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import get_args

import jsonschema
import pytest
import yaml

from eks_variants.stack_schema import MODELINE, SCHEMA_PATH, render, stack_file_schema
from stack_config import StackSettings
from stack_config.schema import DataPlane

REPO = Path(__file__).resolve().parent.parent.parent
STACK_FILES = sorted((REPO / "stacks").glob("Pulumi.*.yaml"))
# Every eks-variants stack file anywhere in the repository (tests' stacks too), not the environment's or builds'.
ALL_STACK_FILES = sorted(
    p for p in REPO.rglob("Pulumi.*.y*ml")
    if not {".venv", "out", "venv"} & set(p.relative_to(REPO).parts)
    and "eks-variants:" in p.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator():
    schema = stack_file_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, document) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document))


def test_committed_schema_is_the_generated_one():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(stack_file_schema()), (
        "docs/stack-file.schema.json is not what the config model generates: run `make schema` and commit it")


def test_every_key_of_the_model_is_in_the_schema():
    properties = stack_file_schema()["properties"]["config"]["properties"]
    model_keys = {field.alias or name for name, field in StackSettings.model_fields.items()}
    assert {k.removeprefix("eks-variants:") for k in properties if k.startswith("eks-variants:")} == model_keys


@pytest.mark.parametrize("path", STACK_FILES, ids=lambda p: p.name)
def test_every_stack_file_in_stacks_carries_the_modeline(path):
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE


@pytest.mark.parametrize("path", ALL_STACK_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_stack_file_in_the_repository_is_valid(validator, path):
    assert errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


def test_the_stack_files_found_include_the_reference_stacks():
    assert set(STACK_FILES) <= set(ALL_STACK_FILES) and len(STACK_FILES) >= 9


def test_the_modeline_resolves_to_the_schema_from_stacks():
    relative = MODELINE.split("$schema=", 1)[1]
    assert (REPO / "stacks" / relative).resolve() == SCHEMA_PATH


def reference(name="private-managed") -> dict:
    return yaml.safe_load((REPO / "stacks" / f"Pulumi.{name}.yaml").read_text())


@pytest.mark.parametrize("mutate, expected", [
    (lambda c: c.__setitem__("eks-variants:endpointAcess", "private"),
     # (other namespaces are open, so jsonschema words it "does not match any of the regexes")
     "config: 'eks-variants:endpointAcess' does not match any of the regexes"),
    (lambda c: c["eks-variants:nodes"].__setitem__("instanceTipes", ["m6i.large"]),
     "config/eks-variants:nodes: Additional properties are not allowed ('instanceTipes' was unexpected)"),
    (lambda c: c.__setitem__("eks-variants:dataPlane", "lambda"),
     f"config/eks-variants:dataPlane: 'lambda' is not one of {list(get_args(DataPlane))}"),
    (lambda c: c.pop("eks-variants:endpointAccess"),
     "config: 'eks-variants:endpointAccess' is a required property"),
    (lambda c: c.__setitem__("aws:region", "eu-wset-1"),
     "config/aws:region: 'eu-wset-1' is not one of"),
    (lambda c: c.__setitem__("eks-variants:kubernetesVersion", 1.3),  # an unquoted 1.30
     "config/eks-variants:kubernetesVersion: 1.3 is not of type 'string'"),
])
def test_misspelt_keys_and_wrong_values_fail(validator, mutate, expected):
    document = copy.deepcopy(reference())
    mutate(document["config"])
    found = errors(validator, document)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_a_misspelt_top_level_attribute_fails(validator):
    document = {"confg": reference()["config"]}
    assert errors(validator, document) == [": Additional properties are not allowed ('confg' was unexpected)"]


def test_ranges_are_checked_on_numbers(validator):
    document = copy.deepcopy(reference())
    document["config"]["eks-variants:availabilityZones"] = 9
    assert errors(validator, document)[0].startswith("config/eks-variants:availabilityZones: 9 is not valid")


def test_values_as_pulumi_config_set_writes_them_are_valid(validator):
    # `pulumi config set eks-variants:availabilityZones 2` stores "2"; the program reads it as 2 (contracts §2).
    document = copy.deepcopy(reference())
    document["config"].update({"eks-variants:availabilityZones": "2", "eks-variants:secretsEncryption": "false"})
    document["config"]["eks-variants:nodes"]["maxSize"] = "6"
    assert errors(validator, document) == []
    document["config"]["eks-variants:nodes"]["maxSize"] = "six"
    assert len(errors(validator, document)) == 1


def test_other_namespaces_are_left_to_the_cli(validator):
    document = copy.deepcopy(reference())
    document["config"]["aws:profile"] = "payments"
    document["secretsprovider"] = "passphrase"
    assert errors(validator, document) == []


def test_a_stack_file_as_pulumi_config_set_writes_it_passes_schema_and_preflight(validator, tmp_path, capsys):
    # The CLI stores text (`pulumi config set eks-variants:availabilityZones 2` -> "2") and its type check
    # accepts "2" for an integer and "true"/"false" for a boolean (pulumi/pulumi sdk/go/common/workspace/
    # project.go, ValidateConfigValue); preflight must accept what the CLI accepts.
    from preflight.cli import main as preflight_main

    document = copy.deepcopy(reference("public-private-managed"))
    document["config"].update({"eks-variants:availabilityZones": "2", "eks-variants:secretsEncryption": "false"})
    assert errors(validator, document) == []
    path = tmp_path / "Pulumi.cli-written.yaml"
    path.write_text(yaml.safe_dump(document))
    capsys.readouterr()
    assert preflight_main(["--config-file", str(path), "--json"]) == 0
    assert yaml.safe_load(capsys.readouterr().out)["results"][0]["resources"] > 20
    document["config"]["eks-variants:availabilityZones"] = "two"
    path.write_text(yaml.safe_dump(document))
    assert preflight_main(["--config-file", str(path)]) == 2
    assert "configuration key 'eks-variants:availabilityZones' must be of type 'integer'" in capsys.readouterr().err
    assert len(errors(validator, document)) == 1
