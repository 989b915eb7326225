"""Run the real ``__main__.py`` for a stack's config through preflight's recorder (Pulumi mocks in
preview mode by default: ids unknown, relations only through property dependencies, URNs in the
engine's format) and query what it registered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from preflight.records import RecordedResource, RecordedStack
from preflight.program.record import record_program

REPO = Path(__file__).resolve().parents[2]


class Run:
    """The registrations of one program run, without the root stack and provider plumbing."""

    def __init__(self, stack: RecordedStack):
        self.stack = stack
        self.registrations: list[RecordedResource] = [
            r for r in stack.resources if r.type != "pulumi:pulumi:Stack" and not r.type.startswith("pulumi:providers:")
        ]
        self.providers = [r for r in stack.resources if r.type.startswith("pulumi:providers:")]
        self._by_urn = stack.by_urn()

    def of_type(self, type_: str) -> list[RecordedResource]:
        if type_.startswith("pulumi:providers:"):
            return [p for p in self.providers if p.type == type_ and not p.name.startswith("default")]
        return [r for r in self.registrations if r.type == type_]

    def one(self, type_: str) -> RecordedResource:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {[r.name for r in found]}"
        return found[0]

    def by_urn(self, urn: str) -> RecordedResource:
        return self._by_urn[urn]


def stack_config(stack: str) -> dict[str, Any]:
    return yaml.safe_load((REPO / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]


def run_program(config: dict[str, Any], stack: str = "test", preview: bool = True) -> Run:
    """Run ``__main__.py`` with ``config`` (the ``config:`` mapping of a stack file)."""
    return Run(record_program(REPO, stack, config, preview=preview))


REFERENCE_STACKS = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in (REPO / "stacks").glob("Pulumi.*.yaml")
                          if not p.name.startswith("Pulumi.team-"))


def project_copy(tmp: Path) -> Path:
    """A project folder whose stacks/ holds copies of the reference stacks (new-stack writes there, never into
    the repository); the program, its packages and Pulumi.yaml are symlinks to the real ones."""
    import shutil

    for name in ("Pulumi.yaml", "__main__.py", "components", "stack_config", ".venv"):
        (tmp / name).symlink_to(REPO / name)
    (tmp / "stacks").mkdir()
    for name in REFERENCE_STACKS:
        shutil.copy(REPO / "stacks" / f"Pulumi.{name}.yaml", tmp / "stacks" / f"Pulumi.{name}.yaml")
    return tmp


def every_stack_config(tmp: Path, region: str = "eu-west-1") -> dict[str, dict[str, Any]]:
    """The twelve reference stacks and, for every variant, the team stack `new-stack` writes for it (one after
    the other into one project, as teams would): {stack name: config}."""
    from eks_variants.new_stack import Request, plan, variants, write

    project = project_copy(tmp)
    configs = {name: stack_config(name) for name in REFERENCE_STACKS}
    for variant in variants():
        planned = plan(Request(team=f"t-{variant}", variant=variant, region=region), project)
        write(planned)
        configs[planned.stack] = yaml.safe_load(planned.text)["config"]
    return configs
