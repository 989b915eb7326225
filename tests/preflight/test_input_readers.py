"""The input readers, in process: what each refuses (naming the file and where) and what it accepts as the
CLI does. End to end, every family runs through the CLI in tests/fuzz."""
from __future__ import annotations

import json
import os
import threading

import pytest

from preflight.inputs import file_reader as input_files
from preflight.errors import InputError
from preflight.inputs.stack_export import read_export
from preflight.inputs.json_reader import MAX_DEPTH
from preflight.inputs.policy_config import parse_policy_config
from preflight.inputs.stack_files import load_stack_file, stack_name_problem
from preflight.inputs.yaml_reader import load_yaml

URN = "urn:pulumi:dev::p::aws:ec2/vpc:Vpc::main"


def _export(tmp_path, **fields):
    res = {"urn": URN, "custom": True, "id": "vpc-1", "type": "aws:ec2/vpc:Vpc", "inputs": {"cidrBlock": "10.0.0.0/16"}}
    res.update(fields)
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": [res]}}))
    return path


def _refused(fn, *args) -> str:
    with pytest.raises(InputError) as e:
        fn(*args)
    return "\n".join(e.value.lines())


def test_a_fifo_nobody_writes_is_given_up_on(tmp_path, monkeypatch):
    monkeypatch.setattr(input_files, "PIPE_TIMEOUT", 0.3)
    fifo = tmp_path / "cfg.json"
    os.mkfifo(fifo)
    with pytest.raises(InputError) as e:
        input_files.read_input_text(fifo, "policy config", 100, bom_allowed=False)
    assert e.value.lines() == [f"{fifo}: nothing arrived on the policy config pipe for 0.3 s "
                               f"(is anything writing to it?)"]


def test_a_fifo_with_a_writer_is_read_whole(tmp_path):
    fifo = tmp_path / "cfg.json"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text('{"all": "advisory"}'))
    writer.start()
    assert input_files.read_input_text(fifo, "policy config", 100, bom_allowed=False) == '{"all": "advisory"}'
    writer.join()


def test_folders_devices_loops_and_oversize_files_are_refused_by_kind(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to("loop.json")
    big = tmp_path / "big.json"
    big.write_text("x" * 101)
    read = lambda p: input_files.read_input_text(p, "export", 100, bom_allowed=False)  # noqa: E731
    assert "it is a folder (preflight reads regular files and pipes)" in _refused(read, tmp_path)
    assert "it is a device" in _refused(read, "/dev/zero")
    assert "Too many levels of symbolic links" in _refused(read, loop)
    assert _refused(read, big) == f"{big}: export is 101 bytes, more than the 100 bytes preflight reads"


def test_encodings_are_named_with_line_and_column(tmp_path):
    p = tmp_path / "Pulumi.dev.yaml"
    p.write_bytes(b"config:\n  eks-variants:tags: {team: caf\xe9}\n")
    assert _refused(load_stack_file, p) == f"{p}: stack file is not UTF-8 text: byte 0xe9 at line 2, column 32"
    p.write_bytes("config: {}\n".encode("utf-16"))
    assert "UTF-16 or UTF-32" in _refused(load_stack_file, p)
    p.write_bytes(b"\xef\xbb\xbfconfig: {}\n")  # a UTF-8 byte-order mark: fine in YAML
    assert load_stack_file(p).config == {}


def test_json_numbers_go_cannot_read_are_refused_by_key_path(tmp_path):
    path = tmp_path / "e.json"
    for literal, problem in (("NaN", "NaN is not a JSON number"),
                             ("1e400", "the number 1e400 is outside the range of a 64-bit float")):
        path.write_text(json.dumps({"version": 3, "deployment": {"resources": [
            {"urn": URN, "type": "aws:ec2/vpc:Vpc", "inputs": {"n": "@"}}]}}).replace('"@"', literal))
        assert _refused(read_export, path) == f"{path}: {URN} / inputs.n: {problem}"


def test_unpaired_surrogates_become_replacement_characters_as_in_go(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"resources": [
        {"urn": URN, "type": "aws:ec2/vpc:Vpc", "inputs": {"tags": {"Name": "@"}}}]}}).replace('"@"', '"a\\ud800b"'))
    assert read_export(path).resources[0].inputs["tags"]["Name"] == "a\ufffdb"


def test_deep_nesting_is_refused_without_a_recursion_error(tmp_path):
    path = tmp_path / "e.json"
    for depth in (MAX_DEPTH + 1, 5000):
        deep = "[" * depth + "]" * depth
        path.write_text(json.dumps({"version": 3, "deployment": {"resources": [
            {"urn": URN, "type": "t:t:T", "inputs": {"x": "@"}}]}}).replace('"@"', deep))
        assert "nested more than 64 levels deep" in _refused(read_export, path)


def test_export_fields_are_checked_as_resource_v3_types_them(tmp_path):
    assert _refused(read_export, _export(tmp_path, parent=5)) == (
        f"{tmp_path / 'e.json'}: {URN} / parent: must be a URN (urn:pulumi:<stack>::<project>::<type>::<name>), "
        f"not a number (5)")
    assert "/ inputs: must be an object, not a string ('x')" in _refused(read_export, _export(tmp_path, inputs="x"))
    assert "/ provider: must be a provider reference" in _refused(read_export, _export(tmp_path, provider="p"))
    assert "resource #0 / urn: a number (7), not a URN" in _refused(read_export, _export(tmp_path, urn=7))
    assert read_export(_export(tmp_path, parent="", provider="")).resources[0].parent is None  # Go's zero values
    path = tmp_path / "e.json"
    for resources in (0, False, ""):
        path.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
        assert "deployment / resources: must be a list" in _refused(read_export, path)


def test_yaml_duplicate_keys_aliases_and_tags():
    assert "mapping key 'a' already defined at line 1" in _refused(load_yaml, "a: 1\nb: 2\na: 3\n", "f")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    assert "document contains excessive aliasing" in _refused(load_yaml, bomb, "f")
    assert load_yaml("d: &d {team: x}\nt:\n  <<: *d\n  owner: y\n", "f")["t"] == {"team": "x", "owner": "y"}
    assert "python/object" in _refused(load_yaml, "x: !!python/object/apply:os.getcwd []\n", "f")
    assert load_yaml("expires: 2025-06-30\non: yes\nbig: 123456789012345678901234567890\n", "f") == {
        "expires": "2025-06-30", "on": "yes", "big": 1.2345678901234568e29}
    assert "nested more than 100 levels deep" in _refused(load_yaml, "x: " + "[" * 150 + "]" * 150, "f")


def test_stack_names_follow_the_cli():
    assert stack_name_problem("prod.eu_1-a") is None and stack_name_problem("x" * 100) is None
    assert "may only contain alphanumeric, hyphens, underscores, or periods" in stack_name_problem("a::b")
    assert "may only contain" in stack_name_problem("prod\u00e9")
    assert "too long" in stack_name_problem("x" * 101)


def test_policy_config_json_rules():
    assert parse_policy_config("null", "c.json") == {}
    assert _refused(parse_policy_config, '{"p": {"x": NaN}}', "c.json") == "c.json: p.x: NaN is not a JSON number"
