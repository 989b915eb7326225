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


# `make test-fast` (pytest -m "not slow"): the program under mocks and the unit tests, measured to stay under 30 s
# on 2 cores (docs/benchmarks.md, "The test suite"). Everything else is marked `slow`: it starts the policy
# pack process, runs preflight or new-stack as a subprocess or in-process against the pack, needs the test
# programs' virtualenvs (make program-envs) or the real CLI, or is a property-based (Hypothesis) run. A new test
# file is `slow` until it is listed here, so the fast loop stays fast.
FAST = (
    "docs/",                                             # README size, set-up commands, links, docs index
    "program/",                                          # the program under mocks, in-process
    "policies/test_docs_tables.py",                      # the README and docs/policies.md tables vs the rules
    "policies/test_import_graph.py",
    "policies/test_network_model.py",
    "policies/rules/test_eks_guardrails_undecidable.py",
    "preflight/test_in_flight.py",
    "preflight/test_input_readers.py",
    "preflight/test_preflight_autonaming.py",
    "preflight/test_preflight_program_env_rules.py",
    "preflight/test_preflight_recorder.py",
    "reporting/test_docs.py",
    "self_service/test_backstage_template.py",
    "self_service/test_make_help.py",
)
# Inside FAST but slow all the same: the node-posture sweep runs the program for all 24 stacks (the twelve reference
# stacks and the team stack new-stack writes for each variant), ~9 s of CPU, a third of the fast loop.
NOT_FAST = ("program/test_node_posture.py",)
TESTS = Path(__file__).resolve().parent


def fast(rel: str) -> bool:
    return rel.startswith(FAST) and not rel.startswith(NOT_FAST)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: not part of `make test-fast` (see FAST in tests/conftest.py)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.resolve()
        if not (path.is_relative_to(TESTS) and fast(path.relative_to(TESTS).as_posix())):
            item.add_marker("slow")


def pytest_ignore_collect(collection_path, config):
    """Under `-m "not slow"` (make test-fast) the slow folders and files are not even imported: collecting them
    would cost the fast loop ~2 s of imports for tests it then deselects (measured with --collect-only)."""
    if " ".join(config.getoption("markexpr", "").split()) != "not slow":
        return None
    try:
        rel = collection_path.resolve().relative_to(TESTS).as_posix()
    except ValueError:
        return None
    if collection_path.is_dir():
        return None if any(f.startswith(rel + "/") or rel.startswith(f) for f in FAST) else True
    if collection_path.name.startswith("test_") and collection_path.suffix == ".py":
        return None if fast(rel) else True
    return None
