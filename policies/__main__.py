"""Policy pack eks-network-guardrails. Only builds the pack; the rules live in guardrails/."""
from pulumi_policy import PolicyPack

from guardrails.rules import ALL_POLICIES

PolicyPack(name="eks-network-guardrails", policies=ALL_POLICIES)
