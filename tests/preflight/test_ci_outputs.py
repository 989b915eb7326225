"""The outputs CI reads (issue 20): `--output text|json|sarif|junit|github`, each finding at the program line that
registered the resource, policy ids and pages, exempted violations reported as such.

Runs the project's program and pack on `public-managed` (one advisory violation: eks-public-access-cidrs on the
pulumi-eks cluster) under two policy configs: one exempting it (plus an exemption that matches nothing), one
raising the policy to mandatory."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from tests.preflight.helpers import FIXTURES, REPO

STACK = "public-managed"
POLICY, POLICY_ID = "eks-public-access-cidrs", "EKSNET-012"
EXEMPT = {POLICY: {"exemptions": [
    {"resource": "eks", "reason": "CI runners have no fixed egress (TICKET-42)", "expires": "2999-12-31"},
    {"resource": "no-such-*", "reason": "left over", "expires": "2999-12-31"}]}}
RAISED = {POLICY: "mandatory"}
SARIF_SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
JSON_SCHEMA = json.loads((REPO / "docs" / "preflight-json.schema.json").read_text(encoding="utf-8"))


GITHUB_ACTIONS = {"GITHUB_SERVER_URL": "https://github.example", "GITHUB_REPOSITORY": "acme/platform",
                  "GITHUB_SHA": "0123abc"}


def preflight(*args, config=None, tmp=None, env=None):
    cmd = [sys.executable, "-m", "preflight", *args]
    if config is not None:
        path = Path(tmp) / f"cfg-{abs(hash(json.dumps(config, sort_keys=True)))}.json"
        path.write_text(json.dumps(config), encoding="utf-8")
        cmd += ["--policy-config", str(path)]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, env={**environ, **(env or {})})


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ci")
    out = {}
    for fmt in ("text", "json", "sarif", "junit", "github"):
        out[fmt] = preflight("--stack", STACK, "--output", fmt, config=EXEMPT, tmp=tmp)
    for fmt in ("junit", "github", "sarif"):
        out["raised-" + fmt] = preflight("--stack", STACK, "--output", fmt, config=RAISED, tmp=tmp)
    out["sarif-actions"] = preflight("--stack", STACK, "--output", "sarif", config=EXEMPT, tmp=tmp, env=GITHUB_ACTIONS)
    out["alias"] = preflight("--stack", STACK, "--json", config=EXEMPT, tmp=tmp)
    out["export-dir"] = tmp / "exports"
    preflight("--stack", STACK, "--write-export", str(out["export-dir"]))
    out["export-json"] = preflight("--export", str(out["export-dir"] / f"{STACK}.json"), "--json", config=RAISED, tmp=tmp)
    out["export-text"] = preflight("--export", str(out["export-dir"] / f"{STACK}.json"), config=RAISED, tmp=tmp)
    return out


def program_line(source: dict) -> str:
    return (REPO / source["file"]).read_text(encoding="utf-8").splitlines()[source["line"] - 1]


def test_json_violations_carry_id_source_and_exemption(runs):
    r = runs["json"]
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, JSON_SCHEMA)
    assert json.loads(runs["alias"].stdout) == doc  # --json is --output json
    (result,) = doc["results"]
    exempted = [v for v in result["violations"] if "exemption" in v]
    assert len(exempted) == 1 and exempted[0]["exemption"] == {
        "policy": POLICY, "reason": "CI runners have no fixed egress (TICKET-42)", "expires": "2999-12-31"}
    v = exempted[0]
    assert v["policy"] == "eks-guardrails-exemptions" and v["enforcementLevel"] == "advisory" and v["id"] == "EKSNET-014"
    # the line that registered the pulumi-eks cluster in the program
    assert v["source"]["file"].endswith(".py") and "eks.Cluster(" in program_line(v["source"])
    unused = [v for v in result["violations"] if "[exemption unused]" in v["message"]]
    assert len(unused) == 1 and "no-such-*" in unused[0]["message"] and unused[0]["source"] is None
    assert result["exempted"] == 1 and doc["summary"]["exempted"] == 1
    assert not [v for v in result["violations"] if v["policy"] == POLICY]  # not reported by the policy itself


def test_text_shows_ids_source_lines_and_exempted_count(runs):
    r = runs["text"]
    assert r.returncode == 0, r.stderr
    assert "EKSNET-014 eks-guardrails-exemptions" in r.stdout
    src = json.loads(runs["json"].stdout)["results"][0]["violations"]
    line = next(v["source"] for v in src if v.get("source"))
    assert f"({line['file']}:{line['line']})" in r.stdout
    assert "[exempted until 2999-12-31: CI runners have no fixed egress (TICKET-42)] [eks-public-access-cidrs]" in r.stdout
    assert "(1 exempted)" in r.stdout.splitlines()[-1]


def test_sarif_is_valid_and_complete(runs):
    for key, code in (("sarif", 0), ("raised-sarif", 1)):
        r = runs[key]
        assert r.returncode == code, r.stderr
        doc = json.loads(r.stdout)
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(doc)
    doc = json.loads(runs["sarif"].stdout)
    (run,) = doc["runs"]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert [f"EKSNET-{n:03d}" for n in range(1, 15)] == sorted(rules)
    rule = rules[POLICY_ID]
    # Pages are repository-relative: linked absolutely only where the CI says where the repository is
    assert rule["name"] == POLICY and "helpUri" not in rule and f"docs/policies/{POLICY_ID}.md" in rule["help"]["text"]
    in_actions = {r["id"]: r for r in json.loads(runs["sarif-actions"].stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert in_actions[POLICY_ID]["helpUri"] == f"https://github.example/acme/platform/blob/0123abc/docs/policies/{POLICY_ID}.md"
    assert rule["defaultConfiguration"]["level"] == "warning" and "posture" in rule["properties"]["tags"]
    assert rule["shortDescription"]["text"] and "Source:" in rule["fullDescription"]["text"] and rule["help"]["text"]
    assert rules["EKSNET-001"]["defaultConfiguration"]["level"] == "error"
    exempted = [r for r in run["results"] if r.get("suppressions")]
    assert len(exempted) == 1
    res = exempted[0]
    assert res["ruleId"] == POLICY_ID and res["level"] == "note"
    assert res["suppressions"][0]["justification"].startswith("CI runners have no fixed egress")
    loc = res["locations"][0]["physicalLocation"]
    assert "eks.Cluster(" in program_line({"file": loc["artifactLocation"]["uri"], "line": loc["region"]["startLine"]})
    raised = json.loads(runs["raised-sarif"].stdout)["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in raised] == [(POLICY_ID, "error")]


def test_junit_one_case_per_stack_and_policy(runs):
    root = ET.fromstring(runs["junit"].stdout)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 14 and {c.get("classname") for c in cases} == {STACK}
    by_name = {c.get("name"): c for c in cases}
    exempted = by_name[f"{POLICY_ID} {POLICY}"]
    assert exempted.find("failure") is None and "[exempted]" in exempted.find("system-out").text
    raised = ET.fromstring(runs["raised-junit"].stdout)
    assert raised.get("failures") == "1"
    failing = [c for c in raised.iter("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == [f"{POLICY_ID} {POLICY}"]
    assert "public API endpoint open to 0.0.0.0/0" in failing[0].find("failure").text


def test_github_annotations(runs):
    lines = runs["github"].stdout.splitlines()
    notice = [l for l in lines if l.startswith("::notice ")]
    assert len(notice) == 1 and f"title=EKSNET-012 {POLICY} (exempted) [{STACK}]" in notice[0]
    assert "file=" in notice[0] and ",line=" in notice[0]
    (error,) = runs["raised-github"].stdout.splitlines()
    assert error.startswith("::error file=") and "%0A" in error and "\n" not in error


def test_exports_say_they_have_no_source(runs):
    doc = json.loads(runs["export-json"].stdout)
    (result,) = doc["results"]
    assert result["sourceNote"] == "a stack export has no program source lines"
    assert result["violations"] and all(v["source"] is None for v in result["violations"])
    assert "a stack export has no program source lines" in runs["export-text"].stdout


def test_json_cannot_combine_with_another_output():
    r = preflight("--stack", STACK, "--json", "--output", "sarif")
    assert r.returncode == 2 and "--json is --output json" in r.stderr and "Traceback" not in r.stderr
