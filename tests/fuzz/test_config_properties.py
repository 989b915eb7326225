"""Property-based robustness of stack files and policy configs (issue 22 class 7), preflight run in-process:

- stack files (Pulumi.<stack>.yaml) whose tag values YAML reads as timestamps, dates, numbers, booleans or null,
  and whose settings hold values of any type: exit 0 or 1 (tag values are taken as text, as the CLI does), or 2
  naming the file and the key; never a traceback;
- policy configs (`--policy-config`) with `null` and values of every type at the top, per policy and per
  property: exit 0, 1 or 2 naming the file; never a traceback.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import example, given, strategies as st

from tests.fuzz.state_runs import REPO, crashed, run
from tests.fuzz.test_state_properties import SETTINGS, base

BASE_STACK = (REPO / "stacks" / "Pulumi.public-managed.yaml").read_text()
# YAML scalars that are not strings to a YAML 1.1 reader (PyYAML) and some that are.
YAML_SCALARS = ["2024-01-01", "2024-01-01T10:00:00Z", "2001-12-14 21:59:43.10 -5", "1001", "0x1F", "0o17", "017",
                "1_000", "1e3", ".inf", "-.inf", ".nan", "~", "null", "", "yes", "no", "on", "off", "true",
                "12:30:00", "1:20", "'quoted'", "[a, b]", "{a: 1}", "!!binary aGk=", "\"\\u00e9\"", "&a x"]
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
                        | st.text(max_size=8), lambda c: st.lists(c, max_size=3) | st.dictionaries(
                            st.text(max_size=6), c, max_size=3), max_leaves=6)
SETTINGS_KEYS = ["endpointAccess", "dataPlane", "vpcCidr", "availabilityZones", "kubernetesVersion",
                 "publicAccessCidrs", "nodes", "clusterLogTypes", "secretsEncryption", "tags"]
POLICIES = ["eks-public-access-cidrs", "eks-resource-names", "eks-guardrails-undecidable", "all"]


@st.composite
def stack_files(draw) -> tuple:
    tag = draw(st.sampled_from(YAML_SCALARS))
    text = BASE_STACK.replace('cost-center: "1001"', f"cost-center: {tag}")
    altered = draw(st.booleans())
    if altered:
        key = draw(st.sampled_from(SETTINGS_KEYS))
        value = json.dumps(draw(ANY_JSON))
        lines = [l for l in text.splitlines() if not l.startswith(f"  eks-variants:{key}:")]
        text = "\n".join(lines) + f"\n  eks-variants:{key}: {value}\n"
    return text, altered


def _stack_run(text: str):
    work = Path(tempfile.mkdtemp(prefix="stackfile-"))
    path = work / "Pulumi.fuzz.yaml"
    path.write_text(text)
    return run(["--program", str(REPO), "--config-file", str(path), "--json"]), path


@given(stack_files())
@example((BASE_STACK.replace('cost-center: "1001"', "cost-center: 2024-01-01"), False))
@example((BASE_STACK.replace('cost-center: "1001"', "cost-center: ~"), False))
@SETTINGS
def test_a_stack_file_with_any_values_is_judged_or_refused_by_name(case):
    text, altered = case
    (code, out, err), path = _stack_run(text)
    assert not crashed(code, err), err
    if code == 2:
        assert path.name in err, err
    try:
        tags_read = yaml.safe_load(text)["config"]["eks-variants:tags"]
    except Exception:  # noqa: BLE001 - the file itself is the case
        return
    scalar = isinstance(tags_read, dict) and not isinstance(tags_read.get("cost-center"), (type(None), list, dict))
    if scalar and not altered:
        assert code in (0, 1), f"a tag value YAML reads as a date, number or boolean is text\n{err}"
    elif code == 2 and tags_read is not None:
        assert "cost-center" in err or "eks-variants:" in err, err  # a null or object tag: refused by its key


@st.composite
def policy_configs(draw):
    shape = draw(st.integers(0, 3))
    if shape == 0:
        return draw(ANY_JSON)
    name = draw(st.sampled_from(POLICIES))
    if shape == 1:
        return {name: draw(ANY_JSON)}
    level = draw(st.sampled_from([None, "advisory", "mandatory", "disabled", "remediate", 1, "x"]))
    prop = draw(st.sampled_from(["enforcementLevel", "allowedCidrs", "x", ""]))
    return {name: {"enforcementLevel": level, prop: draw(ANY_JSON)}}


@given(policy_configs())
@example(None)
@example({"eks-public-access-cidrs": None})
@example({"eks-public-access-cidrs": {"enforcementLevel": "mandatory", "allowedCidrs": None}})
@SETTINGS
def test_a_policy_config_with_any_values_is_judged_or_refused_by_name(config):
    work = Path(tempfile.mkdtemp(prefix="policy-"))
    export, policy = work / "export.json", work / "policy.json"
    export.write_text(json.dumps(base()["doc"]))
    policy.write_text(json.dumps(config))
    code, out, err = run(["--export", str(export), "--policy-config", str(policy), "--json"])
    assert not crashed(code, err), err
    if code == 2:
        assert policy.name in err, err
