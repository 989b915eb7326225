"""Where the program registered each resource: the first frame of the registration's stack trace that lies in
the program's folder (not in an environment's site-packages), as {"file": path relative to the folder, "line"}.

The stack trace is the one the SDK already computes for the engine (RegisterResourceRequest.stackTrace, frames
innermost first, starting at the caller of the resource class's constructor; pulumi SDKs that predate the field
send none, and their resources have no source). So a resource the program constructs is placed on its own line,
a child a component in the program's folder creates on the component's line, and a child a library's component
(pulumi-awsx, pulumi-eks, ...) creates on the line in the program that created that component. Each file URI is
judged once per recording (a dict lookup after that): the cost is a loop over the frames up to the first hit.
Standard library only: this runs in the program's own environment too (python_env_child.py).
"""
from __future__ import annotations

import os
import sys
from typing import Optional
from urllib.parse import unquote, urlparse


class SourceLines:
    def __init__(self, program_dir: Optional[str]) -> None:
        self.root = os.path.realpath(program_dir) if program_dir else None
        self.envs = tuple({os.path.realpath(sys.prefix) + os.sep, os.path.realpath(sys.base_prefix) + os.sep})
        self._files: dict[str, Optional[str]] = {}  # file URI -> path relative to the program folder, or None

    def _relative(self, uri: str) -> Optional[str]:
        parsed = urlparse(uri)
        if parsed.scheme != "file" or self.root is None:
            return None
        path = os.path.realpath(unquote(parsed.path))
        if not path.startswith(self.root + os.sep) or path.startswith(self.envs):
            return None
        rel = os.path.relpath(path, self.root)
        if f"site-packages{os.sep}" in rel or rel.split(os.sep, 1)[0] in ("venv", ".venv"):
            return None
        return rel.replace(os.sep, "/")

    def of(self, request) -> Optional[dict]:
        """The program's line for a RegisterResource (or ReadResource) request, or None."""
        trace = getattr(request, "stackTrace", None)
        if trace is None or self.root is None:
            return None
        for frame in trace.frames:
            uri = frame.pc.uri
            if not uri:
                continue
            rel = self._files.get(uri, "")
            if rel == "":
                rel = self._files[uri] = self._relative(uri)
            if rel is not None:
                return {"file": rel, "line": int(frame.pc.line)}
        return None
