"""One module per policy of the eks-network-guardrails catalog (docs/policies.md)."""
from . import (eks_cluster_subnets_multi_az, eks_endpoint_access_enabled, eks_fargate_private_subnets,
               eks_guardrails_exemptions, eks_guardrails_undecidable, eks_private_endpoint_no_node_public_ip,
               eks_private_endpoint_node_subnets, eks_private_endpoint_vpc_dns,
               eks_isolated_nodes_after_privatelink, eks_isolated_nodes_privatelink,
               eks_privatelink_endpoint_https, eks_public_access_cidrs, eks_public_endpoint_node_egress,
               eks_resource_names)

CATALOG_RULES = [
    eks_endpoint_access_enabled.RULE,
    eks_cluster_subnets_multi_az.RULE,
    eks_public_endpoint_node_egress.RULE,
    eks_private_endpoint_node_subnets.RULE,
    eks_private_endpoint_no_node_public_ip.RULE,
    eks_private_endpoint_vpc_dns.RULE,
    eks_isolated_nodes_privatelink.RULE,
    eks_privatelink_endpoint_https.RULE,
    eks_isolated_nodes_after_privatelink.RULE,
    eks_fargate_private_subnets.RULE,
    eks_resource_names.RULE,
    eks_public_access_cidrs.RULE,
]
UNDECIDABLE_RULE = eks_guardrails_undecidable.make(CATALOG_RULES)
EXEMPTIONS_RULE = eks_guardrails_exemptions.make(CATALOG_RULES + [UNDECIDABLE_RULE])
RULES = CATALOG_RULES + [UNDECIDABLE_RULE, EXEMPTIONS_RULE]
RULES_BY_NAME = {r.name: r for r in RULES}
ALL_POLICIES = [r.policy() for r in RULES]
ALIASES = {old: r.name for r in RULES for old in r.former_names}  # renamed policies' old names
# Ids of removed policies: never given to another policy (a SARIF consumer keys its history on the id).
RETIRED_IDS: frozenset = frozenset()

__all__ = ["RULES", "RULES_BY_NAME", "CATALOG_RULES", "ALL_POLICIES", "ALIASES", "RETIRED_IDS"]
