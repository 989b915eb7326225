"""CLI: exit codes, --json shape, bad input without tracebacks."""
import json

from tests.preflight.helpers import PACK, PROGRAM, run_cli


def test_all_reports_mandatory_and_progress():
    r = run_cli("--all")
    assert r.returncode == 1
    # progress on stderr names the stack and the time, never the results (those are on stdout)
    assert "[1/2] dev (" in r.stderr and "[2/2] prod (" in r.stderr and "mandatory" not in r.stderr
    lines = r.stdout.rstrip().splitlines()
    assert lines[0].startswith("dev: 19 resources checked, ") and lines[0].endswith(" mandatory, 0 advisory")
    # one line per violation: level, policy, resource name (program line), first sentence of the message
    assert "  mandatory no-public-subnets  net-subnet-0 (netparts/__init__.py:31): subnet maps public IPs on launch" in lines
    assert "  mandatory vpc-dns  net-vpc (netparts/__init__.py:26): VPC does not enable DNS hostnames" in lines
    one = [line for line in lines if line.startswith("  mandatory ")]
    assert len(one) == 6 and all("urn:pulumi:" not in line for line in one)
    assert lines[-1].startswith("preflight: 2 stacks checked: 6 mandatory")


def test_verbose_shows_each_policy_with_its_description_and_the_full_urns():
    r = run_cli("--all", "--verbose")
    assert r.returncode == 1
    assert "Stack dev (19 resources checked)" in r.stdout and "[mandatory]  no-public-subnets" in r.stdout
    assert "            urn:pulumi:dev::" in r.stdout


def test_json_shape_and_stdout_clean():
    r = run_cli("--stack", "prod", "--json")
    assert r.returncode == 1
    data = json.loads(r.stdout)  # nothing else on stdout
    # Schema version 2 (issue 10) adds keys; the version-1 shape is still there, keys in the same order.
    assert data["schemaVersion"] == 2 and len(data["results"]) == 1
    res = data["results"][0]
    assert list(res)[:3] == ["source", "resources", "violations"]
    assert res["source"] == "prod" and res["resources"] == 16
    v = res["violations"][0]
    # the version-1 keys first, in their order; issue 20 adds the policy's id and the program line
    assert list(v) == ["policy", "enforcementLevel", "urn", "message", "id", "source"]
    assert v["policy"] == "vpc-dns" and v["enforcementLevel"] == "mandatory"


def test_policy_config_changes_exit_code(tmp_path):
    cfg = tmp_path / "cfg.json"
    cfg.write_text(json.dumps({"vpc-dns": "advisory"}))
    assert run_cli("--stack", "prod", "--policy-config", str(cfg)).returncode == 0
    cfg.write_text(json.dumps({"vpc-dns": {"enforcementLevel": "disabled"}}))
    r = run_cli("--stack", "prod", "--json", "--policy-config", str(cfg))
    assert r.returncode == 0 and json.loads(r.stdout)["results"][0]["violations"] == []


def test_config_file_any_path(tmp_path):
    f = tmp_path / "Pulumi.scratch.yaml"
    f.write_text("config:\n  aws:region: ap-northeast-1\n  fixture-net:public: false\n"
                 "  fixture-net:network: {cidr: 10.9.0.0/16, dns: true}\n")
    r = run_cli("--config-file", str(f), "--json")
    assert r.returncode == 1, r.stderr  # the fixture pack always has one stack-level mandatory finding
    res = json.loads(r.stdout)["results"][0]
    # Schema version 2: `source` is the stack's name in every mode; `input` is the file.
    assert res["source"] == "scratch" and res["input"] == str(f) and res["kind"] == "stack"
    assert [v["urn"] for v in res["violations"]] == ["urn:pulumi:scratch::fixture-net::pulumi:pulumi:Stack::"
                                                      "fixture-net-scratch"]


def _bad(r, *needles):
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    for n in needles:
        assert n in r.stderr, r.stderr


