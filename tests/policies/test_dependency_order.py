"""The pack's verdicts and messages do not depend on the order of a resource's dependency lists.

The Pulumi SDK sends `dependencies` and `propertyDependencies` in set order, which changes with the program's
PYTHONHASHSEED, and `pulumi preview --policy-pack` hands them to the pack as sent. At preview, unknown subnet ids
resolve through propertyDependencies: their order must not reach the messages. Each stack is analyzed with its
dependency lists as recorded, reversed and shuffled (fixed seeds), and must give the same report each time."""
from __future__ import annotations

import dataclasses
import random

import pytest

from preflight.program.record import record_program
from preflight.inputs.stack_files import load_stack_file
from tests.policies.realworld.realworld_cases import CASES

# Nodes in several subnets reached only through propertyDependencies at preview, with violations and notes.
STACKS = ("raw-vpc:isolated-private", "raw-vpc:isolated-public-private", "eks-components:managed-default-subnets",
          "eks-components:nodegroup-v2-public-ip", "raw-vpc:tgw-private", "launch-template-asg:no-public-ip")


def _reordered(stack, order):
    def deps(urns):
        urns = list(urns)
        order(urns)
        return urns

    resources = [dataclasses.replace(r, dependencies=deps(r.dependencies),
                                     property_dependencies={k: deps(v) for k, v in r.property_dependencies.items()})
                 for r in stack.resources]
    return dataclasses.replace(stack, resources=resources)


def _report(pack, stack):
    return [(v.policy, v.enforcement_level, v.urn, v.message) for v in pack.analyze(stack)]


@pytest.mark.parametrize("case_id", STACKS)
def test_dependency_order_does_not_reach_the_report(pack, case_id):
    case = next(c for c in CASES if c.id == case_id)
    sf = load_stack_file(case.stack_file)
    stack = record_program(case.folder, sf.name, sf.config, preview=True)
    assert any(len(v) > 1 for r in stack.resources for v in r.property_dependencies.values())
    expected = _report(pack, stack)
    assert expected  # a layout with something to say
    orders = [list.reverse] + [random.Random(n).shuffle for n in range(3)]
    for order in orders:
        assert _report(pack, _reordered(stack, order)) == expected, order
