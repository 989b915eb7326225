"""What every config object of the schema shares: camelCase keys, unknown keys rejected, and the small
checks several blocks use."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

# Kubernetes object names such as namespaces (RFC 1123 labels).
DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def duplicates(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return sorted({i for i in items if i in seen or seen.add(i)})


class Block(BaseModel):
    """A config object: camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=False, extra="forbid")
