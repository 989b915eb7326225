"""Policy pack eks-network-guardrails. Only builds the pack; the rules live in guardrails/."""
from pulumi_policy import PolicyPack

from guardrails import servicer
from guardrails.rules import ALIASES, ALL_POLICIES

# records what every policy relies on; one deserialized stack; checks config names (guardrails/servicer.py)
servicer.install(aliases=ALIASES)
PolicyPack(name="eks-network-guardrails", policies=ALL_POLICIES)
