"""Policy pack eks-network-guardrails. Only builds the pack; the rules live in guardrails/."""
from pulumi_policy import PolicyPack

from guardrails import servicer
from guardrails.rules import ALIASES, ALL_POLICIES, RULES

# records what every policy relies on; one deserialized stack; checks config names; adds each policy's id,
# kind, severity, page and remediation to GetAnalyzerInfo (guardrails/servicer.py)
servicer.install(aliases=ALIASES, metadata={r.name: {"id": r.id, "kind": r.kind, "severity": r.severity,
                                                     "url": r.page_url, "remediation": r.resolution}
                                            for r in RULES})
PolicyPack(name="eks-network-guardrails", policies=ALL_POLICIES)
