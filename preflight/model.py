"""Data model shared by the recorder, the analyzer client and the export reader/writer."""
from __future__ import annotations

import dataclasses
from typing import Any, Optional

# The engine's wire sentinels (sdk/go/common/resource/plugin/rpc.go, sdk/go/common/resource/sig).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"


class InputError(Exception):
    """The input could not be used (exit status 2). `problems` holds one line per problem."""

    def __init__(self, problems, source: Optional[str] = None):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = [str(p) for p in problems]
        self.source = source
        super().__init__("; ".join(self.problems))

    def lines(self) -> list[str]:
        if self.source:
            return [f"{self.source}: {p}" for p in self.problems]
        return list(self.problems)


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

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class RecordedStack:
    name: str
    project: str
    resources: list = dataclasses.field(default_factory=list)
    preview: bool = True
    source: Optional[str] = None  # what was checked (stack name, stack file, export file)
    config: dict = dataclasses.field(default_factory=dict)  # the stack's config as the CLI hands it over

    @property
    def root_urn(self) -> str:
        return f"urn:pulumi:{self.name}::{self.project}::{ROOT_STACK_TYPE}::{self.project}-{self.name}"

    def by_urn(self) -> dict[str, RecordedResource]:
        return {r.urn: r for r in self.resources}

    def get(self, urn: str) -> Optional[RecordedResource]:
        return self.by_urn().get(urn)

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

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
