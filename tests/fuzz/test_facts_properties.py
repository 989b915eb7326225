"""Property-based robustness of AWS facts (`--aws-facts DIR`, the `existingNetwork` policy config; issue 22
classes 2 and 7), built from the documents' structure (the shared-VPC facts of tests/policies/realworld/shared-vpc)
and broken at every path:

- the facts folder: every document with any value at any path (wrong types, nulls, deep values, removed ids,
  duplicated ids, non-UTF-8 bytes) is read or refused with exit 2 naming the file and the path in it; never a
  traceback, never another exception;
- the pack: whatever reaches it as `existingNetwork` (the real CLI passes the config file as written), the model
  is built and every policy runs: no exception.
"""
from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

from hypothesis import example, given, strategies as st

from guardrails.analysis import Analysis, analyzing
from guardrails.model import build_model
from guardrails.model.existing_network import CONFIG_KEY, CONFIG_POLICY
from guardrails.rules import RULES_BY_NAME
from preflight.inputs.aws_facts import load_aws_facts
from preflight.errors import InputError
from tests.fuzz.state_runs import REPO, crashed, run
from tests.fuzz.test_config_properties import ANY_JSON
from tests.fuzz.test_state_properties import SETTINGS
from tests.policies.test_existing_network import team_stack

FACTS = REPO / "tests" / "policies" / "realworld" / "shared-vpc" / "facts"
DOCUMENTS = {p.name: json.loads(p.read_text()) for p in sorted((FACTS / "privatelink").glob("*.json"))} | \
    {p.name: json.loads(p.read_text()) for p in sorted((FACTS / "nat").glob("nat-gateways.json"))}


def _paths(value, prefix=()):
    """Every path into a JSON value (dict keys, list indexes), the root included."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _set(doc, path, value):
    if not path:
        return value
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


@st.composite
def broken_folders(draw):
    docs = copy.deepcopy(DOCUMENTS)
    name = draw(st.sampled_from(sorted(docs)))
    paths = list(_paths(docs[name]))
    path = draw(st.sampled_from(paths))
    action = draw(st.sampled_from(["replace", "delete", "duplicate", "bytes"]))
    if action == "replace":
        docs[name] = _set(docs[name], path, draw(ANY_JSON))
    elif action == "delete" and path:
        parent = docs[name]
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
    elif action == "duplicate":
        docs["copy-" + name] = copy.deepcopy(docs[name])
        if path:
            docs["copy-" + name] = _set(docs["copy-" + name], path, draw(ANY_JSON))
    files = {n: json.dumps(d).encode() for n, d in docs.items()}
    if action == "bytes":
        files[name] = draw(st.binary(max_size=40)) + files[name][:draw(st.integers(0, 60))]
    return files


def _write(files: dict) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="facts-"))
    for n, data in files.items():
        (folder / n).write_bytes(data)
    return folder


@given(broken_folders())
@example({"subnets.json": b'{"Subnets": [{"SubnetId": 5}]}'})
@example({"subnets.json": b"\xff\xfe{}"})
@example({"vpcs.json": b'{"Vpcs": null}'})
@SETTINGS
def test_a_broken_facts_folder_is_read_or_refused_naming_file_and_path(files):
    folder = _write(files)
    try:
        facts = load_aws_facts(str(folder))
    except InputError as e:
        for line in e.lines():
            assert str(folder) in line or "--aws-facts" in line, line
        return
    assert isinstance(facts, dict)
    for policy in RULES_BY_NAME:  # what passes the reader, the pack judges without failing
        _judge(facts, policy)


def _judge(facts, policy):
    rule = RULES_BY_NAME[policy]
    with analyzing(Analysis(policy_config={CONFIG_POLICY: {CONFIG_KEY: facts}})) as current:
        model = build_model(team_stack().args().resources, {}, facts)
        if rule.check_resource is None:
            rule.results(model, rule.settings(current) or rule.defaults())


@given(st.dictionaries(st.sampled_from(["Vpcs", "Subnets", "RouteTables", "SecurityGroups", "VpcEndpoints",
                                        "NatGateways", "VpcAttributes", "Other"]), ANY_JSON, max_size=4))
@example({"Subnets": [{"SubnetId": "subnet-0a", "VpcId": None}], "RouteTables": [{"RouteTableId": "rtb-1",
                                                                                  "Associations": [None, {"Main": 1}]}]})
@SETTINGS
def test_the_pack_builds_its_model_from_any_existing_network_config(facts):
    """Under the real CLI the config file reaches the pack as written (its schema says only `object`): any
    shape is read, entries without their id skipped, and every policy runs."""
    for policy in RULES_BY_NAME:
        _judge(facts, policy)


def test_a_broken_folder_through_the_cli_is_exit_2_without_traceback():
    folder = _write({"subnets.json": b'{"Subnets": [{"SubnetId": "subnet-1", "VpcId": 3}]}'})
    code, out, err = run(["--program", str(REPO / "tests" / "policies" / "realworld" / "shared-vpc"),
                          "--stack", "plain", "--aws-facts", str(folder)])
    assert code == 2 and not crashed(code, err), err
    assert f"{folder}/subnets.json: Subnets[0].VpcId: Input should be a valid string" in err
