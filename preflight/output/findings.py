"""What every output of a run says about one violation beyond (policy, level, URN, message): the policy's
stable id and page, the program line that registered the resource, and whether a reviewed exemption covers it.

- Policy metadata comes from the pack over the protocol (GetAnalyzerInfo's PolicyInfo): its id is the tag
  `id:<ID>` (eks-network-guardrails: EKSNET-NNN), its page `url`, its fix `remediation_steps`, its `severity`
  and the tag `kind:<functional|posture|advisory>`. A pack that gives none: the policy's name is its id.
- The source is the one the recorder kept for the resource (preflight/program/source_lines.py); a stack export has
  none (state files carry no program source).
- Exemptions: eks-network-guardrails reports an exempted violation as an advisory violation of
  eks-guardrails-exemptions whose message has a line starting `[exempted until YYYY-MM-DD: reason] [policy] `
  (policies/guardrails/exemptions.py writes it; the real CLI shows the same text), so it is never dropped and
  never blocks; here it is classified as exempted, with the policy it exempts from, its reason and end date.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

EXEMPTED = re.compile(r"^\[exempted until ([0-9]{4}-[0-9]{2}-[0-9]{2}): (.*)\] \[([^\]\s]+)\] ", re.M)
SEVERITIES = {1: "low", 2: "medium", 3: "high", 4: "critical"}  # PolicySeverity
EXPORT_NO_SOURCE = "a stack export has no program source lines"


@dataclasses.dataclass(frozen=True)
class PolicyMeta:
    name: str
    id: str
    description: str = ""
    level: str = ""  # the pack's default enforcement level
    url: str = ""
    remediation: str = ""
    severity: str = ""
    kind: str = ""


def catalog(info: Any) -> dict[str, PolicyMeta]:
    """policy name -> PolicyMeta from a GetAnalyzerInfo answer (None: an empty catalog)."""
    out: dict[str, PolicyMeta] = {}
    for p in getattr(info, "policies", None) or []:
        tags = dict(t.split(":", 1) for t in getattr(p, "tags", []) if ":" in t)
        level = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}.get(p.enforcementLevel, "")
        out[p.name] = PolicyMeta(name=p.name, id=tags.get("id") or p.name, description=p.description, level=level,
                                 url=getattr(p, "url", ""), remediation=getattr(p, "remediation_steps", ""),
                                 severity=SEVERITIES.get(getattr(p, "severity", 0), ""), kind=tags.get("kind", ""))
    return out


def meta_of(cat: dict[str, PolicyMeta], policy: str) -> PolicyMeta:
    return cat.get(policy) or PolicyMeta(name=policy, id=policy)


def exemption_of(message: str) -> Optional[dict]:
    """{"policy", "reason", "expires"} when the message is an exempted violation's, else None."""
    m = EXEMPTED.search(message)
    return {"policy": m.group(3), "reason": m.group(2), "expires": m.group(1)} if m else None


def source_of(recorded: Any, urn: str) -> Optional[dict]:
    """{"file", "line"} of the resource in the recorded stack, or None."""
    if recorded is None:
        return None
    for r in recorded.resources:
        if r.urn == urn:
            return getattr(r, "source", None)
    return None


def sources_by_urn(recorded: Any) -> dict[str, dict]:
    return {r.urn: r.source for r in getattr(recorded, "resources", []) if getattr(r, "source", None)}


@dataclasses.dataclass
class Finding:
    """One violation of one checked input, with what the CI outputs show."""
    stack: str
    input: str  # the stack file or export it came from (display path)
    kind: str  # "stack" | "export"
    policy: str
    level: str
    urn: str
    message: str
    meta: PolicyMeta
    source: Optional[dict] = None
    exemption: Optional[dict] = None

    @property
    def exempted(self) -> bool:
        return self.exemption is not None

    def text(self) -> str:
        """The message without the policy description the SDK puts on its first line."""
        desc = self.meta.description
        if desc and self.message.startswith(desc + "\n"):
            return self.message[len(desc) + 1:]
        return self.message


def findings(entries: list, cat: dict[str, PolicyMeta]) -> list[Finding]:
    """Every violation of every usable entry (reporting.document.Entry), in report order."""
    out = []
    for e in entries:
        if not e.usable:
            continue
        sources = sources_by_urn(e.recorded)
        for v in e.violations:
            meta = meta_of(cat, v.policy)
            ex = exemption_of(v.message)
            if ex is not None:
                ex = dict(ex)
            out.append(Finding(stack=e.stack, input=e.input, kind=e.kind, policy=v.policy, level=v.enforcement_level,
                               urn=v.urn, message=v.message, meta=meta, source=sources.get(v.urn), exemption=ex))
    return out


def rule_of(f: Finding, cat: dict[str, PolicyMeta]) -> PolicyMeta:
    """The policy a finding counts against (the exempted policy for an exempted violation)."""
    return meta_of(cat, f.exemption["policy"]) if f.exemption else f.meta
