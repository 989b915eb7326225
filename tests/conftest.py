"""`guardrails` (the pack's package, policies/guardrails) imports from this checkout.

The editable install's finder maps `guardrails` to the checkout the environment was installed from; a git
worktree sharing that environment would otherwise test another checkout's pack in-process (the pack process
itself always runs this checkout's policies/). The finder comes after sys.path, so this folder first wins."""
from __future__ import annotations

import sys
from pathlib import Path

POLICIES = str(Path(__file__).resolve().parents[1] / "policies")
if POLICIES not in sys.path:
    sys.path.insert(0, POLICIES)
