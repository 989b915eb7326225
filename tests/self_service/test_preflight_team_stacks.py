"""preflight and team stacks: `--all` reports the reference stacks and the teams' `Pulumi.team-*.yaml` in
sections of their own (this project's report plugin, eks_variants/report/, makes the sections); a mistyped
`--stack` name gets the nearest names."""
from __future__ import annotations

import contextlib

import pytest

import eks_variants.report
from eks_variants.new_stack import Request, plan, write
from preflight.cli import main as preflight_main
from preflight.output import report_plugin
from preflight.output.text import Result, human
from preflight.records import Violation


@pytest.fixture(autouse=True)
def project_plugin():
    """human() as a run of this project calls it: with the project's report plugin active."""
    with report_plugin.using(report_plugin.ReportPlugin(eks_variants.report, "eks_variants.report")) as plugin:
        yield plugin


def test_without_the_plugin_one_list():
    with report_plugin.using(report_plugin.NO_PLUGIN):
        text = human([result("private-managed"), result("team-payments")])
    assert "Team stacks" not in text and "Reference stacks" not in text


def result(source: str, *levels: str) -> Result:
    return Result(source=source, resources=30, pack="eks-network-guardrails", pack_version="0.1.0",
                  violations=[Violation("eks-public-access-cidrs", level, f"urn:pulumi:{source}::p::t::n", "m")
                              for level in levels])


def test_reference_and_team_stacks_are_reported_in_sections():
    text = human([result("private-managed"), result("public-managed", "advisory"), result("team-payments"),
                  result("team-web", "mandatory")], verbose=True)
    lines = text.splitlines()
    reference, team = lines.index("Reference stacks (2)"), lines.index("Team stacks (2): Pulumi.team-*.yaml")
    assert lines[reference + 1] == "=" * len("Reference stacks (2)")
    stacks = [line.split()[1] for line in lines if line.startswith("Stack ")]
    assert stacks == ["private-managed", "public-managed", "team-payments", "team-web"]
    assert reference < lines.index("Stack public-managed (30 resources checked)") < team
    assert team < lines.index("Stack team-payments (30 resources checked)")
    assert "reference stacks: 2 stacks checked: 0 mandatory, 1 advisory" in lines[reference:team]
    assert "team stacks: 2 stacks checked: 1 mandatory, 0 advisory" in lines[team:]
    assert lines[-1] == "preflight: 4 stacks checked: 1 mandatory, 1 advisory violations; failing: team-web"


def test_team_stacks_listed_among_reference_ones_come_after_them():
    lines = human([result("team-payments"), result("private-managed")], verbose=True).splitlines()
    assert [line.split()[1] for line in lines if line.startswith("Stack ")] == ["private-managed", "team-payments"]


def test_one_kind_only_reads_as_before():
    only_reference = human([result("private-managed"), result("public-fargate")], verbose=True)
    assert "Reference stacks" not in only_reference and "=====" not in only_reference
    assert only_reference.splitlines()[0] == "Stack private-managed (30 resources checked)"
    short = human([result("private-managed"), result("public-fargate")]).splitlines()
    assert short[0] == "private-managed: 30 resources checked, no policy violations"
    assert "Team stacks" not in human([result("team-payments")])


def test_sections_in_the_short_report():
    lines = human([result("private-managed"), result("team-web", "mandatory")]).splitlines()
    assert lines[:3] == ["Reference stacks (1)", "====================", ""]
    assert "team-web: 30 resources checked, 1 mandatory, 0 advisory" in lines
    assert "  mandatory eks-public-access-cidrs  n: m" in lines


def test_all_over_a_project_with_a_team_stack(project, capsys):
    write(plan(Request("payments", "private-managed", "eu-west-1"), project))
    capsys.readouterr()
    with contextlib.chdir(project):
        assert preflight_main(["--program", str(project), "--all"]) == 0
    out = capsys.readouterr().out.splitlines()
    references = len(list((project / "stacks").glob("Pulumi.*.yaml"))) - 1
    stack_lines = {line.split(":")[0]: i for i, line in enumerate(out) if " resources checked, " in line}
    assert out.index(f"Reference stacks ({references})") < stack_lines["private-managed"] < \
        out.index("Team stacks (1): Pulumi.team-*.yaml") < stack_lines["team-payments"]
    assert max(i for name, i in stack_lines.items() if name != "team-payments") < stack_lines["team-payments"]
    assert out[-1].startswith(f"preflight: {references + 1} stacks checked: 0 mandatory")


def test_a_mistyped_stack_name_gets_the_nearest_names(project, capsys):
    write(plan(Request("payments", "private-managed", "eu-west-1"), project))
    assert preflight_main(["--program", str(project), "--stack", "team-payment"]) == 2
    err = capsys.readouterr().err
    assert f"preflight: unknown stack 'team-payment': no {project}/stacks/Pulumi.team-payment.yaml; did you mean " \
           "team-payments? (known stacks: " in err
    assert preflight_main(["--program", str(project), "--stack", "public-privat-fargate"]) == 2
    assert "did you mean public-private-fargate or public-fargate or private-fargate?" in capsys.readouterr().err
    assert preflight_main(["--program", str(project), "--stack", "zzz"]) == 2
    assert "did you mean" not in capsys.readouterr().err
