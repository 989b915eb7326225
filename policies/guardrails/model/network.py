"""The network model of one stack: the stack index plus the network facts the builder passes derive.

Built once per stack analysis (model/cache.py) from the resources AnalyzeStack carries and the component
inputs Analyze saw (analysis.py); read by every rule.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from .entities import Cluster, Endpoint, Nat, NodeGroup, Res, RouteTable, SecurityGroup, Subnet, Vpc
from .index import StackIndex


class NetworkModel(StackIndex):
    def __init__(self) -> None:
        super().__init__()
        self.vpcs: Dict[str, Vpc] = {}
        self.subnets: Dict[str, Subnet] = {}
        self.route_tables: Dict[str, RouteTable] = {}
        self.nats: Dict[str, Nat] = {}
        self.endpoints: Dict[str, Endpoint] = {}
        self.security_groups: Dict[str, SecurityGroup] = {}
        self.clusters: Dict[str, Cluster] = {}        # urn -> Cluster (only the ones that are judged)
        self.cluster_alias: Dict[str, Cluster] = {}   # any cluster URN (raw or component) -> judged Cluster
        self.clusters_by_name: Dict[str, Cluster] = {}
        self.node_groups: List[NodeGroup] = []
        self.launch_templates: Dict[str, Res] = {}
        # component URN -> the subnets / VPC it builds (awsx VPCs: children, or a pass's inferred layout);
        # subnets None: its layout is unknown (`opaque_components` says why).
        self.component_subnets: Dict[str, Optional[List[Subnet]]] = {}
        self.component_vpcs: Dict[str, Vpc] = {}
        self.opaque_components: Dict[str, str] = {}
        self.results_cache: Dict[Any, Any] = {}       # rule results per (rule, settings), see rules/base.py
