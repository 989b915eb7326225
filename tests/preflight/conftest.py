from tests.preflight.helpers import PACK, PROGRAM, REPO  # noqa: F401
import pytest


@pytest.fixture(scope="session")
def recorded():
    """Record the fixture's two stacks once per session (same process, one after the other)."""
    from preflight.program.record import record_program
    from preflight.inputs.stack_files import load_stack_file
    out = {}
    for name in ("dev", "prod"):
        sf = load_stack_file(PROGRAM / "stacks" / f"Pulumi.{name}.yaml")
        out[name] = record_program(PROGRAM, sf.name, sf.config)
    return out


@pytest.fixture(scope="session")
def pack():
    from preflight.analyzer.pack_process import PolicyPackProcess
    with PolicyPackProcess(PACK, {"echo-resource": {"echoTypes": ["aws:ec2/subnet:Subnet", "eks:index:Cluster",
                                                                  "aws:ssm/parameter:Parameter"]},
                                  "echo-stack": {"enabled": True}}) as p:
        yield p
