"""`python -m eks_variants new-stack`: a team stack file from a reference stack, checked with the code preflight
uses, refused with preflight's own messages when the input is wrong (exit 2, nothing written)."""
from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys

import pytest
import yaml

from eks_variants.new_stack import Request, plan, run, variants, write
from preflight.cli import main as preflight_main


def new_stack(project, *args):
    """The command as a user runs it (a process of its own)."""
    return subprocess.run([sys.executable, "-m", "eks_variants", "new-stack", *args, "--program", str(project)],
                          capture_output=True, text=True, timeout=180, cwd=project)


def new_stack_here(project, team, variant, region, sets=(), check_with_preflight=True):
    """The command in this process (faster): (exit status, stderr lines)."""
    err = io.StringIO()
    with contextlib.chdir(project):
        status = run(Request(team, variant, region, list(sets)), program_dir=project, out=io.StringIO(), err=err,
                     check_with_preflight=check_with_preflight)
    return status, err.getvalue().splitlines()


def test_every_variant_gives_a_team_stack_that_passes_preflight(project, capsys):
    # One preflight run over all of them (one pack process) instead of one per variant.
    for variant in variants():
        team = f"t-{variant}"
        write(plan(Request(team=team, variant=variant, region="eu-west-1"), project))
    status = preflight_main(["--program", str(project), "--json",
                             *(a for v in variants() for a in ("--stack", f"team-t-{v}"))])
    results = json.loads(capsys.readouterr().out)["results"]
    assert status == 0
    assert sorted(r["source"] for r in results) == sorted(f"team-t-{v}" for v in variants())
    assert all(r["resources"] > 20 for r in results)
    assert not [v for r in results for v in r["violations"] if v["enforcementLevel"] == "mandatory"]


def test_the_file_keeps_the_reference_layout_with_the_team_region_and_sets(project):
    planned = plan(Request("payments", "public-private-self-managed", "us-west-2",
                           ["nodes.maxSize=9", "kubernetesVersion=1.34", "tags.cost-center=42"]), project)
    reference = yaml.safe_load((project / "stacks" / "Pulumi.public-private-self-managed.yaml").read_text())["config"]
    config = yaml.safe_load(planned.text)["config"]
    assert planned.path == project / "stacks" / "Pulumi.team-payments.yaml"
    assert planned.text.startswith("# yaml-language-server: $schema=../docs/stack-file.schema.json\n")
    assert config["aws:region"] == "us-west-2"
    assert config["eks-variants:kubernetesVersion"] == "1.34"  # text, not the YAML number 1.34
    assert config["eks-variants:nodes"] == {**reference["eks-variants:nodes"], "maxSize": 9}
    assert config["eks-variants:tags"] == {"team": "payments", "cost-center": "42"}  # tag values are text
    # Its own VPC range: the pool's first free block, with the reference's prefix length (/18).
    assert config["eks-variants:vpcCidr"] == "10.64.0.0/18"
    # Comments: the Pulumi.yaml description above each key, and the reference's description of the variant.
    assert "  # Number of Availability Zones, 2 to 6\n  eks-variants:availabilityZones:" in planned.text
    reference_header = [line for line in (project / "stacks" / "Pulumi.public-private-self-managed.yaml")
                        .read_text().splitlines() if line.startswith("#") and "yaml-language-server" not in line]
    assert len(reference_header) >= 2 and "\n".join(reference_header) in planned.text
    assert planned.text.count("yaml-language-server") == 1


def test_refuses_to_overwrite(project):
    first = new_stack(project, "payments", "--variant", "private-fargate", "--region", "eu-west-1", "--no-preflight")
    assert first.returncode == 0, first.stderr
    path = project / "stacks" / "Pulumi.team-payments.yaml"
    before = path.read_text()
    again = new_stack(project, "payments", "--variant", "public-managed", "--region", "us-east-1", "--no-preflight")
    assert again.returncode == 2
    assert again.stderr == ("new-stack: stacks/Pulumi.team-payments.yaml already exists; new-stack never "
                            "overwrites a stack file (edit it, or delete it first)\n")
    assert path.read_text() == before


