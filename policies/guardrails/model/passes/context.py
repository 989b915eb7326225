"""What every builder pass works on: the model being built and the stack's resources by type."""
from __future__ import annotations

from typing import Any, Dict, List, Tuple

from .. import types as T
from ..entities import Res, Subnet
from ..network import NetworkModel
from ..values import UNKNOWN


class BuildContext:
    def __init__(self, model: NetworkModel, by_type: Dict[str, List[Res]]) -> None:
        self.model = model
        self._by_type = by_type

    def each(self, type_: str) -> List[Res]:
        """The stack's resources of one type, in stack order."""
        return self._by_type.get(type_, [])

    def vpc(self, r: Res, key: str, value: Any = None) -> Any:
        """The Vpc `r` refers to through `key`, UNKNOWN (cannot tell), or None (no reference)."""
        v = r.p(key) if value is None else value
        found = self.model.resolve_one(r, key, v, (T.VPC,))
        if found is None or found is UNKNOWN:
            return found
        return self.model.vpcs.get(found.urn, UNKNOWN)

    def subnets(self, r: Res, key: str, value: Any) -> Tuple[List[Subnet], bool]:
        """The Subnets `r` refers to through `key`, and whether every reference was resolved."""
        found, complete = self.model.resolve(r, key, value, (T.SUBNET,))
        return [self.model.subnets[x.urn] for x in found], complete
