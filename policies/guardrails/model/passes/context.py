"""What every builder pass works on: the model being built and the stack's resources by type."""
from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Tuple

from .. import types as T
from ..entities import Res, Subnet
from ..network import NetworkModel
from ..values import UNKNOWN, as_list, is_unknown, unique_by_identity


class SubnetRef(NamedTuple):
    """The subnets an input refers to."""
    subnets: List[Subnet]
    complete: bool  # every reference resolved (to subnets, or to a component's candidates)
    exact: bool     # False: `subnets` are the candidates the input may hold, not what it holds
    why: str        # why incomplete or inexact, for notes ("" when complete and exact)


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
        if found is None:
            return None
        if found is UNKNOWN:
            for u in r.pdeps.get(key, ()):  # wired from a component that builds a VPC (awsx vpcId)
                if u in self.model.component_vpcs:
                    return self.model.component_vpcs[u]
            return UNKNOWN
        return self.model.vpcs.get(found.urn, UNKNOWN)

    def subnets(self, r: Res, key: str, value: Any) -> Tuple[List[Subnet], bool]:
        """The Subnets `r` refers to through `key`, and whether every reference was resolved."""
        ref = self.subnet_ref(r, key, value)
        return ref.subnets, ref.complete

    def subnet_ref(self, r: Res, key: str, value: Any) -> SubnetRef:
        m = self.model
        found, complete = m.resolve(r, key, value, (T.SUBNET,))
        subnets = [m.subnets[x.urn] for x in found]
        if complete:
            return SubnetRef(subnets, True, True, "")
        candidates, sources, opaque = [], [], []
        for u in r.pdeps.get(key, ()):
            if u not in m.component_subnets:
                continue
            if m.component_subnets[u] is None:
                opaque.append(f"{self.describe(u)} ({m.opaque_components.get(u, 'its layout is unknown')})")
            else:
                candidates.extend(m.component_subnets[u])
                sources.append(self.describe(u))
        if candidates and not opaque and not self._outside_ids(value):
            return SubnetRef(unique_by_identity(subnets + candidates), True, False,
                             f"{key} is wired from {', '.join(sources)}, and which of its subnets it holds is "
                             "unknown until their ids are")
        if opaque:
            return SubnetRef(subnets, False, True, f"{key} is wired from {', '.join(opaque)}")
        return SubnetRef(subnets, False, True, self.why_unresolved(r, key, value))

    def _outside_ids(self, value: Any) -> List[str]:
        vals = as_list(value)
        if vals is UNKNOWN:
            return []
        return [v for v in vals if isinstance(v, str) and not is_unknown(v) and not v.startswith("urn:")
                and self.model.find(v, (T.SUBNET,)) is None]

    def why_unresolved(self, r: Res, key: str, value: Any) -> str:
        """Why a reference in `key` does not resolve, in words a note can carry."""
        outside = self._outside_ids(value)
        if outside:
            shown = ", ".join(outside[:3]) + (", ..." if len(outside) > 3 else "")
            return f"{key} holds ids that are not resources of this stack ({shown}): outside this stack"
        sources = [self.describe(u) for u in r.pdeps.get(key, ())]
        if sources:
            return f"{key} is computed from {', '.join(sources)} and unknown at preview"
        return f"{key} is unknown at preview"

    def describe(self, urn: str) -> str:
        t = self.model.type_of_urn.get(urn, "")
        name = urn.rsplit("::", 1)[-1]
        if t == T.STACK_REFERENCE:
            return f"StackReference {name} (another stack's outputs, outside this stack)"
        if t == T.AWSX_VPC:
            return f"awsx VPC {name}"
        return f"{t or 'resource'} {name}"

    def inferred_res(self, anchor: Res, type_: str, name: str, props: Dict[str, Any]) -> Res:
        """A resource a pass infers (not in the stack), reported as and ordered with `anchor`. A known id in
        `props` is indexed, so references holding it resolve to the inferred resource."""
        res = Res(f"{anchor.urn}#{type_}::{name}", type_, name, props, [], {}, anchor.urn, anchor=anchor.urn)
        rid = props.get("id")
        if isinstance(rid, str) and rid and not is_unknown(rid):
            self.model.by_id.setdefault(rid, []).append(res)
        return res
