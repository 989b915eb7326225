"""Every input error names its file once, then where in it (line and column, or key): `file: problem`.
The file's name comes from the one reader that refused it (InputError.source); nothing prefixes it again
(a key problem read `Pulumi.x.yaml: /abs/Pulumi.x.yaml: could not parse ...` before)."""
from __future__ import annotations

import shutil

import pytest

from tests.preflight.helpers import PROGRAM, run_cli

VALID = ("config:\n  aws:region: us-west-2\n  fixture-net:public: true\n"
         "  fixture-net:network: {cidr: 10.1.0.0/16, dns: true}\n")
# An alias bomb under a key of its own: a few hundred bytes, 10^7 nodes expanded (yaml.v3 refuses it).
BOMB = VALID + "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, n in zip("abcdef", "bcdefg"))


def _first_error(r) -> str:
    """The first line of stderr (a note about the pack's environment may come before it: not an error)."""
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    lines = [line for line in r.stderr.splitlines() if not line.startswith("preflight: note:")]
    return lines[0]


@pytest.mark.parametrize("text,line", [
    # YAML syntax, as yaml.v3 would refuse it (preflight/inputs/yaml_reader.py): line and column named.
    ("config: [unclosed\n", "malformed YAML (line 2, column 1): expected ',' or ']', but got '<stream end>'"),
    (VALID + "  fixture-net:public: false\n",
     "malformed YAML (line 5, column 3): mapping key 'fixture-net:public' already defined at line 3"),
    (VALID.replace("  fixture-net:public", "\tfixture-net:public"),
     "malformed YAML (line 3, column 1): found character '\\t' that cannot start any token"),
    (BOMB, "malformed YAML: document contains excessive aliasing: alias *c (anchored at line 7) expands into "
           "too many nodes"),
    # A key the CLI cannot parse (pulumi sdk/go/common/resource/config/key.go ParseKey): the key named.
    (VALID + "  public: true\n", "could not parse 'public' as a configuration key (configuration keys should be "
                                  "of the form `<namespace>:<name>`; write `<project>:public`)"),
    # The program's own check (no file in the error): the pipeline names the stack file.
    (VALID + "  fixture-net:azCount: lots\n",
     "stack 'named' configuration key 'fixture-net:azCount' must be of type 'integer' (got 'lots')"),
], ids=["syntax", "duplicate-key", "tab", "alias-bomb", "key-without-namespace", "program-type-check"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_config_file_error_names_the_file_once(tmp_path, text, line, jobs):
    (tmp_path / "Pulumi.named.yaml").write_text(text)
    (tmp_path / "Pulumi.other.yaml").write_text(text)  # two files: with --jobs 2 the second is a worker's
    r = run_cli("--config-file", "Pulumi.other.yaml", "--config-file", "Pulumi.named.yaml", "--jobs", jobs,
                cwd=tmp_path)
    errors = [x for x in r.stderr.splitlines() if "Pulumi.named.yaml:" in x]
    assert _first_error(r).startswith("preflight: Pulumi.other.yaml: ")
    assert errors[0] == f"preflight: Pulumi.named.yaml: {line}"
    assert all(x.count("Pulumi.named.yaml") <= 1 for x in r.stderr.splitlines()), r.stderr


def test_a_stack_file_with_a_name_the_cli_refuses_is_named_once(tmp_path):
    # pulumi validateStackName: `^[A-Za-z0-9_.-]{1,100}$`; `--all` lists every Pulumi.*.yaml of stackConfigDir.
    program = tmp_path / "program"
    shutil.copytree(PROGRAM, program)
    (program / "stacks" / "Pulumi.a b.yaml").write_text(VALID)
    r = run_cli("--program", str(program), "--all", cwd=program)
    assert _first_error(r) == ("preflight: stacks/Pulumi.a b.yaml: invalid stack name 'a b': stack names may only "
                               "contain alphanumeric, hyphens, underscores, or periods")


def test_a_malformed_project_file_is_named_once(tmp_path):
    program = tmp_path / "program"
    shutil.copytree(PROGRAM, program)
    project = program / "Pulumi.yaml"
    project.write_text(project.read_text() + "name: again\n")
    r = run_cli("--program", str(program), "--stack", "dev", cwd=tmp_path)
    assert _first_error(r) == (f"preflight: {project}: malformed YAML (line 11, column 1): mapping key 'name' "
                               f"already defined at line 1")
    project.write_text("runtime: python\n")
    r = run_cli("--program", str(program), "--stack", "dev", cwd=tmp_path)
    assert _first_error(r) == f"preflight: {project}: malformed project file: `name` is required"


def test_a_malformed_policy_config_is_named_once(tmp_path):
    # --policy-pack-config is JSON only (pkg/resource/analyzer/config.go parses it with encoding/json).
    (tmp_path / "cfg.json").write_text('{"vpc-dns": "advisory",}')
    r = run_cli("--stack", "dev", "--policy-config", "cfg.json", cwd=tmp_path)
    assert _first_error(r) == ("preflight: cfg.json: malformed JSON: Expecting property name enclosed in double "
                               "quotes: line 1 column 24 (char 23)")
