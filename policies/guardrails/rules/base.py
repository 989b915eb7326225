"""The base of every guardrails rule: it owns the plumbing (policy objects, settings, result caching), so
each rule module only declares its name, requirement, source, settings schema and check (Checkov style)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy,
                           StackValidationPolicy)

from .. import analysis
from ..model import model_for
from ..model.existing_network import facts_in
from ..model.entities import Res
from ..model.network import NetworkModel
from ..model.values import plain, proxy_target

UNDECIDABLE_PREFIX = "cannot decide: "
# The default of requiredServices: the Interface endpoints a private-only cluster's nodes need (Amazon EKS
# User Guide, private-clusters; eksctl's fully-private baseline). The S3 Gateway endpoint is always
# required and is not part of this setting. (The program's own endpoint list is stack_config's.)
DEFAULT_REQUIRED_INTERFACE_SERVICES = ["ec2", "ecr.api", "ecr.dkr", "sts"]


@dataclass
class Finding:
    urn: str
    message: str
    undecidable: bool = False
    key: Any = None  # findings with the same key are one problem (reported once)


@dataclass
class Rule:
    name: str
    requirement: str
    source: str
    check: Callable[[NetworkModel, Dict[str, Any]], Iterable[Finding]]
    enforcement: EnforcementLevel = EnforcementLevel.MANDATORY
    config_properties: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    # resource-level rules: the types they judge and a check on one resource
    resource_types: Sequence[str] = ()
    check_resource: Optional[Callable[[Res, Dict[str, Any]], Iterable[Finding]]] = None
    # the advisory companion reports the undecidable findings that every other rule keeps to itself
    reports_undecidable: bool = False
    # old names of this policy: config under them still applies to it, with a note (config_names.py)
    former_names: Sequence[str] = ()

    @property
    def description(self) -> str:
        return f"{self.requirement} Source: {self.source}"

    def defaults(self) -> Dict[str, Any]:
        return {k: v["default"] for k, v in self.config_properties.items() if "default" in v}

    def settings(self, run: analysis.Analysis) -> Dict[str, Any]:
        """This rule's settings in an analysis: what Configure delivered for it, used as is (the engine
        fills in the schema defaults before it configures a pack: pulumi/pulumi pkg/resource/analyzer
        config.go ReconcilePolicyPackConfig, and preflight's reconcile); the schema defaults when the pack
        was never configured (a servicer driven without Configure, the unit tests)."""
        if run.policy_config is None:
            return self.defaults()
        return {k: plain(v) for k, v in (run.policy_config.get(self.name) or {}).items()}

    def results(self, model: NetworkModel, cfg: Dict[str, Any]) -> List[Finding]:
        """All findings of this rule on the model, deduplicated by key; cached per config."""
        ck = (self.name, json.dumps(cfg, sort_keys=True, default=str))
        cached = model.results_cache.get(ck)
        if cached is not None:
            return cached
        out: List[Finding] = []
        seen = set()
        for f in self.check(model, cfg):
            k = f.key if f.key is not None else (f.urn, f.message)
            if k in seen:
                continue
            seen.add(k)
            out.append(f)
        model.results_cache[ck] = out
        return out

    def policy(self):
        schema = PolicyConfigSchema(properties=self.config_properties) if self.config_properties else None
        if self.check_resource is not None:
            types = frozenset(self.resource_types)

            def validate_resource(args, report_violation):
                if args.resource_type not in types:
                    return
                res = Res(args.urn, args.resource_type, args.name, plain(proxy_target(args.props)) or {}, [], {},
                          getattr(args.opts, "parent", None))
                for f in self.check_resource(res, self.settings(analysis.current())):
                    if not f.undecidable:
                        report_violation(f.message, f.urn)

            return TypedResourcePolicy(types, name=self.name, description=self.description,
                                       validate=validate_resource, enforcement_level=self.enforcement,
                                       config_schema=schema)

        def validate_stack(args, report_violation):
            run = analysis.current()
            model = model_for(args.resources, run.component_inputs, facts_in(run.policy_config))
            for f in self.results(model, self.settings(run)):
                if self.reports_undecidable or not f.undecidable:
                    report_violation(f.message, f.urn)

        return StackValidationPolicy(name=self.name, description=self.description, validate=validate_stack,
                                     enforcement_level=self.enforcement, config_schema=schema)


class TypedResourcePolicy(ResourceValidationPolicy):
    """A resource policy that judges only `resource_types`: on any other type its validation returns at once,
    so the servicer may answer Analyze for such a resource without deserializing it (shared_stack.py)."""

    def __init__(self, resource_types: frozenset, **kwargs) -> None:
        super().__init__(**kwargs)
        self.resource_types = resource_types


def undecided(urn: str, policy: str, what: str, key: Any = None) -> Finding:
    return Finding(urn, f"{UNDECIDABLE_PREFIX}[{policy}] {what}", True, key)


SERVICES_PROPERTY = {
    "type": "array",
    "items": {"type": "string"},
    "default": list(DEFAULT_REQUIRED_INTERFACE_SERVICES),
    "description": "Short names of the AWS services (com.amazonaws.<region>.<name>) that need an Interface "
                   "endpoint with private DNS in a cluster's VPC when nodes lack internet egress.",
}
