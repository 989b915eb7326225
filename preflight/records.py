"""What a run records and the pack reports: RecordedStack, RecordedResource, Violation (shared by the
recorder, the export reader/writer, the pack client and the report)."""
from __future__ import annotations

import dataclasses
from typing import Optional

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"  # the type of a provider resource: this + the package name


@dataclasses.dataclass
class RecordedResource:
    urn: str
    type: str
    name: str
    custom: bool
    parent: Optional[str] = None
    provider: Optional[str] = None  # provider reference "urn::id"
    id: Optional[str] = None  # None = unknown (or a component, which has no id)
    inputs: dict = dataclasses.field(default_factory=dict)
    outputs: dict = dataclasses.field(default_factory=dict)
    dependencies: list = dataclasses.field(default_factory=list)
    property_dependencies: dict = dataclasses.field(default_factory=dict)
    remote: bool = False  # a multi-language component (e.g. pulumi-eks); its children are not visible
    protect: bool = False  # the `protect` resource option (pulumi destroy refuses to delete it)
    # where the program registered it: {"file": path relative to the program folder, "line": n}; None when not
    # known (stack exports, default providers, an SDK that sends no stack trace) - preflight/program/source_lines.py
    source: Optional[dict] = None


@dataclasses.dataclass
class RecordedStack:
    name: str
    project: str
    resources: list = dataclasses.field(default_factory=list)
    preview: bool = True
    source: Optional[str] = None  # what was checked (stack name, stack file, export file)
    config: dict = dataclasses.field(default_factory=dict)  # the stack's config as the CLI hands it over
    # (token, provider reference "urn::id" or "" for the default provider) of each invoke the program made
    invokes: list = dataclasses.field(default_factory=list)
    # (token, "facts" | "unknown", its arguments as text) of each lookup of existing infrastructure
    lookups: list = dataclasses.field(default_factory=list)
    warnings: list = dataclasses.field(default_factory=list)  # the program's `pulumi.log.warn` lines, in order

    @property
    def root_urn(self) -> str:
        return f"urn:pulumi:{self.name}::{self.project}::{ROOT_STACK_TYPE}::{self.project}-{self.name}"

    def by_urn(self) -> dict[str, RecordedResource]:
        return {r.urn: r for r in self.resources}

    def get(self, urn: str) -> Optional[RecordedResource]:
        return self.by_urn().get(urn)

    def outputs(self) -> dict:
        for r in self.resources:
            if r.type == ROOT_STACK_TYPE and r.parent is None:
                return r.outputs
        return {}


@dataclasses.dataclass
class Violation:
    policy: str
    enforcement_level: str  # "advisory" | "mandatory" | "remediate" | "disabled"
    urn: str
    message: str
    policy_pack: str = ""
    policy_pack_version: str = ""

    def to_json(self) -> dict[str, str]:
        return {"policy": self.policy, "enforcementLevel": self.enforcement_level,
                "urn": self.urn, "message": self.message}


def stack_to_json(stack: RecordedStack) -> dict:
    """A RecordedStack as plain JSON data (how a recording in the program's own environment returns)."""
    return dataclasses.asdict(stack)


def stack_from_json(data: dict) -> RecordedStack:
    fields = dict(data)
    fields["resources"] = [RecordedResource(**r) for r in data.get("resources", [])]
    fields["invokes"] = [tuple(i) for i in data.get("invokes", [])]
    fields["lookups"] = [tuple(i) for i in data.get("lookups", [])]
    return RecordedStack(**fields)


def canonical_urns(urns) -> list:
    """Dependency URNs in one order: the SDK sends them in the order of the set it collected them in (it
    varies with PYTHONHASHSEED), which would reach written exports and the pack's messages."""
    return sorted(set(urns))
