"""The steps of a run, each without the whole CLI: plan (command line -> jobs, or every input problem at
once), record (one job -> a recorded stack, or an InputError naming the stack), a worker's answer settled
as if recorded here, analysis in job order, and the final report with its exit status (contracts §3)."""
from pathlib import Path

import pytest

from preflight.cli import build_parser
from preflight.errors import InputError
from preflight.run.pipeline import InOrderAnalysis, StackRuns
from preflight.run.plan import Job, Plan, plan_run, worker_count
from preflight.run.record_step import Recorded, WorkerError, WorkerOutcome, from_worker, record_job
from preflight.records import RecordedResource, RecordedStack, Violation
from preflight.output.text import EXIT_INPUT, EXIT_MANDATORY, EXIT_OK, Result, final_report
from preflight.inputs.stack_files import load_project
from preflight.run.workers import Crashed
from tests.preflight.helpers import PACK, PROGRAM

STACKS = PROGRAM / "stacks"


def _plan(*argv: str, repo_root: Path = PROGRAM) -> Plan:
    args = build_parser().parse_args(["--program", str(PROGRAM), "--policy-pack", str(PACK), *argv])
    return plan_run(args, repo_root)


def _problems(*argv: str) -> list[str]:
    with pytest.raises(InputError) as e:
        _plan(*argv)
    return e.value.lines()


# -- plan --------------------------------------------------------------------------------------

def test_plan_all_lists_every_stack_file_in_name_order():
    plan = _plan("--all")
    assert plan.jobs == [Job("stack", str(STACKS / "Pulumi.dev.yaml")), Job("stack", str(STACKS / "Pulumi.prod.yaml"))]
    assert [j.label for j in plan.jobs] == ["dev", "prod"]
    assert plan.pack_dir == PACK and plan.program == PROGRAM and plan.policy_config == {}
    assert plan.workers == 1  # two stacks: one is recorded here first, too few left for workers


def test_plan_keeps_the_order_given_and_resolves_config_files(tmp_path):
    other = tmp_path / "Pulumi.staging.yaml"
    other.write_text((STACKS / "Pulumi.dev.yaml").read_text())
    plan = _plan("--stack", "prod", "dev", "--deployed", "--write-export", str(tmp_path / "out"))
    assert [j.label for j in plan.jobs] == ["prod", "dev"]
    assert plan.deployed and plan.write_export == tmp_path / "out"
    assert _plan("--config-file", str(other)).jobs == [Job("stack", str(other.resolve()))]


def test_plan_reports_every_problem_at_once_each_naming_what_is_wrong(tmp_path):
    bad_name = tmp_path / "dev.yaml"
    bad_name.write_text("config: {}\n")
    lines = _problems("--config-file", str(tmp_path / "Pulumi.missing.yaml"), "--config-file", str(bad_name),
                      "--policy-config", str(tmp_path / "none.json"))
    assert lines == [f"config file not found: {tmp_path / 'Pulumi.missing.yaml'}",
                     f"{bad_name}: a stack file must be named Pulumi.<stack>.yaml",
                     f"policy config not found: {tmp_path / 'none.json'}"]
    (unknown,) = _problems("--stack", "qa")
    assert unknown == f"unknown stack 'qa': no {STACKS / 'Pulumi.qa.yaml'} (known stacks: dev, prod)"


def test_plan_exports_and_missing_pack():
    assert _problems("--export", "nowhere.json") == ["export file not found: nowhere.json"]
    args = build_parser().parse_args(["--program", str(PROGRAM), "--all"])
    with pytest.raises(InputError) as e:
        plan_run(args, PROGRAM)  # default pack: <repo root>/policies, absent here
    assert e.value.lines() == [f"policy pack not found: {PROGRAM / 'policies'} has no PulumiPolicy.yaml "
                               "(give --policy-pack DIR)"]


