"""Verdict parity: for every export of the corpus (corpus.py: the twelve stacks, the real-world programs at preview
and deployed, every valid and failing fixture layout in raw pulumi-aws and pulumi-eks forms, secret-leaf and
asset/archive variants), `pulumi policy analyze --policy-pack policies/pack-launcher --file F --json` and
`python -m preflight --export F --json` report the same (policy, URN, enforcement level, message) list and the
same pass/fail — with no policy config, and with configs that disable a policy, raise an advisory one to
mandatory and lower a mandatory one (the `--policy-pack-config` JSON format, read by both)."""
from __future__ import annotations

import json

import pytest

from tests.conformance.parity import cli_verdicts, differences, preflight_verdicts
from tests.policies.fixture_cases import FAILING

ADVISORY_BY_DEFAULT = {"eks-public-access-cidrs", "eks-guardrails-undecidable"}
CASE_BY_SLUG = {c.id.replace(":", "--"): c for c in FAILING}


def _case_of(name: str):
    return next((c for slug, c in CASE_BY_SLUG.items() if name.startswith(slug + "--")), None)


@pytest.fixture(scope="module")
def default_verdicts(session_cli, corpus):
    """Both engines' verdicts on the whole corpus with no policy config, computed once for this module."""
    files = [f for group in corpus.values() for f in group]
    return cli_verdicts(session_cli, files), preflight_verdicts(files)


@pytest.mark.parametrize("group", ["stacks", "realworld", "fixture", "values"])
def test_the_cli_and_preflight_give_every_export_the_same_verdict(default_verdicts, corpus, group):
    cli, pre = ({f: v for f, v in verdicts.items() if f in corpus[group]} for verdicts in default_verdicts)
    assert len(cli) == len(corpus[group]) > 0
    assert differences(cli, pre) == []
    assert sum(len(v.violations) for v in cli.values()) > 0, "nothing was compared"


def test_the_cli_reports_each_failing_fixture_layout_with_its_documented_policy(default_verdicts, corpus):
    """The CLI's own verdicts on the fixture corpus are the documented ones (tests/policies/fixture_cases.py: each
    failing layout is one mutation away from a valid one and must be reported by exactly its policy)."""
    checked = 0
    for f in corpus["fixture"]:
        v = default_verdicts[0][f]
        case = _case_of(f.name)
        if case is None:  # a valid layout: nothing mandatory
            assert not v.failed, (f.name, v.violations)
            continue
        level = "advisory" if case.policy in ADVISORY_BY_DEFAULT else "mandatory"
        assert (case.policy, level) in v.levels(), (f.name, v.levels())
        assert {p for p, lvl in v.levels() if lvl == "mandatory"} <= {case.policy}, (f.name, v.levels())
        checked += 1
    assert checked == sum(2 * len(c.forms) for c in FAILING)


CONFIGS = {
    "disable a mandatory policy": ({"eks-isolated-nodes-privatelink": "disabled"},
                                   lambda vs: all(p != "eks-isolated-nodes-privatelink" for p, _ in vs)),
    "raise an advisory policy": ({"eks-public-access-cidrs": "mandatory"},
                                 lambda vs: ("eks-public-access-cidrs", "mandatory") in vs),
    "lower a mandatory policy": ({"eks-public-endpoint-node-egress": {"enforcementLevel": "advisory"}},
                                 lambda vs: ("eks-public-endpoint-node-egress", "advisory") in vs),
    "everything advisory": ({"all": "advisory"}, lambda vs: vs and all(lvl == "advisory" for _, lvl in vs)),
    "a policy's own setting": ({"eks-isolated-nodes-privatelink": {"requiredServices": ["ec2", "ecr.api",
                                                                                        "ecr.dkr", "sts", "logs"]}},
                               lambda vs: ("eks-isolated-nodes-privatelink", "mandatory") in vs),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_policy_config_changes_both_verdicts_alike(session_cli, corpus, tmp_path, name):
    config, took_effect = CONFIGS[name]
    path = tmp_path / "policy-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    # For each policy its first failing layout, at preview and as deployed; four reference stacks.
    files, seen = [], {}
    for f in corpus["fixture"]:
        case = _case_of(f.name)
        key = (case.policy, f.name.rsplit("--", 1)[1]) if case is not None else None
        if key is not None and key not in seen:
            seen[key] = case
            files.append(f)
    files += [f for f in corpus["stacks"] if f.stem in ("private-managed", "private-auto", "public-managed",
                                                        "public-fargate")]
    cli, pre = cli_verdicts(session_cli, files, path), preflight_verdicts(files, path)
    assert differences(cli, pre) == []
    union = set().union(*(v.levels() for v in cli.values()))
    assert took_effect(union), union
