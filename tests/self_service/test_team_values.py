"""What `new-stack` never copies and what it chooses per team (issue 18, items 1 and 2), for the team stack
of every variant:

- no made-up principals: the reference stacks carry none; `--access-entry` gives real ones; an ARN in an AWS
  documentation account (111122223333) is refused naming the key (EKS User Guide, creating-access-entries:
  an access entry holds "one, and only one, existing IAM principal");
- `publicAccessCidrs`: private (RFC 1918) and other reserved ranges are refused ("The block cannot include
  reserved addresses", EKS User Guide, config-cluster-endpoint); RFC 5737 documentation ranges are accepted
  by AWS but admit nobody: a warning, and never in a team's file;
- each team's VPC range overlaps no other stack file (Amazon VPC Peering Guide: no peering between
  overlapping CIDRs), taken from a configurable pool; `preflight --all` reports overlapping stack files.
"""
from __future__ import annotations

import contextlib
import ipaddress
import io

import pytest
import yaml

from eks_variants.new_stack import Request, plan, run, variants, write
from eks_variants.team_values import DEFAULT_VPC_POOL
from preflight.cli import main as preflight_main
from stack_config import StackConfigError, validate
from stack_config.placeholders import DOCUMENTATION_RANGES
from tests.program.harness import REFERENCE_STACKS, stack_config

NS = "eks-variants"


def configs_of(project) -> dict:
    return {p.name: yaml.safe_load(p.read_text())["config"] for p in (project / "stacks").glob("Pulumi.*.yaml")}


@pytest.fixture
def every_team(project):
    """A team stack for every variant, written one after the other into one project."""
    for variant in variants():
        write(plan(Request(team=f"t-{variant}", variant=variant, region="eu-west-1"), project))
    return project


def test_reference_stacks_carry_no_made_up_principals():
    for name in REFERENCE_STACKS:
        config = stack_config(name)
        for entry in config.get(f"{NS}:accessEntries", []):
            assert ":111122223333:" not in entry["principalArn"] and ":444455556666:" not in entry["principalArn"]
        validate({k.split(":", 1)[1]: v for k, v in config.items() if k.startswith(f"{NS}:")})


def test_team_stacks_carry_no_principals_unless_given_and_no_documentation_ranges(every_team):
    teams = {n: c for n, c in configs_of(every_team).items() if n.startswith("Pulumi.team-")}
    assert len(teams) == len(variants())
    for name, config in teams.items():
        assert f"{NS}:accessEntries" not in config, name
        for cidr in config.get(f"{NS}:publicAccessCidrs", []):
            net = ipaddress.IPv4Network(cidr)
            assert not any(net.subnet_of(ipaddress.IPv4Network(d)) for d in DOCUMENTATION_RANGES), name


def test_every_stack_file_gets_a_vpc_range_of_its_own(every_team, capsys):
    ranges = {n: ipaddress.IPv4Network(c.get(f"{NS}:vpcCidr", "10.0.0.0/16")) for n, c in configs_of(every_team).items()}
    names = sorted(ranges)
    assert len(names) == 24
    clashes = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if ranges[a].overlaps(ranges[b])]
    assert clashes == []
    pool = ipaddress.IPv4Network(DEFAULT_VPC_POOL)
    assert all(ranges[n].subnet_of(pool) for n in names if n.startswith("Pulumi.team-"))
    # and preflight --all, which reports overlapping stack files, reports none
    assert preflight_main(["--all", "--program", str(every_team)]) == 0
    assert "overlaps" not in capsys.readouterr().err


def test_preflight_all_reports_overlapping_vpc_ranges(project, capsys):
    path = project / "stacks" / "Pulumi.public-auto.yaml"
    path.write_text(path.read_text().replace("10.13.0.0/16", "10.10.128.0/17"))
    preflight_main(["--all", "--program", str(project)])
    err = capsys.readouterr().err
    assert ("warning: stacks/Pulumi.public-auto.yaml and stacks/Pulumi.public-managed.yaml: eks-variants:vpcCidr "
            "10.10.128.0/17 overlaps 10.10.0.0/16") in err.replace(str(project) + "/", "")


