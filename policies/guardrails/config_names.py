"""The policy names a Configure call may carry: the pack's policies, ``all``, and the old names of renamed
policies (aliases). Anything else is refused.

The Pulumi CLI checks no config key against the pack (pulumi/pulumi pkg/resource/analyzer/config.go
``ReconcilePolicyPackConfig`` copies every key of ``--policy-pack-config`` into the config it sends, ``all``
included), and pulumi_policy's servicer ignores a key it has no policy for, so without this a misspelt or
renamed policy's config would silently stop applying. Configure is the one place the pack sees the file's
keys, under the CLI and under preflight alike, so this is where they are checked:

- an alias's enforcement level and properties apply to the policy it now names (over the reconciled
  entry the engine sent for that policy), and a note says so;
- any other unknown key makes Configure fail (gRPC INVALID_ARGUMENT) with a message naming every unknown key
  and the closest policy name.
"""
from __future__ import annotations

import difflib
from typing import Iterable, List, Mapping, Tuple

from pulumi.runtime.proto import analyzer_pb2 as apb

ALL = "all"  # the engine's key for "every policy" (applyConfig), sent on to the pack as given


class UnknownPolicyNames(ValueError):
    """Config keys naming no policy of the pack; ``str()`` is the message Configure fails with."""

    def __init__(self, pack: str, unknown: List[str], known: Iterable[str], aliases: Mapping[str, str]) -> None:
        self.unknown = sorted(unknown)
        candidates = sorted(set(known) | set(aliases))
        parts = []
        for name in self.unknown:
            close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
            hint = f' (did you mean "{aliases.get(close[0], close[0])}"?)' if close else ""
            parts.append(f'"{name}"{hint}')
        super().__init__(f"policy config names no policy of pack {pack}: {', '.join(parts)}")


def alias_note(old: str, new: str) -> str:
    return (f'policy config key "{old}" is the old name of policy "{new}": its settings apply to "{new}" '
            f"(rename the key)")


def resolve(request: apb.ConfigureAnalyzerRequest, pack: str, known: Iterable[str],
            aliases: Mapping[str, str]) -> Tuple[apb.ConfigureAnalyzerRequest, List[str]]:
    """``request`` with every alias folded into the policy it names, and one note per alias. Raises
    ``UnknownPolicyNames`` when a key is neither a policy, an alias nor ``all``."""
    known = set(known)
    unknown = [k for k in request.policyConfig if k != ALL and k not in known and k not in aliases]
    if unknown:
        raise UnknownPolicyNames(pack, unknown, known, aliases)
    used = sorted(k for k in request.policyConfig if k in aliases and k not in known)
    if not used:
        return request, []
    out = apb.ConfigureAnalyzerRequest()
    out.CopyFrom(request)
    notes = []
    for old in used:
        new = aliases[old]
        given = out.policyConfig[old]
        merged = apb.PolicyConfig()
        if new in out.policyConfig:
            merged.CopyFrom(out.policyConfig[new])
        merged.enforcementLevel = given.enforcementLevel
        for key, value in given.properties.items():
            merged.properties[key].CopyFrom(value)
        out.policyConfig[new].CopyFrom(merged)
        del out.policyConfig[old]
        notes.append(alias_note(old, new))
    return out, notes
