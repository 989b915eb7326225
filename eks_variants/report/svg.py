"""DOT -> SVG with graphviz-pure, the `graphviz-pure` program its wheel installs beside this interpreter
(a Rust port of Graphviz 16.1.0 with its fonts inside: no system Graphviz, the same bytes on every
platform). Why this one and not another renderer: docs/report.md, "Diagram rendering"."""
from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from preflight.errors import InputError

PROGRAM = "graphviz-pure"


def renderer() -> str:
    """The graphviz-pure program of this environment (its scripts folder first, then PATH)."""
    for folder in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(folder) / PROGRAM
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(PROGRAM)
    if found is None:
        raise InputError(f"--report needs the `{PROGRAM}` program (PyPI package graphviz-pure, in "
                         "requirements.lock): run `make env`")
    return found


def render_svgs(dots: list[str]) -> list[str]:
    """Each DOT source as SVG; the renderers run side by side (a few milliseconds each)."""
    program = renderer()
    procs = [subprocess.Popen([program, "-Tsvg"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in dots]
    out = []
    for proc, dot in zip(procs, dots):
        stdout, stderr = proc.communicate(dot.encode("utf-8"))
        if proc.returncode != 0:
            raise RuntimeError(f"{PROGRAM} failed ({proc.returncode}): {stderr.decode(errors='replace').strip()}")
        out.append(stdout.decode("utf-8"))
    return out