def test_a_chosen_vpc_range_that_overlaps_another_stack_is_refused_naming_both(project):
    err = io.StringIO()
    with contextlib.chdir(project):
        status = run(Request("web", "private-managed", "eu-west-1", ["vpcCidr=10.30.0.0/20"]), program_dir=project,
                     out=io.StringIO(), err=err, check_with_preflight=False)
    assert status == 2
    assert err.getvalue() == ("new-stack: stacks/Pulumi.team-web.yaml: eks-variants:vpcCidr: 10.30.0.0/20 overlaps "
                              "stacks/Pulumi.private-managed.yaml (10.30.0.0/16); VPC peering and transit gateway "
                              "routing need disjoint ranges (leave vpcCidr out and new-stack picks a free one)\n")
    assert not (project / "stacks" / "Pulumi.team-web.yaml").exists()


def test_the_pool_is_configurable_and_a_full_pool_is_an_error(project):
    planned = plan(Request("web", "public-managed", "eu-west-1", vpc_pool="172.20.0.0/15"), project)
    assert yaml.safe_load(planned.text)["config"][f"{NS}:vpcCidr"] == "172.20.0.0/16"
    assert "--vpc-pool 172.20.0.0/15" in planned.text  # the command in the header says how it was made
    write(planned)
    write(plan(Request("api", "public-managed", "eu-west-1", vpc_pool="172.20.0.0/15"), project))
    with pytest.raises(Exception) as exc:
        plan(Request("ops", "public-managed", "eu-west-1", vpc_pool="172.20.0.0/15"), project)
    assert "--vpc-pool 172.20.0.0/15: no /16 block left" in str(exc.value.lines())


def test_access_entries_come_from_flags(project):
    planned = plan(Request("web", "public-private-auto", "eu-west-1", access_entries=[
        "arn:aws:iam::210987654321:role/web-admins=cluster-admin",
        "arn:aws:iam::210987654321:role/teams/web=edit:web,web-jobs"]), project)
    assert yaml.safe_load(planned.text)["config"][f"{NS}:accessEntries"] == [
        {"principalArn": "arn:aws:iam::210987654321:role/web-admins", "access": "cluster-admin"},
        {"principalArn": "arn:aws:iam::210987654321:role/teams/web", "access": "edit", "namespaces": ["web", "web-jobs"]}]
    bare = plan(Request("ops", "public-private-auto", "eu-west-1"), project)
    assert any(n.startswith("no accessEntries") for n in bare.notes)


@pytest.mark.parametrize("account", ["111122223333", "444455556666"])
def test_documentation_account_principals_are_refused_naming_the_key(account):
    raw = {"endpointAccess": "private", "dataPlane": "auto",
           "accessEntries": [{"principalArn": f"arn:aws:iam::{account}:role/admins", "access": "cluster-admin"}]}
    with pytest.raises(StackConfigError) as exc:
        validate(raw)
    (problem,) = exc.value.problems
    assert problem.startswith(f"{NS}:accessEntries[0].principalArn: ") and "documentation example account" in problem


@pytest.mark.parametrize("cidr", ["10.0.0.0/8", "10.20.30.0/24", "172.16.5.0/24", "192.168.1.10/32",
                                  "127.0.0.1/32", "169.254.0.0/16", "100.64.1.0/24"])
def test_reserved_public_access_cidrs_are_refused_naming_the_key(cidr):
    raw = {"endpointAccess": "public-private", "dataPlane": "managed", "publicAccessCidrs": ["8.8.8.0/24", cidr]}
    with pytest.raises(StackConfigError) as exc:
        validate(raw)
    (problem,) = exc.value.problems
    assert problem.startswith(f"{NS}:publicAccessCidrs: '{cidr}' (") and "reserved addresses" in problem


def test_public_and_documentation_ranges_are_accepted_and_documentation_ones_warned(project, capsys):
    from stack_config import warnings
    settings = validate({"endpointAccess": "public-private", "dataPlane": "managed",
                         "publicAccessCidrs": ["0.0.0.0/0", "8.8.8.0/24", "203.0.113.0/24"]})
    assert warnings(settings) == [f"{NS}:publicAccessCidrs: 203.0.113.0/24 is a documentation range (RFC 5737): EKS "
                                  "accepts it but no real client has such an address, so kubectl from there reaches "
                                  "nobody; list your own egress ranges"]
    # the program logs it (pulumi.log.warn) and preflight prints it beside the stack's result
    assert preflight_main(["--stack", "public-private-managed", "--program", str(project)]) == 0
    err = capsys.readouterr().err
    assert ("warning: public-private-managed: eks-variants:publicAccessCidrs: 198.51.100.0/24, 203.0.113.10/32 are "
            "documentation ranges") in err