def test_plan_nothing_to_check_and_unusable_project(tmp_path):
    assert _problems() == ["nothing to check: give --all, --stack NAME, --config-file PATH or --export FILE"]
    args = build_parser().parse_args(["--program", str(tmp_path), "--policy-pack", str(PACK), "--all"])
    with pytest.raises(InputError) as e:
        plan_run(args, tmp_path)
    assert str(tmp_path / "Pulumi.yaml") in e.value.lines()[0]


def test_worker_count_needs_three_stacks_and_never_reads_exports_in_workers():
    stacks = [Job("stack", f"Pulumi.s{i}.yaml") for i in range(5)]
    assert worker_count(None, stacks[:2]) == 1
    assert worker_count(4, stacks[:3]) == 3  # at most one per stack
    assert worker_count(2, stacks) == 2
    assert worker_count(8, [Job("export", f"e{i}.json") for i in range(5)]) == 1


# -- record ------------------------------------------------------------------------------------

def test_record_job_names_the_stack_as_the_report_does():
    plan = _plan("--all")
    rec = record_job(plan.jobs[0], plan)
    assert rec.label == "dev" and rec.source == "dev"  # a stack from the project's stacks/ folder: its name
    assert rec.stack.name == "dev" and rec.stack.project == "fixture-net" and rec.stack.preview
    assert rec.stack_config["fixture-net:azCount"] == "3"  # as PULUMI_CONFIG hands it over: strings
    assert any(r.type == "aws:ec2/vpc:Vpc" for r in rec.stack.resources)


def test_record_job_error_carries_the_stack_label(tmp_path):
    broken = tmp_path / "Pulumi.broken.yaml"
    broken.write_text("config:\n  fixture-net:fail: crash\n  fixture-net:network: {cidr: 1, dns: true}\n")
    plan = _plan("--config-file", str(broken))
    with pytest.raises(InputError) as e:
        record_job(plan.jobs[0], plan)
    assert e.value.label == "broken"
    assert e.value.problems[0].startswith("the program failed: ZeroDivisionError")
    assert "ZeroDivisionError" in e.value.traceback  # shown with --debug


def test_worker_answers_become_what_a_recording_here_gives():
    job = Job("stack", str(STACKS / "Pulumi.prod.yaml"))
    with pytest.raises(InputError) as e:
        from_worker(job, Crashed(pid=42, how="was killed by signal 9 (SIGKILL)"))
    assert (e.value.label, e.value.problems) == (
        "prod", ["the recording worker (pid 42) was killed by signal 9 (SIGKILL) before finishing this stack"])
    with pytest.raises(InputError) as e:
        from_worker(job, WorkerOutcome("input", problems=["bad"], source="x.yaml", label="prod", traceback="tb"))
    assert (e.value.lines(), e.value.label, e.value.traceback) == (["x.yaml: bad"], "prod", "tb")
    with pytest.raises(WorkerError) as w:
        from_worker(job, WorkerOutcome("internal", type_name="KeyError", message="'k'", traceback="tb"))
    assert w.value.type_name == "KeyError" and w.value.traceback == "tb"
    with pytest.raises(SystemExit):
        from_worker(job, WorkerOutcome("exit", code=3))
    rec = Recorded(label="prod", stack=RecordedStack("prod", "p"), stack_config={}, source="prod")
    assert from_worker(job, WorkerOutcome("ok", t0=1.5, recorded=rec)) == (rec, 1.5)


def test_input_error_context_never_overrides_what_it_already_names():
    e = InputError("bad value", source="a.yaml")
    e2 = e.in_context(source="b.yaml", label="dev")
    assert (e2.lines(), e2.label) == (["a.yaml: bad value"], "dev")
    assert e.label is None  # a new error: the first one is unchanged
    assert InputError("x").in_context(source="s.yaml").lines() == ["s.yaml: x"]


# -- analyze in order, report ------------------------------------------------------------------

class _FakePack:
    """Stands in for PolicyPackProcess: one violation per stack, mandatory for an export (a snapshot)."""
    name, version = "fake", "1.0.0"

    def __init__(self):
        self.warnings = ["policy config names 'x', which pack fake does not have"]
        self.notes = ['policy config key "old" is the old name of policy "new"']
        self.analyzed: list[str] = []

    def connect(self):
        return self

    def analyze(self, stack, *, stack_config=None, snapshot=False):
        self.analyzed.append(stack.name)
        urn = stack.root_urn
        return [Violation("p", "mandatory" if snapshot else "advisory", urn, f"{stack.name} {stack_config}")]


