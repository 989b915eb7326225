"""Lookups of existing infrastructure (preflight/program/lookups.py, lookup_facts.py, aws_facts.py), on the program teams
write for a shared VPC (tests/policies/realworld/shared-vpc: `aws.ec2.get_vpc` / `get_subnets` by tag, in the
plain form, the `_output` form, and a loop over the looked-up ids).

A real preview reads lookups from AWS. Offline without facts the results are unknown: the verdicts that depend
on them are undecided and a note names each lookup; a program that reads a looked-up list item by item stops
with exit 2 saying what to give. With `--aws-facts DIR` (`aws ec2 describe-*` output) the same program gets the
verdict AWS's documents imply: Amazon EKS User Guide, private-clusters (a private-only cluster's nodes without
outbound internet access need the ec2, ecr.api, ecr.dkr, sts Interface endpoints and the S3 Gateway endpoint;
with a NAT gateway they need none).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from preflight.inputs.aws_facts import load_aws_facts
from preflight.errors import InputError
from preflight.program.lookup_facts import answer, select
from preflight.program.lookups import LookupFailed
from tests.preflight.helpers import REPO

PROGRAM = REPO / "tests" / "policies" / "realworld" / "shared-vpc"
FACTS = PROGRAM / "facts"
FORMS = ("plain", "output", "loop")
PRIVATELINK = "eks-isolated-nodes-privatelink"
UNDECIDABLE = "eks-guardrails-undecidable"


def preflight(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "preflight", "--program", str(PROGRAM), "--jobs", "1", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=600)


def by_stack(run: subprocess.CompletedProcess) -> dict:
    doc = json.loads(run.stdout)
    return {r["stack"]: r for r in doc["results"]}


@pytest.fixture(scope="module")
def without_facts():
    return preflight("--stack", *FORMS, "--json")


def test_without_facts_each_lookup_is_noted_once_and_nothing_is_decided_on_a_guess(without_facts):
    results = by_stack(without_facts)
    for form in ("plain", "output"):
        r = results[form]
        assert r["status"] != "error", r
        assert [v for v in r["violations"] if v["enforcementLevel"] == "mandatory"] == []
        lookup_notes = sorted(v["message"].split(" with ")[1].split(" (")[0] for v in r["violations"]
                              if v["policy"] == UNDECIDABLE and "looks up existing infrastructure" in v["message"])
        assert lookup_notes == ["aws.ec2.get_subnets", "aws.ec2.get_vpc"], r["violations"]
        note = next(v for v in r["violations"] if "aws.ec2.get_vpc " in v["message"])
        assert '{"tags": {"Name": "platform-shared"}}' in note["message"]
        assert "--aws-facts DIR with the output of `aws ec2 describe-vpcs --output json`" in note["message"]
        assert note["urn"].endswith("::pulumi:pulumi:Stack::shared-vpc-" + form)
        # what depends on the looked-up subnets is undecided, not passed or failed
        assert any(PRIVATELINK in v["message"] for v in r["violations"] if v["policy"] == UNDECIDABLE)


def test_without_facts_a_program_that_reads_the_ids_one_by_one_stops_with_what_to_give(without_facts):
    assert without_facts.returncode == 2
    r = by_stack(without_facts)["loop"]
    assert r["status"] == "error"
    line = " ".join(r["errors"])
    assert "reads `ids` of aws.ec2.get_subnets (aws:ec2/getSubnets:getSubnets)" in line
    assert "aws ec2 describe-subnets" in line and "aws.ec2.get_subnets_output" in line
    assert "Traceback" not in without_facts.stderr


@pytest.mark.parametrize("facts,mandatory", [
    ("nat", []),               # NAT egress: no endpoints needed
    ("isolated", [PRIVATELINK]),  # no egress, no endpoints
    ("privatelink", []),       # no egress, the four Interface endpoints and the S3 Gateway endpoint exist
])
def test_with_facts_every_form_gets_the_documented_verdict(facts, mandatory):
    run = preflight("--stack", *FORMS, "--json", "--aws-facts", str(FACTS / facts))
    assert run.returncode == (1 if mandatory else 0), run.stderr
    for form, r in by_stack(run).items():
        assert sorted({v["policy"] for v in r["violations"] if v["enforcementLevel"] == "mandatory"}) == mandatory, form
        assert [v for v in r["violations"] if v["policy"] == UNDECIDABLE] == [], (form, r["violations"])
    if mandatory:
        r = by_stack(run)["plain"]
        assert any("subnet-0bb00000000000001 (existing) has no default route" in v["message"] for v in r["violations"])


def test_facts_in_the_policy_config_are_what_aws_facts_gives_the_pack(tmp_path):
    """`python -m preflight.inputs.aws_facts DIR` prints the config the real CLI's --policy-pack-config takes; given to
    preflight as --policy-config it yields the verdicts --aws-facts yields (lookups aside: the output form's
    values come from the config's facts only through the lookups, so the plain form is compared)."""
    config = tmp_path / "facts.json"
    made = subprocess.run([sys.executable, "-m", "preflight.inputs.aws_facts", str(FACTS / "isolated")], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    config.write_text(made.stdout)
    assert set(json.loads(made.stdout)["eks-guardrails-undecidable"]["existingNetwork"]) == {
        "Vpcs", "Subnets", "RouteTables", "VpcAttributes"}
    exported = preflight("--stack", "plain", "--deployed", "--aws-facts", str(FACTS / "isolated"),
                         "--write-export", str(tmp_path))
    assert exported.returncode == 1, exported.stderr
    a = subprocess.run([sys.executable, "-m", "preflight", "--export", str(tmp_path / "plain.json"), "--json",
                        "--policy-config", str(config)], cwd=REPO, capture_output=True, text=True, timeout=120)
    b = subprocess.run([sys.executable, "-m", "preflight", "--export", str(tmp_path / "plain.json"), "--json",
                        "--aws-facts", str(FACTS / "isolated")], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert a.returncode == b.returncode == 1
    assert json.loads(a.stdout)["results"][0]["violations"] == json.loads(b.stdout)["results"][0]["violations"]


# -- the facts folder: every problem named with its file and path, exit 2 ---------------------------------

def write(folder: Path, name: str, doc) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(doc if isinstance(doc, str) else json.dumps(doc))


@pytest.mark.parametrize("files,expected", [
    ({"subnets.json": {"Subnets": [{"SubnetId": 5, "VpcId": "vpc-1"}]}}, "subnets.json: Subnets[0].SubnetId: Input should be a valid string"),
    ({"subnets.json": {"Subnets": [{"VpcId": "vpc-1"}]}}, "subnets.json: Subnets[0].SubnetId: Field required"),
    ({"rt.json": {"RouteTables": {"RouteTableId": "rtb-1"}}}, "rt.json: RouteTables: expected a list, got dict"),
    ({"other.json": {"Reservations": []}}, "other.json: not an aws ec2 describe-* document"),
    ({"bad.json": "{not json"}, "bad.json: not a JSON document"),
    ({"a.json": {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]},
      "b.json": {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.1.0.0/16"}]}}, "b.json: Vpcs[0]: VpcId vpc-1 is also described, differently, in"),
])
def test_a_broken_facts_folder_is_refused_naming_file_and_path(tmp_path, files, expected):
    folder = tmp_path / "facts"
    for name, doc in files.items():
        write(folder, name, doc)
    with pytest.raises(InputError) as e:
        load_aws_facts(str(folder))
    assert any(expected in line for line in e.value.lines()), e.value.lines()
    run = preflight("--stack", "plain", "--aws-facts", str(folder))
    assert run.returncode == 2 and expected in run.stderr and "Traceback" not in run.stderr


def test_a_lookup_the_facts_do_not_answer_fails_as_the_provider_would(tmp_path):
    folder = tmp_path / "facts"
    write(folder, "vpcs.json", {"Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "other"}]}]})
    run = preflight("--stack", "plain", "--aws-facts", str(folder))
    assert run.returncode == 2, run.stderr
    assert 'aws.ec2.get_vpc: no matching EC2 VPC found in --aws-facts for {"tags": {"Name": "platform-shared"}}' in run.stderr
    assert "Traceback" not in run.stderr


# -- selection rules (EC2 API Reference, Describe* filters) ------------------------------------------------

SUBNETS = {"Subnets": [
    {"SubnetId": "subnet-2", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1b", "DefaultForAz": False,
     "Tags": [{"Key": "Tier", "Value": "private"}]},
    {"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a", "DefaultForAz": True,
     "Tags": [{"Key": "Tier", "Value": "public"}]},
    {"SubnetId": "subnet-3", "VpcId": "vpc-2", "AvailabilityZone": "us-east-1a", "Tags": []}]}
GET_SUBNETS = "aws:ec2/getSubnets:getSubnets"
GET_SUBNET = "aws:ec2/getSubnet:getSubnet"


@pytest.mark.parametrize("args,ids", [
    ({"filters": [{"name": "vpc-id", "values": ["vpc-1"]}]}, ["subnet-1", "subnet-2"]),
    ({"tags": {"Tier": "private"}}, ["subnet-2"]),
    ({"filters": [{"name": "tag:Tier", "values": ["pub*"]}]}, ["subnet-1"]),
    ({"filters": [{"name": "tag-key", "values": ["Tier"]}, {"name": "availability-zone", "values": ["us-east-1a"]}]},
     ["subnet-1"]),
    ({"filters": [{"name": "default-for-az", "values": ["true"]}]}, ["subnet-1"]),
    ({"filters": [{"name": "vpc-id", "values": ["vpc-1", "vpc-2"]}]}, ["subnet-1", "subnet-2", "subnet-3"]),
    ({"filters": [{"name": "vpc-id", "values": ["vpc-9"]}]}, []),
])
def test_plural_lookups_select_as_ec2_filters_do(args, ids):
    assert answer(GET_SUBNETS, args, SUBNETS, "us-east-1")["ids"] == ids


def test_singular_lookups_need_exactly_one_match():
    one = answer(GET_SUBNET, {"id": "subnet-2"}, SUBNETS, "us-east-1")
    assert (one["id"], one["vpcId"], one["availabilityZone"], one["tags"]) == ("subnet-2", "vpc-1", "us-east-1b",
                                                                               {"Tier": "private"})
    with pytest.raises(LookupFailed, match="multiple EC2 Subnets matched .* \\(subnet-1, subnet-2\\)"):
        answer(GET_SUBNET, {"vpcId": "vpc-1"}, SUBNETS, "us-east-1")
    with pytest.raises(LookupFailed, match="no matching EC2 Subnet found"):
        answer(GET_SUBNET, {"id": "subnet-9"}, SUBNETS, "us-east-1")


def test_a_filter_it_cannot_apply_is_an_error_not_a_guess():
    with pytest.raises(LookupFailed, match="filter `ipv6-cidr-block-association.ipv6-cidr-block` is not one"):
        select(GET_SUBNETS, {"filters": [{"name": "ipv6-cidr-block-association.ipv6-cidr-block", "values": ["x"]}]},
               SUBNETS)
