"""`preflight --report`, `--baseline` and `--json` end to end, through the command line.

docs/variants/ is what `make report` writes for the stacks in stacks/: it must be current, so a team
can choose a variant by reading it. --json must validate against docs/preflight-json.schema.json in
every input mode, including runs where an input could not be used.
"""
import filecmp
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from .conftest import REPO, STACKS, run_preflight

SCHEMA = json.loads((REPO / "docs" / "preflight-json.schema.json").read_text())
VARIANTS = REPO / "docs" / "variants"
STACK_FILES = sorted((REPO / "stacks").glob("Pulumi.*.yaml"))


def validate(doc: dict) -> dict:
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return doc


@pytest.fixture(scope="module")
def all_report(tmp_path_factory):
    """`make report`'s command, into a temporary folder, with --json on stdout."""
    out = tmp_path_factory.mktemp("variants") / "variants"
    done = run_preflight("--all", "--report", str(out), "--json")
    assert done.returncode == 0, done.stderr
    return out, json.loads(done.stdout)


def test_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_committed_docs_variants_are_current(all_report):
    out, _ = all_report
    fresh = sorted(p.name for p in out.iterdir())
    committed = sorted(p.name for p in VARIANTS.iterdir()) if VARIANTS.is_dir() else []
    _, mismatch, errors = filecmp.cmpfiles(out, VARIANTS, fresh, shallow=False)
    stale = {"missing": sorted(set(fresh) - set(committed)), "extra": sorted(set(committed) - set(fresh)),
             "different": sorted(set(mismatch) | (set(errors) & set(committed)))}
    assert not any(stale.values()), (
        f"docs/variants/ is not what `make report` writes now ({stale}): run `make report` and commit docs/variants/")


def test_index_has_a_row_with_a_cost_per_stack_and_the_three_modes(all_report):
    out, doc = all_report
    index = (out / "index.md").read_text()
    names = [f.name[len("Pulumi."):-len(".yaml")] for f in STACK_FILES]
    for name in names:
        [row] = [line for line in index.splitlines() if line.startswith(f"| [{name}]({name}.md) |")]
        assert re.search(r"\| \$[\d,]+\.\d\d( \+ \d+ unpriced)? \|", row), row
    assert "## The three endpoint modes side by side" in index
    for mode in ("public", "public-private", "private"):
        assert re.search(rf"\| {re.escape(mode)}: \[", index)
    assert doc["summary"]["stacks"] == len(names) and doc["summary"]["exitCode"] == 0
    assert all(r["cost"]["monthlyTotal"] > 73 for r in doc["results"])  # at least the control plane


def test_each_stack_page_has_mermaid_cost_plan_and_an_svg_with_its_subnets(all_report):
    out, doc = all_report
    for result in doc["results"]:
        name = result["stack"]
        page = (out / f"{name}.md").read_text()
        assert "```mermaid\nflowchart TB\n" in page and f"[{name}.svg]({name}.svg)" in page
        assert "| Name | Monthly qty | Unit | Monthly cost |" in page and "## Plan" in page
        assert "`eks:index:Cluster`" in page
        svg = ET.parse(out / f"{name}.svg").getroot()
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        subnets = [s for s in re.findall(r"`aws:ec2/subnet:Subnet` \*\*(.+?)\*\*", page)]
        assert subnets and all(s in texts for s in subnets), name


def test_all_json_validates_and_carries_pack_and_costs(all_report):
    _, doc = all_report
    validate(doc)
    assert doc["schemaVersion"] == 2 and doc["pack"]["name"] == "eks-network-guardrails" and doc["pack"]["version"]
    for r in doc["results"]:
        assert r["source"] == r["stack"] and r["input"] == f"stacks/Pulumi.{r['stack']}.yaml"
        assert r["cost"]["lines"][0]["name"].startswith("EKS cluster (")


def test_json_in_stack_config_file_and_export_modes(tmp_path):
    exports = tmp_path / "exports"
    one = run_preflight("--stack", "private-managed", "--json", "--write-export", str(exports))
    assert one.returncode == 0, one.stderr
    doc = validate(json.loads(one.stdout))
    assert [(r["source"], r["kind"]) for r in doc["results"]] == [("private-managed", "stack")]

    cfg = run_preflight("--config-file", str(STACKS / "Pulumi.cost-public-fargate.yaml"), "--json")
    doc = validate(json.loads(cfg.stdout))
    assert [r["source"] for r in doc["results"]] == ["cost-public-fargate"]
    assert doc["results"][0]["cost"]["monthlyTotal"] == 110.50

    exp = run_preflight("--export", str(exports / "private-managed.json"), "--json")
    assert exp.returncode == 0, exp.stderr
    doc = validate(json.loads(exp.stdout))
    # The same `source` form as when the stack file was run: the stack's name.
    assert [(r["source"], r["kind"]) for r in doc["results"]] == [("private-managed", "export")]


