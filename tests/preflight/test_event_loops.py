"""The event loop a program is recorded in (preflight/program/event_loops.py).

Recording leaves no asyncio event loop open: pulumi's mocks make the executor thread that answers an invoke
an event loop of its own (pulumi/runtime/mocks.py MockMonitor.Invoke -> sync_await _ensure_event_loop), and
an unclosed loop keeps an epoll descriptor and a socket pair until the garbage collector or interpreter exit
closes it from `BaseEventLoop.__del__` (a ResourceWarning, or an "Exception ignored" traceback at exit).
And the monitor gets the program's calls one at a time, so a stack is recorded in one order every time."""
from __future__ import annotations

import asyncio
import gc
import subprocess
import sys

from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file
from tests.preflight.helpers import PROGRAM, REPO


def _open_loops() -> list:
    return [o for o in gc.get_objects() if isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()]


def test_recording_closes_every_event_loop_it_made():
    sf = load_stack_file(PROGRAM / "stacks" / "Pulumi.dev.yaml")
    gc.collect()
    before = {id(loop) for loop in _open_loops()}
    gc.disable()  # a loop left open must not be closed by a collection before it is looked for
    try:
        for _ in range(2):
            stack = record_program(PROGRAM, sf.name, sf.config)
            assert len(stack.invokes) >= 5  # the fixture's get_availability_zones, get_region, ... ran
        left = [loop for loop in _open_loops() if id(loop) not in before]
    finally:
        gc.enable()
    assert left == []


def test_preflight_all_exits_without_event_loop_noise():
    # The project's own twelve stacks: enough recordings that collections run while preflight works
    # (two fixture stacks leave their loops unclosed too, but nothing collects them before exit).
    r = subprocess.run([sys.executable, "-W", "always::ResourceWarning", "-m", "preflight", "--all"],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode in (0, 1), r.stderr
    assert "preflight: 12 stacks checked" in r.stdout
    assert "unclosed event loop" not in r.stderr and "Exception ignored" not in r.stderr, r.stderr



def test_a_stack_is_recorded_in_one_order_every_time():
    # The SDK sends every registration from an executor thread (pulumi/runtime/resource.py run_in_executor).
    # Racing threads made the order of resources that become ready together (the route, security group and
    # launch template after the subnets here) change from run to run: 3 orders in 20 recordings of this
    # stack. The report lists violations, and the export resources, in recorded order.
    sf = load_stack_file(PROGRAM / "stacks" / "Pulumi.dev.yaml")
    orders = {tuple(r.urn for r in record_program(PROGRAM, sf.name, sf.config).resources) for _ in range(10)}
    assert len(orders) == 1


def test_resources_declared_together_are_recorded_in_the_programs_order(tmp_path):
    (tmp_path / "Pulumi.yaml").write_text("name: many\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi_aws as aws\n"
        "for i in range(30):\n"
        "    aws.ssm.Parameter(f'p{i:02d}', type='String', value=str(i))\n")
    stack = record_program(tmp_path, "t", {"aws:region": "eu-west-1"})
    assert [r.type for r in stack.resources[:2]] == ["pulumi:pulumi:Stack", "pulumi:providers:aws"]
    assert [r.name for r in stack.resources[2:]] == [f"p{i:02d}" for i in range(30)]


def test_a_call_still_running_after_call_wait_no_longer_holds_the_program(monkeypatch):
    # Only a program's own blocking work could keep a call that long: the program then goes on while it runs
    # (as under the CLI's language host), instead of waiting for it without end.
    import threading
    import time

    from preflight.program import event_loops
    monkeypatch.setattr(event_loops, "CALL_WAIT", 0.05)
    release = threading.Event()
    with event_loops._OneCallAtATime(max_workers=2) as executor:
        t0 = time.monotonic()
        slow = executor.submit(release.wait, 10)
        waited = time.monotonic() - t0
        assert not slow.done() and 0.04 <= waited < 5
        quick = executor.submit(lambda: "answered")
        assert quick.done() and quick.result() == "answered"
        release.set()
        assert slow.result(timeout=5) is True
