"""One deserialized stack for all of the pack's stack policies.

pulumi_policy's analyzer servicer rebuilds the ``PolicyResource`` list for *every* stack policy of an
``AnalyzeStack`` call, deserializing every resource's properties each time: with ten stack policies
and 10,000 resources that is ten full passes (~1 s each here) before any rule runs. This subclass
builds the list once per call and hands the same list to every policy, so the network model (keyed
on that list, see ``model/cache.py``) is also built once.

Everything else is the SDK's own path: enforcement levels, per-policy config, ``not_applicable``,
unknown values, awaitable validations. The subclass is installed only for the pulumi-policy version
it was written against (pinned in requirements.txt; ``servicer.install`` checks ``WRITTEN_FOR``); any other
version keeps the SDK's servicer. ``tests/policies/test_shared_stack.py`` checks that both give the same
responses.
"""
from __future__ import annotations

import asyncio
from inspect import isawaitable
from typing import Dict, List

import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UnknownValueError, unknown_checking_proxy

WRITTEN_FOR = "1.21.0"

_Base = sdk._PolicyAnalyzerServicer


class SharedStackServicer(_Base):
    """``_PolicyAnalyzerServicer`` whose ``AnalyzeStack`` deserializes the stack once."""

    def _stack_resources(self, request) -> List[sdk.PolicyResource]:
        resources: List[sdk.PolicyResource] = []
        by_urn: Dict[str, sdk.PolicyResource] = {}
        links = []
        for r in request.resources:
            props = unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(r.properties)))
            resource = sdk.PolicyResource(r.type, props, r.urn, r.name, self._get_resource_options(r),
                                          self._get_provider_resource(r), None, [], {})
            resources.append(resource)
            by_urn[r.urn] = resource
            links.append((resource, r.parent, list(r.dependencies),
                          {k: list(v.urns) for k, v in r.propertyDependencies.items()}))
        for resource, parent, dependencies, property_dependencies in links:
            if parent and parent in by_urn:
                resource.parent = by_urn[parent]
            resource.dependencies.extend(by_urn[d] for d in dependencies if d in by_urn)
            for key, urns in property_dependencies.items():
                resource.property_dependencies[key] = [by_urn[u] for u in urns if u in by_urn]
        return resources

    def AnalyzeStack(self, request, _context):
        self._configure_runtime_settings()
        response = proto.AnalyzeResponse()
        resources = None
        # the SDK servicer's private attributes (name-mangled; pinned version, see WRITTEN_FOR)
        pack_name = self._PolicyAnalyzerServicer__policy_pack_name
        pack_version = self._PolicyAnalyzerServicer__policy_pack_version
        for policy in self._PolicyAnalyzerServicer__policies:
            level = self._get_enforcement_level(policy)
            if level == sdk.EnforcementLevel.DISABLED or not isinstance(policy, sdk.StackValidationPolicy):
                continue
            if level == sdk.EnforcementLevel.REMEDIATE:
                level = sdk.EnforcementLevel.MANDATORY  # stack policies cannot remediate
            report_violation = self._create_report_violation(response, policy.name, policy.description,
                                                             level, policy.severity)
            if resources is None:
                resources = self._stack_resources(request)
            args = sdk.StackValidationArgs(resources, self._get_policy_config(policy.name),
                                           self._PolicyAnalyzerServicer__stack_tags)
            try:
                result = policy.validate(args, report_violation)
                if isawaitable(result):
                    loop = asyncio.new_event_loop()
                    loop.run_until_complete(asyncio.Task(result, loop=loop))
                    loop.close()
            except UnknownValueError as e:
                response.diagnostics.append(proto.AnalyzeDiagnostic(
                    policyName=policy.name,
                    policyPackName=pack_name,
                    policyPackVersion=pack_version,
                    message=(f"can't run policy '{policy.name}' from policy pack "
                             f"'{pack_name}@v{pack_version}' during preview: {e.message}"),
                    urn="",
                    description=policy.description,
                    enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY),
                ))
            except sdk._NotApplicableError as e:
                response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name,
                                                                         reason=e.reason or ""))
        return response

