"""Policy pack eks-network-guardrails. Only builds the pack; the rules live in guardrails/."""
from pulumi_policy import PolicyPack

from guardrails import shared_stack
from guardrails.rules import ALL_POLICIES

shared_stack.install()  # one deserialized stack for all stack policies (see guardrails/shared_stack.py)
PolicyPack(name="eks-network-guardrails", policies=ALL_POLICIES)
