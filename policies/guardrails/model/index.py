"""The stack index: every resource by URN and by id, the parent chain, and dependency closure.

Every reference (a subnet's `vpcId`, a node group's `subnetIds`, a route's `gatewayId`, ...) is resolved
by id where the id is known (existing stack, state export) and through the resource's
`propertyDependencies` URNs where it is not (preview of a new stack).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple

from . import types as T
from .entities import Res
from .values import UNKNOWN, as_list, is_unknown, plain, proxy_target


class StackIndex:
    def __init__(self) -> None:
        self.by_urn: Dict[str, Res] = {}
        self.by_id: Dict[str, List[Res]] = {}
        self.type_of_urn: Dict[str, str] = {}
        self.graph: Dict[str, Any] = {}  # urn -> PolicyResource-like (for dependency walks)
        self.parent_of: Dict[str, Optional[str]] = {}
        self._dep_cache: Dict[str, frozenset] = {}

    def add(self, pr: Any, component_inputs: Mapping[str, Dict[str, Any]]) -> Optional[Res]:
        """Index one PolicyResource(-like) object; a Res for the types the model understands, else None.

        A pulumi-eks component's props are its outputs (what AnalyzeStack carries) over the inputs that
        Analyze saw for it (see analysis.py)."""
        urn = pr.urn
        self.graph[urn] = pr
        self.type_of_urn[urn] = pr.resource_type
        parent = pr.parent.urn if getattr(pr, "parent", None) is not None else None
        self.parent_of[urn] = parent
        if pr.resource_type not in T.MODELLED:
            return None
        props = plain(proxy_target(pr.props))
        if not isinstance(props, dict):
            props = {}
        if pr.resource_type in T.COMPONENTS:
            seen = component_inputs.get(urn)
            if seen:
                props = {**seen, **props}
        # Sorted: the SDK lists dependencies in set order (it varies with the program's hash seed), and
        # what resolves through them (subnets, their order in messages) must not.
        pdeps = {k: sorted({d.urn if hasattr(d, "urn") else d for d in v})
                 for k, v in (pr.property_dependencies or {}).items()}
        for k, urns in (getattr(pr, "outside_dependencies", None) or {}).items():  # shared_stack.py
            pdeps[k] = sorted(set(pdeps.get(k, ())) | set(urns))
        deps = sorted({d.urn if hasattr(d, "urn") else d for d in (pr.dependencies or [])})
        res = Res(urn, pr.resource_type, pr.name, props, deps, pdeps, parent)
        self.by_urn[urn] = res
        for key in ("id", "arn", "allocationId"):
            v = props.get(key)
            if isinstance(v, str) and v:
                self.by_id.setdefault(v, []).append(res)
        if res.type in (T.LAUNCH_TEMPLATE, T.LAUNCH_CONFIG):
            n = props.get("name")
            if isinstance(n, str):
                self.by_id.setdefault(n, []).append(res)
        return res

    def ancestors(self, urn: str) -> Iterator[str]:
        """The URNs of `urn`'s parent, its parent's parent, ... (each once, even if the chain loops)."""
        seen = {urn}
        p = self.parent_of.get(urn)
        while p is not None and p not in seen:
            seen.add(p)
            yield p
            p = self.parent_of.get(p)

    # -- lookups ------------------------------------------------------------------------------------
    def find(self, value: Any, types: Sequence[str]) -> Optional[Res]:
        if not isinstance(value, str) or is_unknown(value):
            return None
        if value.startswith("urn:pulumi:"):
            r = self.by_urn.get(value)
            return r if r is not None and r.type in types else None
        for r in self.by_id.get(value, ()):
            if r.type in types:
                return r
        return None

    def deps_of_type(self, res: Res, key: str, types: Sequence[str]) -> List[Res]:
        out = []
        for u in res.pdeps.get(key, ()):
            r = self.by_urn.get(u)
            if r is not None and r.type in types:
                out.append(r)
        return out

    def resolve(self, res: Res, key: str, value: Any, types: Sequence[str]) -> Tuple[List[Res], bool]:
        """Resolve a reference (or list of references) to resources of `types`.

        Returns (resources, complete). Known ids match by id; unknown elements are covered by the
        resource's propertyDependencies[key]; anything else (an id of a resource outside the stack,
        an unknown without dependencies) makes the result incomplete."""
        vals = as_list(value)
        if vals is UNKNOWN:
            found = self.deps_of_type(res, key, types)
            return found, bool(found)
        out: Dict[str, Res] = {}
        need_deps = False
        for v in vals:
            if isinstance(v, dict):  # a resource reference object
                v = v.get("urn") or v.get("id")
            r = self.find(v, types)
            if r is not None:
                out[r.urn] = r
            else:
                need_deps = True
        complete = True
        if need_deps:
            found = self.deps_of_type(res, key, types)
            for r in found:
                out[r.urn] = r
            n_unresolved = sum(1 for v in vals if self.find(v.get("urn") if isinstance(v, dict) else v, types) is None)
            complete = len(found) >= n_unresolved and bool(found)
        return list(out.values()), complete

    def resolve_one(self, res: Res, key: str, value: Any, types: Sequence[str]) -> Any:
        """One resource, or UNKNOWN (cannot tell), or None (no reference given)."""
        if value is None and not res.pdeps.get(key):
            return None
        found, complete = self.resolve(res, key, value, types)
        if found:
            return found[0]
        return UNKNOWN

    # -- dependency closure ---------------------------------------------------------------------------
    def depends_on(self, start_urns: Iterable[str], targets: Iterable[str]) -> set:
        """The subset of `targets` reachable from `start_urns` through dependencies/propertyDependencies."""
        targets = set(targets)
        found: set = set()
        for s in start_urns:
            found |= self._closure(s) & targets
        return found

    def dependencies_of(self, urn: str) -> frozenset:
        """Every URN `urn` depends on, directly or transitively."""
        return self._closure(urn)

    def _closure(self, urn: str) -> frozenset:
        """All URNs `urn` depends on (transitively). Memoised, iterative; linear over the stack."""
        cache = self._dep_cache
        if urn in cache:
            return cache[urn]
        stack: List[Tuple[str, bool]] = [(urn, False)]
        on_stack: set = set()
        while stack:
            u, done = stack.pop()
            if done:
                acc = set()
                for d in self._edges(u):
                    acc.add(d)
                    acc |= cache.get(d, frozenset())
                cache[u] = frozenset(acc)
                on_stack.discard(u)
                continue
            if u in cache or u in on_stack:
                continue
            on_stack.add(u)
            stack.append((u, True))
            for d in self._edges(u):
                if d not in cache and d not in on_stack:
                    stack.append((d, False))
        return cache[urn]

    def _edges(self, urn: str) -> List[str]:
        pr = self.graph.get(urn)
        if pr is None:
            return []
        return pr_dep_urns(pr)


def pr_dep_urns(pr: Any) -> List[str]:
    out = [d.urn if hasattr(d, "urn") else d for d in (pr.dependencies or [])]
    for v in (pr.property_dependencies or {}).values():
        out.extend(d.urn if hasattr(d, "urn") else d for d in v)
    return out
