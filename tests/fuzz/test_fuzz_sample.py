"""A deterministic sample of the generated malformed inputs (one per family and input kind), each run
through `python -m preflight` as a user would: exit 2 naming the file and the key or resource, or a
verdict where the input is odd but valid; no traceback, no hang, no process left behind, nothing
written outside the output folder. `make fuzz` runs every generated input (python -m tests.fuzz.fuzz_all)."""
import pytest

from tests.fuzz.fuzz_harness import prepare_bases, run_all
from tests.fuzz.fuzz_inputs import generate, sample


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    return prepare_bases(tmp_path_factory.mktemp("fuzz-bases"))


@pytest.fixture(scope="module")
def outcomes(bases, tmp_path_factory):
    cases = sample(generate(bases))
    return run_all(cases, bases, tmp_path_factory.mktemp("fuzz-runs"))


def test_sample_covers_every_kind_and_both_outcomes(outcomes):
    kinds = {o.case.kind for o in outcomes}
    assert kinds == {"export", "stack", "policy", "project"}
    assert {o.case.expect for o in outcomes} >= {"reject", "accept"}
    assert all(o.code == 2 for o in outcomes if o.case.expect == "reject" and not o.problems)


def test_every_sampled_input_is_handled(outcomes):
    failures = [f"{o.case.id}: " + "; ".join(f"{k}: {m}" for k, m in o.problems) for o in outcomes if o.problems]
    assert not failures, "\n".join(failures)