def preflight_lines(project, config: dict, capsys) -> list[str]:
    """What preflight says about a stack file with this config (its problem lines, without the prefix)."""
    path = project / "stacks" / "Pulumi.team-probe.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    capsys.readouterr()
    with contextlib.chdir(project):
        status = preflight_main(["--program", str(project), "--stack", "team-probe"])
    path.unlink()
    assert status == 2
    prefix = "preflight: stacks/Pulumi.team-probe.yaml: "
    return [line.removeprefix(prefix) for line in capsys.readouterr().err.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize("sets, region", [
    (["nodes.minSize=7", "endpointAcess=public"], "eu-west-1"),  # cross-key rule, misspelt key
    (["natGateways=per-az"], "eu-wset-1"),  # not on a private stack; unknown region
    (["nodes.instanceTipes=[m6i.large]", "availabilityZones=9"], "eu-west-1"),
])
def test_bad_config_gets_preflights_messages_and_nothing_is_written(project, capsys, sets, region):
    status, lines = new_stack_here(project, "payments", "private-managed", region, sets)
    assert status == 2
    assert not (project / "stacks" / "Pulumi.team-payments.yaml").exists()
    ours = [line.removeprefix("new-stack: stacks/Pulumi.team-payments.yaml: ") for line in lines]
    config = yaml.safe_load((project / "stacks" / "Pulumi.private-managed.yaml").read_text())["config"]
    config["aws:region"] = region
    for item in sets:
        key, value = item.split("=")
        head, _, nested = key.partition(".")
        if nested:
            config.setdefault(f"eks-variants:{head}", {})[nested] = yaml.safe_load(value)
        else:
            config[f"eks-variants:{head}"] = yaml.safe_load(value)
    assert len(ours) >= len(sets) and ours == preflight_lines(project, config, capsys)


def test_too_many_zones_for_the_region_uses_preflights_zone_data(project):
    # us-west-1 has three zones in preflight's fixture account, one of them (usw1-az2) refused by EKS
    # (preflight/program/invokes.py, the answer the program's invoke gets offline; EKS User Guide, network-reqs).
    status, lines = new_stack_here(project, "payments", "public-managed", "us-west-1")
    assert (status, lines) == (2, ["new-stack: stacks/Pulumi.team-payments.yaml: eks-variants:availabilityZones: 3 "
                                   "requested but us-west-1 offers 2 zones EKS accepts (usw1-az1, usw1-az3); "
                                   "usw1-az2 excluded: EKS does not accept subnets there"])
    status, lines = new_stack_here(project, "payments", "public-managed", "us-west-1", ["availabilityZones=2"],
                                   check_with_preflight=False)
    assert (status, lines) == (0, [])


@pytest.mark.parametrize("args, message", [
    (["Payments", "--variant", "private-managed"], "new-stack: NAME 'Payments': a team name is a DNS-1123 label"),
    (["team-payments", "--variant", "private-managed"], "new-stack: NAME 'team-payments': give the team's name "
                                                        "without the 'team-' prefix"),
    (["payments", "--variant", "privat-managed"], "new-stack: --variant 'privat-managed' is not a variant; did you "
                                                  "mean 'private-managed'?"),
    (["payments", "--variant", "private-managed", "--set", "maxSize"], "new-stack: --set 'maxSize': expected "
                                                                        "key=value"),
    (["payments", "--variant", "private-managed", "--set", "vpcCidr.size=1"], "new-stack: --set 'vpcCidr.size=1': "
                                                                               "eks-variants:vpcCidr is not an object"),
])
def test_bad_arguments_exit_2_with_one_line_each(project, args, message):
    team, _, variant, *rest = args
    status, lines = new_stack_here(project, team, variant, "eu-west-1", rest[1::2])
    assert status == 2
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert list((project / "stacks").glob("Pulumi.team-*")) == []


def test_argument_errors_of_the_command_line_exit_2(project):
    done = new_stack(project, "payments", "--region", "eu-west-1")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("python -m eks_variants new-stack: error: the following arguments are "
                                            "required: --variant")


def test_preflight_rejection_removes_the_file(project, capsys, monkeypatch):
    import preflight.cli

    monkeypatch.setattr(preflight.cli, "main", lambda argv: 1)  # as if a mandatory policy failed
    status = run(Request("payments", "private-managed", "eu-west-1"), program_dir=project, err=sys.stderr)
    assert status == 1
    assert not (project / "stacks" / "Pulumi.team-payments.yaml").exists()
    assert "preflight rejected" in capsys.readouterr().err


def test_the_references_example_access_ranges_are_left_out_and_pointed_out(project):
    # public-fargate restricts the API to a documentation range (RFC 5737), which admits nobody: a team's
    # file never carries it (the endpoint stays at the default until the team lists its own ranges).
    with contextlib.chdir(project):
        planned = plan(Request("web", "public-fargate", "eu-west-1"), project)
    assert "eks-variants:publicAccessCidrs" not in yaml.safe_load(planned.text)["config"]
    assert [n for n in planned.notes if n.startswith("publicAccessCidrs")] == [
        "publicAccessCidrs: left out the reference stack's documentation ranges 203.0.113.0/24 (they admit nobody); "
        "the public endpoint is open to 0.0.0.0/0 until you list your own: --set 'publicAccessCidrs=[<your egress "
        "CIDR>]' (or edit stacks/Pulumi.team-web.yaml)"]
    own = plan(Request("web", "public-fargate", "eu-west-1", ["publicAccessCidrs=[8.8.4.0/24]"]), project)
    assert yaml.safe_load(own.text)["config"]["eks-variants:publicAccessCidrs"] == ["8.8.4.0/24"]
    assert not [n for n in own.notes if n.startswith("publicAccessCidrs")]
    assert not [n for n in plan(Request("web", "private-managed", "eu-west-1"), project).notes
                if n.startswith("publicAccessCidrs")]