def test_json_lists_inputs_with_config_errors(tmp_path):
    bad = tmp_path / "Pulumi.broken.yaml"
    bad.write_text("config:\n  aws:region: eu-west-1\n  eks-variants:endpointAccess: private\n"
                   "  eks-variants:dataPlane: managed\n  eks-variants:natGateways: single\n")
    done = run_preflight("--config-file", str(STACKS / "Pulumi.cost-public-fargate.yaml"),
                         "--config-file", str(bad), "--json")
    assert done.returncode == 2
    doc = validate(json.loads(done.stdout))
    assert doc["summary"] == {**doc["summary"], "stacks": 2, "checked": 1, "errors": 1, "exitCode": 2}
    broken = [r for r in doc["results"] if r["status"] == "error"]
    assert [r["source"] for r in broken] == ["broken"]
    assert any("eks-variants:natGateways" in line for line in broken[0]["errors"])
    assert "eks-variants:natGateways" in done.stderr  # stderr keeps its lines


def test_json_when_nothing_could_be_planned():
    done = run_preflight("--stack", "no-such-stack", "--json")
    assert done.returncode == 2
    doc = validate(json.loads(done.stdout))
    assert doc["results"] == [] and doc["summary"]["exitCode"] == 2
    assert any("no-such-stack" in line for line in doc["errors"])


def test_baseline_shows_the_cost_delta_of_going_private(tmp_path):
    before, after = tmp_path / "before", tmp_path / "after"
    first = run_preflight("--config-file", str(STACKS / "before" / "Pulumi.team-a.yaml"), "--report", str(before))
    assert first.returncode == 0, first.stderr
    second = run_preflight("--config-file", str(STACKS / "after" / "Pulumi.team-a.yaml"), "--report", str(after),
                           "--baseline", str(before))
    assert second.returncode == 0, second.stderr
    old = json.loads((before / "report.json").read_text())["results"][0]
    new = json.loads((after / "report.json").read_text())["results"][0]
    # public-private with one NAT gateway -> private: the NAT gateway and its Elastic IP go, interface
    # endpoints in three AZs come: at least ec2, ecr.api, ecr.dkr, sts (EKS User Guide, private-clusters).
    assert {line["resource"].split()[0] for line in old["cost"]["lines"]} >= {"NAT", "Elastic"}
    assert not {line["resource"].split()[0] for line in new["cost"]["lines"]} & {"NAT", "Elastic"}
    endpoints = {line["resource"].removeprefix("Interface endpoint ") for line in new["cost"]["lines"]
                 if line["name"] == "Endpoint ENIs (3 AZs)"}
    assert endpoints >= {"ec2", "ecr.api", "ecr.dkr", "sts"}
    delta = round(new["cost"]["monthlyTotal"] - old["cost"]["monthlyTotal"], 2)
    assert delta != 0
    shown = f"{'+' if delta > 0 else '-'}${abs(delta):,.2f}"
    page = (after / "team-a.md").read_text()
    assert f"monthly cost {shown}, resources {new['resources'] - old['resources']:+d}" in page
    assert "0 new and 1 fixed violations" in page  # the open public endpoint (advisory) is gone
    [row] = [line for line in (after / "index.md").read_text().splitlines() if line.startswith("| [team-a]")]
    assert f"| {shown} |" in row


def test_baseline_from_a_version_1_json_file(tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"results": [{"source": "team-a", "resources": 30, "violations": []}]}))
    done = run_preflight("--config-file", str(STACKS / "after" / "Pulumi.team-a.yaml"), "--report",
                         str(tmp_path / "r"), "--baseline", str(old))
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "r" / "team-a.md").read_text()
    now = json.loads((tmp_path / "r" / "report.json").read_text())["results"][0]["resources"]
    # No cost in a version-1 document: the cost delta is n/a, the resource delta is still shown.
    assert f"monthly cost n/a, resources +{now - 30}, 0 new and 0 fixed violations" in page


def test_baseline_that_is_not_a_report_is_an_input_error(tmp_path):
    done = run_preflight("--stack", "private-managed", "--report", str(tmp_path / "r"), "--baseline",
                         str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert f"--baseline not found: {tmp_path / 'nowhere'}" in done.stderr
    assert not (tmp_path / "r").exists()  # nothing half-done


def test_bad_usage_file_stops_the_run_before_recording(tmp_path):
    usage = tmp_path / "usage.yaml"
    usage.write_text("default:\n  nat_gigabytes: 10\n")
    done = run_preflight("--stack", "private-managed", "--json", "--usage-file", str(usage))
    assert done.returncode == 2
    assert f"usage file {usage}: unknown key `default.nat_gigabytes`" in done.stderr
    assert "checked" not in done.stderr  # nothing was recorded
    assert json.loads(done.stdout)["errors"] == [line.removeprefix("preflight: ")
                                                 for line in done.stderr.splitlines() if "usage file" in line]
