"""Reviewed exemptions: a team records that one policy does not apply to some resources, with a reason and an
end date, in the pack's own config, under the policy it exempts (the file `pulumi preview
--policy-pack-config` and `preflight --policy-config` read):

    {"eks-public-access-cidrs": {"exemptions": [
        {"resource": "cluster-*", "reason": "CI runners have no fixed egress (TICKET-42)", "expires": "2027-03-01"}]}}

Measured with the Pulumi CLI v3.276.0: the engine sends every property of a policy's section on to the pack's
Configure (pkg/resource/analyzer/config.go applyConfig) after validating the section against that policy's
config schema, and refuses a top-level key whose value is not a string or an object (a pack-level
`"exemptions": [...]` list fails before the pack starts). So each policy's schema declares `exemptions`
(``SCHEMA``): a missing or blank reason, a missing `expires` or one not written YYYY-MM-DD is refused by the
engine's schema check and by preflight's, naming the policy and the key; a date that does not exist
(2027-02-30) is refused by the pack's Configure (``problems``).

What the pack reports (``rules/base.py`` and ``rules/eks_guardrails_exemptions.py``):
- a violation an exemption in force matches is not reported by its policy; the advisory policy
  eks-guardrails-exemptions reports it instead, its message starting with ``exempted_marker`` - so it is
  seen, never blocks, and tools can classify it (preflight's reports read the marker);
- after its end date an exemption no longer applies: the policy reports the violation at its own level, the
  message starting with ``[exemption expired YYYY-MM-DD: reason]``;
- an exemption that matches no violation of its policy in the stack is reported (advisory), unless its
  URN names another stack.
"""
from __future__ import annotations

import datetime
import fnmatch
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional

KEY = "exemptions"
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
SCHEMA: Dict[str, Any] = {
    "type": "array",
    "description": "Reviewed exemptions from this policy: resource (a URN, or a glob on the resource's name), "
                   "reason, expires (YYYY-MM-DD, the last day it applies).",
    "items": {
        "type": "object",
        "required": ["resource", "reason", "expires"],
        "additionalProperties": False,
        "properties": {
            "resource": {"type": "string", "minLength": 1,
                         "description": "A URN (globs allowed), or a glob on the resource's logical name."},
            "reason": {"type": "string", "pattern": "\\S", "description": "Why it is accepted; who reviewed it."},
            "expires": {"type": "string", "pattern": DATE_PATTERN,
                        "description": "The last day the exemption applies (UTC), YYYY-MM-DD."},
        },
    },
}


@dataclass(frozen=True)
class Exemption:
    policy: str
    index: int  # its place in the policy's `exemptions` list
    resource: str
    reason: str
    expires: str  # YYYY-MM-DD as written

    @property
    def where(self) -> str:
        return f'"{self.policy}".exemptions[{self.index}]'

    def matches(self, urn: str) -> bool:
        if self.resource.startswith("urn:"):
            return fnmatch.fnmatchcase(urn, self.resource)
        return fnmatch.fnmatchcase(urn.rsplit("::", 1)[-1], self.resource)

    def expired(self, today: datetime.date) -> bool:
        return today > datetime.date.fromisoformat(self.expires)

    def names_other_stack(self, stack_prefix: str) -> bool:
        """A URN exemption for another stack or project (`stack_prefix`: "urn:pulumi:<stack>::<project>::"): not
        judged unused here."""
        parts = self.resource.split("::")
        return self.resource.startswith("urn:") and len(parts) > 2 and not fnmatch.fnmatchcase(
            stack_prefix, "::".join(parts[:2]) + "::")


def today() -> datetime.date:
    return datetime.datetime.now(datetime.timezone.utc).date()


def of_policy(policy: str, properties: Optional[Mapping[str, Any]]) -> List[Exemption]:
    """The exemptions in one policy's (schema-checked) properties."""
    out = []
    for i, e in enumerate((properties or {}).get(KEY) or []):
        if isinstance(e, Mapping):
            out.append(Exemption(policy, i, str(e.get("resource", "")), str(e.get("reason", "")),
                                 str(e.get("expires", ""))))
    return out


def problems(policy_config: Mapping[str, Mapping[str, Any]]) -> List[str]:
    """What the engine's schema check lets through and the pack refuses: an end date that is no day of the
    calendar. One line per problem, naming the policy and the key path."""
    out = []
    for policy in sorted(policy_config):
        for e in of_policy(policy, policy_config[policy]):
            try:
                datetime.date.fromisoformat(e.expires)
            except ValueError:
                out.append(f"policy config {e.where}.expires: {e.expires!r} is not a date (YYYY-MM-DD)")
    return out


def in_force(exemptions: Iterable[Exemption], urn: str, day: datetime.date) -> Optional[Exemption]:
    return next((e for e in exemptions if e.matches(urn) and not e.expired(day)), None)


def lapsed(exemptions: Iterable[Exemption], urn: str, day: datetime.date) -> Optional[Exemption]:
    return next((e for e in exemptions if e.matches(urn) and e.expired(day)), None)


def exempted_marker(e: Exemption) -> str:
    return f"[exempted until {e.expires}: {e.reason}] [{e.policy}] "


def expired_marker(e: Exemption) -> str:
    return f"[exemption expired {e.expires}: {e.reason}] "


def unused_message(e: Exemption) -> str:
    return (f"[exemption unused] {e.where} (resource {e.resource!r}, until {e.expires}) matches no violation of "
            f"{e.policy} in this stack; remove it when the violation is fixed.")
