"""The program line of a registration (preflight/program/source_lines.py): the first frame of the SDK's stack trace inside
the program's folder, never one in a virtualenv, none when the SDK sends no stack trace."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from preflight.program.source_lines import SourceLines


def request(*frames):
    return SimpleNamespace(stackTrace=SimpleNamespace(frames=[
        SimpleNamespace(pc=SimpleNamespace(uri=Path(f).as_uri() if f else "", line=n)) for f, n in frames]))


def test_first_frame_in_the_program_folder(tmp_path):
    prog = tmp_path / "prog"
    lib = tmp_path / "env" / "lib" / "python3.11" / "site-packages" / "pulumi_awsx" / "vpc.py"
    lines = SourceLines(str(prog))
    # a library's child: the program line that created the library's component
    got = lines.of(request((lib, 300), ("", 0), (prog / "components" / "network.py", 42), (prog / "__main__.py", 7)))
    assert got == {"file": "components/network.py", "line": 42}
    assert lines.of(request((prog / "__main__.py", 12))) == {"file": "__main__.py", "line": 12}


def test_a_virtualenv_inside_the_program_folder_is_not_the_program(tmp_path):
    prog = tmp_path / "prog"
    lines = SourceLines(str(prog))
    inside = prog / "venv" / "lib" / "python3.11" / "site-packages" / "pulumi_eks" / "cluster.py"
    assert lines.of(request((inside, 10), (prog / "__main__.py", 3))) == {"file": "__main__.py", "line": 3}
    assert lines.of(request((inside, 10))) is None
    assert lines.of(request((tmp_path / "elsewhere.py", 1))) is None


def test_no_stack_trace_no_source(tmp_path):
    assert SourceLines(str(tmp_path)).of(SimpleNamespace()) is None  # an SDK before RegisterResourceRequest.stackTrace
    assert SourceLines(None).of(request((tmp_path / "__main__.py", 1))) is None


def test_recorded_resources_carry_their_line(recorded):
    """The fixture program registers resources in __main__.py and through its component in netparts/: each points
    at a line of that file that calls something; the root stack and default providers have no source."""
    from tests.preflight.helpers import PROGRAM
    stack = recorded["dev"]
    with_source = [r for r in stack.resources if r.source]
    assert {r.source["file"] for r in with_source} == {"__main__.py", "netparts/__init__.py"}
    for r in with_source:
        text = (PROGRAM / r.source["file"]).read_text(encoding="utf-8").splitlines()
        assert "(" in text[r.source["line"] - 1], (r.urn, r.source)
    component = next(r for r in stack.resources if r.type == "fixture:net:Network")
    assert component.source["file"] == "__main__.py"  # the component itself: where the program created it
    for r in stack.resources:
        if r.type == "pulumi:pulumi:Stack" or r.type.startswith("pulumi:providers:"):
            assert r.source is None, r.urn