def _recorded(name: str) -> Recorded:
    st = RecordedStack(name, "proj", [RecordedResource(urn=f"urn:{name}", type="t:m:T", name=name, custom=True)])
    return Recorded(label=name, stack=st, stack_config={"k": name}, source=name)


def test_analysis_runs_in_submission_order_and_holds_until_released(capsys):
    pack = _FakePack()
    analysis = InOrderAnalysis(pack, total=3)
    try:
        analysis.submit(1, _recorded("a"), "stack", 0.0, hold=True)
        analysis.submit(2, _recorded("b"), "export", 0.0, hold=True)
        assert pack.analyzed == []  # held: no channel to the pack before a fork
        analysis.release_held()
        analysis.submit(3, _recorded("c"), "stack", 0.0)
        results = analysis.results()
    finally:
        analysis.shutdown()
    assert pack.analyzed == ["a", "b", "c"]
    assert [(r.source, r.resources, r.pack, r.pack_version) for r in results] == [
        ("a", 1, "fake", "1.0.0"), ("b", 1, "fake", "1.0.0"), ("c", 1, "fake", "1.0.0")]
    assert [v.enforcement_level for r in results for v in r.violations] == ["advisory", "mandatory", "advisory"]
    assert results[0].violations[0].message == "a {'k': 'a'}"  # the stack's config reaches ConfigureStack
    err = capsys.readouterr().err.splitlines()
    assert err[0] == 'preflight: note: policy config key "old" is the old name of policy "new"'
    assert err[1] == "preflight: warning: policy config names 'x', which pack fake does not have"
    # progress names each stack in turn, with its time; the results are the report's, on stdout
    assert [line.rsplit(" (", 1)[0] for line in err[2:]] == [
        "preflight: [1/3] a", "preflight: [2/3] b", "preflight: [3/3] c"]


def test_a_failed_stack_is_reported_with_its_file_and_listed_by_name(capsys):
    plan = Plan(program=PROGRAM, project=load_project(PROGRAM), pack_dir=PACK,
                jobs=[Job("stack", str(STACKS / "Pulumi.dev.yaml"))], policy_config={})
    analysis = InOrderAnalysis(_FakePack(), total=1)
    try:
        runs = StackRuns(plan, analysis)
        runs.report_failure(InputError("the program failed: ZeroDivisionError: division by zero", label="dev"), 0)
    finally:
        analysis.shutdown()
    assert runs.failed == ["dev"]
    # The same lines are kept for the --json document and --report (issue 10: every input in `results`).
    [kept] = runs.problems[0]
    assert kept.endswith("Pulumi.dev.yaml: the program failed: ZeroDivisionError: division by zero")
    line = capsys.readouterr().err
    assert line.endswith("Pulumi.dev.yaml: the program failed: ZeroDivisionError: division by zero\n")
    assert line.startswith("preflight: ")


def test_final_report_exit_status():
    ok = Result(source="dev", resources=3, violations=[])
    adv = Result(source="qa", resources=3, violations=[Violation("p", "advisory", "urn:x", "m")])
    bad = Result(source="prod", resources=4, violations=[Violation("p", "mandatory", "urn:y", "m")])
    assert final_report([ok, adv], [])[1] == EXIT_OK
    text, code = final_report([ok, bad], [])
    assert code == EXIT_MANDATORY and text.endswith(
        "preflight: 2 stacks checked: 1 mandatory, 0 advisory violation; failing: prod")
    # With --json the document (preflight/output/json_document.py, built by the report step) is printed.
    text, code = final_report([bad], ["broken"], json_text='{"schemaVersion": 2}')
    assert code == EXIT_INPUT  # an input that could not be used outranks a violation
    assert text == '{"schemaVersion": 2}'