def test_bad_inputs_exit_2_with_one_line_each(tmp_path):
    _bad(run_cli("--stack", "nope"), "unknown stack 'nope'", "known stacks: dev, prod")
    bad_yaml = tmp_path / "Pulumi.bad.yaml"
    bad_yaml.write_text("config: [unclosed\n")
    _bad(run_cli("--config-file", str(bad_yaml)), "malformed YAML")
    wrong = tmp_path / "Pulumi.wrong.yaml"
    wrong.write_text("config:\n  fixture-net:azCount: lots\n  fixture-net:network: {cidr: 10.0.0.0/16, dns: true}\n"
                     "  fixture-net:public: true\n")
    _bad(run_cli("--config-file", str(wrong)), "'fixture-net:azCount' must be of type 'integer'")
    probs = tmp_path / "Pulumi.probs.yaml"
    probs.write_text("config:\n  fixture-net:fail: problems\n  fixture-net:network: {cidr: 1, dns: true}\n"
                     "  fixture-net:public: true\n")
    r = run_cli("--config-file", str(probs))
    _bad(r, "fixture-net:azCount: 9 is too many", "fixture-net:network.cidr: not a network")
    assert len([l for l in r.stderr.splitlines() if "Pulumi.probs.yaml" in l]) == 2
    crash = tmp_path / "Pulumi.crash.yaml"
    crash.write_text(probs.read_text().replace("problems", "crash"))
    _bad(run_cli("--config-file", str(crash)), "ZeroDivisionError: deliberate crash")
    assert "Traceback" in run_cli("--config-file", str(crash), "--debug").stderr
    cfg = tmp_path / "cfg.json"
    cfg.write_text('{"vpc-dns": "loud"}')
    _bad(run_cli("--stack", "prod", "--policy-config", str(cfg)), '"loud" is not a valid enforcement level')
    _bad(run_cli("--export", str(tmp_path / "missing.json")), "export file not found")
    (tmp_path / "x.json").write_text('{"version": 2, "deployment": {}}')
    _bad(run_cli("--export", str(tmp_path / "x.json")), "unsupported deployment version 2")
    _bad(run_cli("--all", "--policy-pack", str(tmp_path)), "policy pack not found")
    _bad(run_cli(), "nothing to check")
    _bad(run_cli("--all", "--stack", "dev"), "not allowed with argument")


def test_all_continues_past_a_broken_stack_but_exits_2(tmp_path):
    import shutil
    prog = tmp_path / "prog"
    shutil.copytree(PROGRAM, prog)
    (prog / "stacks" / "Pulumi.broken.yaml").write_text("config:\n  fixture-net:fail: crash\n"
                                                         "  fixture-net:network: {cidr: 1, dns: true}\n"
                                                         "  fixture-net:public: true\n")
    import subprocess, sys
    from tests.preflight.helpers import REPO
    r = subprocess.run([sys.executable, "-m", "preflight", "--program", str(prog), "--policy-pack", str(PACK),
                        "--all", "--json"], capture_output=True, text=True,
                       cwd=REPO, timeout=120)
    assert r.returncode == 2
    # Every input is in `results` (schema version 2); the broken one with its error lines.
    results = json.loads(r.stdout)["results"]
    assert [(x["source"], x["status"]) for x in results] == [("broken", "error"), ("dev", "checked"),
                                                             ("prod", "checked")]
    assert any("the program failed: ZeroDivisionError" in line for line in results[0]["errors"])
    assert "Pulumi.broken.yaml: the program failed: ZeroDivisionError" in r.stderr


def test_process_substitution_feeds_exports_and_policy_configs(tmp_path):
    """`<(cmd)` hands preflight /dev/fd/N, a pipe: read like a file (docs/preflight.md, Input files)."""
    import shlex
    import subprocess
    import sys
    out = tmp_path / "out"
    assert run_cli("--stack", "dev", "--write-export", str(out)).returncode in (0, 1)
    config = tmp_path / "cfg.json"
    config.write_text(json.dumps({"all": "advisory"}))
    cmd = [sys.executable, "-m", "preflight", "--policy-pack", str(PACK), "--json"]
    script = " ".join(map(shlex.quote, cmd)) + (f" --export <(cat {shlex.quote(str(out / 'dev.json'))})"
                                                f" --policy-config <(cat {shlex.quote(str(config))})")
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr  # every policy advisory: no mandatory violation
    (result,) = json.loads(r.stdout)["results"]
    # Schema version 2: `source` is the stack's name in every mode; `input` is the file it came from.
    assert result["source"] == "dev" and result["input"].startswith("/dev/fd/") and result["resources"] > 0
    assert result["violations"] and {v["enforcementLevel"] for v in result["violations"]} == {"advisory"}
