"""Policy pack eks-network-guardrails. Only builds the pack; the rules live in guardrails/."""
from pulumi_policy import PolicyPack

from guardrails import servicer
from guardrails.rules import ALL_POLICIES

servicer.install()  # records what every policy relies on; one deserialized stack (guardrails/servicer.py)
PolicyPack(name="eks-network-guardrails", policies=ALL_POLICIES)
