"""templates/backstage/template.yaml: its choices are the config model's, its steps use the action ids of
Pulumi's Backstage scaffolder module, and for every variant the stack it creates is one preflight accepts.

Action ids: github.com/pulumi/pulumi-backstage-plugin, plugins/backstage-scaffolder-backend-pulumi/src/actions/
pulumiNew.ts (`pulumi:new`), pulumiUp.ts (`pulumi:up`); https://www.pulumi.com/docs/idp/concepts/backstage-plugin/.
`publish:github` is a Backstage built-in (backstage.io/docs/features/software-templates/builtin-actions)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, get_args

import jinja2
import jsonschema
import pytest
import yaml

import stack_config
from eks_variants.new_stack import _TEAM_NAME
from eks_variants.stack_schema import stack_file_schema
from preflight.inputs.stack_files import load_project, runtime_config
from stack_config.loader import known_regions
from stack_config.schema import _INSTANCE_TYPE, DataPlane, EndpointAccess, NodesSettings, StackSettings

REPO = Path(__file__).resolve().parent.parent.parent
TEMPLATE = yaml.safe_load((REPO / "templates" / "backstage" / "template.yaml").read_text())
PROPERTIES = {k: v for page in TEMPLATE["spec"]["parameters"] for k, v in page["properties"].items()}
STEPS = {step["id"]: step for step in TEMPLATE["spec"]["steps"]}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def model_property(model, alias: str) -> dict:
    return model.model_json_schema(by_alias=True)["properties"][alias]


def test_is_a_backstage_template():
    assert TEMPLATE["apiVersion"] == "scaffolder.backstage.io/v1beta3" and TEMPLATE["kind"] == "Template"


def test_choices_are_the_config_models():
    assert PROPERTIES["endpointAccess"]["enum"] == list(get_args(EndpointAccess))
    assert PROPERTIES["dataPlane"]["enum"] == list(get_args(DataPlane))
    assert PROPERTIES["region"]["enum"] == known_regions()
    assert PROPERTIES["team"]["pattern"] == _TEAM_NAME.pattern
    assert PROPERTIES["instanceType"]["pattern"] == _INSTANCE_TYPE.pattern
    zones = model_property(StackSettings, "availabilityZones")
    assert (PROPERTIES["availabilityZones"]["minimum"], PROPERTIES["availabilityZones"]["maximum"],
            PROPERTIES["availabilityZones"]["default"]) == (zones["minimum"], zones["maximum"], zones["default"])
    for size in ("minSize", "desiredSize", "maxSize"):
        model = model_property(NodesSettings, size)
        assert (PROPERTIES[size]["minimum"], PROPERTIES[size]["default"]) == (model["minimum"], model["default"])
    assert PROPERTIES["instanceType"]["default"] == NodesSettings().instance_types[0]


def test_steps_use_pulumis_documented_action_ids():
    assert [step["action"] for step in TEMPLATE["spec"]["steps"]] == ["pulumi:new", "publish:github", "pulumi:up"]
    new = STEPS["create-project"]["input"]
    # pulumiNew.ts: stack, organization, name, template, folder required (commonPulumiConfig + its own schema)
    assert {"stack", "organization", "name", "template", "folder"} <= set(new)
    assert new["name"] == load_project(REPO).name  # the config namespace
    up = STEPS["deploy"]["input"]
    assert {"stack", "organization", "name", "deployment"} <= set(up)  # pulumiUp.ts


def render(value: Any, parameters: dict) -> Any:
    """Backstage's ${{ }} expressions (Nunjucks; these are also Jinja2 expressions)."""
    if isinstance(value, dict):
        return {k: render(v, parameters) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v, parameters) for v in value]
    if not isinstance(value, str):
        return value
    whole = EXPRESSION.fullmatch(value)
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    if whole:
        return environment.compile_expression(whole.group(1))(parameters=parameters)
    return EXPRESSION.sub(lambda m: str(environment.compile_expression(m.group(1))(parameters=parameters)), value)


def set_path(config: dict, key: str, text: str) -> None:
    """`pulumi config set --path`: "true"/"false" become booleans and integers numbers (CLI docs)."""
    value: Any = {"true": True, "false": False}.get(text, int(text) if re.fullmatch(r"-?[0-9]+", text) else text)
    namespace, _, path = key.partition(":")
    parts = [p for part in path.split(".") for p in re.findall(r"[^\[\]]+", part)]
    node: Any = config
    full = f"{namespace}:{parts[0]}"
    for i, part in enumerate(parts):
        name: Any = full if i == 0 else (int(part) if part.isdigit() else part)
        last = i == len(parts) - 1
        nxt: Any = value if last else ([] if parts[i + 1].isdigit() else {})
        if isinstance(node, list):
            while len(node) <= name:
                node.append(None)
            node[name] = nxt if last or node[name] is None else node[name]
        else:
            node[name] = nxt if last else node.get(name, nxt)
        node = node[name]


def stack_file_from(parameters: dict) -> dict:
    """The stack file pulumi:new leaves behind: `config` through `pulumi config set` (text), args through
    `pulumi new --config-path --config=...`."""
    step = render(STEPS["create-project"]["input"], parameters)
    config: dict = {key: str(value) for key, value in step["config"].items()}
    args = [a for a in step["args"] if a]  # pulumiNew.ts drops empty items
    assert args[0] == "--config-path"
    for arg in args[1:]:
        key, _, text = arg.removeprefix("--config=").partition("=")
        set_path(config, key, text)
    return {"config": config}


def defaults() -> dict:
    return {k: v["default"] for k, v in PROPERTIES.items() if "default" in v}


@pytest.mark.parametrize("endpoint", get_args(EndpointAccess))
@pytest.mark.parametrize("plane", get_args(DataPlane))
def test_every_variant_gives_a_stack_file_preflight_and_the_schema_accept(endpoint, plane):
    parameters = {**defaults(), "team": "payments", "organization": "acme", "endpointAccess": endpoint,
                  "dataPlane": plane, "repoUrl": "github.com?owner=acme&repo=payments-eks"}
    document = stack_file_from(parameters)
    assert list(jsonschema.Draft202012Validator(stack_file_schema()).iter_errors(document)) == []
    project = load_project(REPO)
    wire, _, _ = runtime_config(document["config"], project, stack="team-payments")
    settings = stack_config.check(project.name, wire)  # raises with the problems preflight would print
    assert (settings.variant, settings.tags) == (f"{endpoint}-{plane}", {"team": "payments"})
    assert settings.availability_zones == 3
    if plane in ("managed", "self-managed"):
        assert settings.nodes.instance_types == ["m6i.large"] and settings.nodes.max_size == 4
    else:  # Fargate and Auto Mode take no nodes block (an error there)
        assert settings.nodes is None
    assert render(STEPS["deploy"]["if"], parameters) is False  # deploying is opt-in
