"""The base of every guardrails rule: it owns the plumbing (policy objects, settings, result caching), so
each rule module only declares its name, requirement, source, settings schema and check (Checkov style)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy,
                           StackValidationPolicy)

from .. import analysis, exemptions
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
# Each policy's page, generated from its rule (tools/policy_pages.py): DOCS_URL + "<id>.md", relative to the
# repository's root (where the pack lives; a published pack's users read the same path in its repository).
DOCS_URL = "docs/policies/"
ID_PATTERN = r"^EKSNET-[0-9]{3}$"
KINDS = {"Functional": ("functional", "high"), "Posture": ("posture", "medium"), "Advisory": ("advisory", "low")}


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
    # the stable id (EKSNET-NNN, never reused: rules/__init__.py RETIRED_IDS), how to fix a violation, and a
    # (failing, passing) program snippet: the policy's page docs/policies/<id>.md and preflight's SARIF rules
    id: str = ""
    resolution: str = ""
    examples: Tuple[str, str] = ("", "")
    # whether the config schema offers `exemptions` (every policy but the one that reports them)
    exemptible: bool = True

    @property
    def kind(self) -> str:
        """functional | posture | advisory: the first word of the requirement says which."""
        return KINDS[self.requirement.split(" ", 1)[0].rstrip(".:(")][0]

    @property
    def severity(self) -> str:
        """high (functional), medium (posture), low (advisory)."""
        return KINDS[self.requirement.split(" ", 1)[0].rstrip(".:(")][1]

    @property
    def page_url(self) -> str:
        return f"{DOCS_URL}{self.id}.md"

    @property
    def description(self) -> str:
        return f"{self.requirement} Source: {self.source} Page: {self.page_url}"

    def defaults(self) -> Dict[str, Any]:
        return {k: v["default"] for k, v in self.config_properties.items() if "default" in v}

    def settings(self, run: analysis.Analysis) -> Dict[str, Any]:
        """This rule's settings in an analysis: what Configure delivered for it, used as is (the engine
        fills in the schema defaults before it configures a pack: pulumi/pulumi pkg/resource/analyzer
        config.go ReconcilePolicyPackConfig, and preflight's reconcile); the schema defaults when the pack
        was never configured (a servicer driven without Configure, the unit tests)."""
        if run.policy_config is None:
            return self.defaults()
        return {k: plain(v) for k, v in (run.policy_config.get(self.name) or {}).items() if k != exemptions.KEY}

    def exemptions(self, run: analysis.Analysis) -> List[exemptions.Exemption]:
        """This rule's exemptions as Configure delivered them (guardrails/exemptions.py)."""
        if not self.exemptible or run.policy_config is None:
            return []
        return exemptions.of_policy(self.name, plain(run.policy_config.get(self.name) or {}))

    def reported(self, findings: Iterable[Finding], run: analysis.Analysis) -> Iterable[Tuple[str, str]]:
        """(message, URN) of each finding to report: not those an exemption in force covers (the exemptions
        policy reports them), with the lapsed exemption named where one has expired."""
        exempt = self.exemptions(run)
        day = exemptions.today() if exempt else None
        for f in findings:
            if exempt and (self.reports_undecidable or not f.undecidable):
                if exemptions.in_force(exempt, f.urn, day) is not None:
                    continue
                old = exemptions.lapsed(exempt, f.urn, day)
                if old is not None:
                    yield exemptions.expired_marker(old) + f.message, f.urn
                    continue
            yield f.message, f.urn

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

    def schema_properties(self) -> Dict[str, Dict[str, Any]]:
        """The config schema the engine validates this policy's section against: its settings and exemptions."""
        return {**self.config_properties, **({exemptions.KEY: exemptions.SCHEMA} if self.exemptible else {})}

    def judged(self, model: NetworkModel, run: analysis.Analysis) -> List[Finding]:
        """The findings this policy reports on a stack, before exemptions."""
        return [f for f in self.results(model, self.settings(run)) if self.reports_undecidable or not f.undecidable]

    def policy(self):
        props = self.schema_properties()
        schema = PolicyConfigSchema(properties=props) if props else None
        if self.check_resource is not None:
            types = frozenset(self.resource_types)

            def validate_resource(args, report_violation):
                if args.resource_type not in types:
                    return
                res = Res(args.urn, args.resource_type, args.name, plain(proxy_target(args.props)) or {}, [], {},
                          getattr(args.opts, "parent", None))
                run = analysis.current()
                found = [f for f in self.check_resource(res, self.settings(run)) if not f.undecidable]
                for message, urn in self.reported(found, run):
                    report_violation(message, urn)

            return TypedResourcePolicy(types, name=self.name, description=self.description,
                                       validate=validate_resource, enforcement_level=self.enforcement,
                                       config_schema=schema)

        def validate_stack(args, report_violation):
            run = analysis.current()
            model = model_for(args.resources, run.component_inputs, facts_in(run.policy_config))
            for message, urn in self.reported(self.judged(model, run), run):
                report_violation(message, urn)

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
