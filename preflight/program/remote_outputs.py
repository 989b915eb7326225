"""Outputs of resources whose state preflight cannot compute like a provider would, in a deployed recording.

At preview the engine leaves such outputs unknown and the recorder does the same. A deployed recording
(`preview=False`, what `--deployed` and the export tests use) must look like `pulumi stack export` of a stack
after `pulumi up`, where:

- `awsx:ec2:Vpc` (a remote component, built by the awsx provider plugin) has known `vpcId`, `publicSubnetIds`,
  `privateSubnetIds` and `isolatedSubnetIds`. Their lengths follow pulumi-awsx's documented layout
  (`awsx/ec2/vpc.ts` of pulumi-awsx 3.11: `numberOfAvailabilityZones` (default 3) or `availabilityZoneNames`
  zones, in each the subnets of `subnetSpecs` (default one Public and one Private), `Unused` specs skipped; the
  id lists are in zone order). The ids are made the way the recorder makes every id (`provider_values.fake_id`).
- `pulumi:pulumi:StackReference` outputs are another stack's outputs, which nothing offline can read. The caller
  may hand them in (`record_program(..., stack_outputs={"org/project/stack": {...}})`, as the backend would
  answer); otherwise a deployed recording of such a program is refused with a clear error, rather than the
  outputs resolving to nothing (which would read as "no VPC given").
"""
from __future__ import annotations

from typing import Any, Callable, Optional

from ..sentinels import UNKNOWN_VALUE as UNKNOWN

AWSX_VPC = "awsx:ec2:Vpc"
STACK_REFERENCE = "pulumi:pulumi:StackReference"
_DEFAULT_AWSX_SPECS = ("Public", "Private")
_AWSX_ID_LISTS = {"Public": "publicSubnetIds", "Private": "privateSubnetIds", "Isolated": "isolatedSubnetIds"}


def awsx_zone_count(inputs: dict) -> Any:
    """How many Availability Zones an awsx VPC spreads over, or UNKNOWN."""
    names = inputs.get("availabilityZoneNames")
    if names is not None:
        return len(names) if isinstance(names, list) else UNKNOWN
    n = inputs.get("numberOfAvailabilityZones", 3)  # numbers arrive as floats from protobuf
    return int(n) if isinstance(n, (int, float)) and not isinstance(n, bool) and n == int(n) else UNKNOWN


def awsx_spec_types(inputs: dict) -> Any:
    """The subnet types awsx creates in each zone (in spec order), or UNKNOWN."""
    specs = inputs.get("subnetSpecs")
    if specs is None:
        return list(_DEFAULT_AWSX_SPECS)
    if not isinstance(specs, list):
        return UNKNOWN
    types = []
    for spec in specs:
        t = spec.get("type") if isinstance(spec, dict) else UNKNOWN
        if not isinstance(t, str) or t == UNKNOWN:
            return UNKNOWN
        if t.lower() != "unused":
            types.append(t.capitalize())
    return types


def awsx_spec_names(inputs: dict) -> Any:
    """(type, name) of each subnet spec awsx builds in each zone, ordered as awsx creates them (public, private,
    isolated), or UNKNOWN."""
    specs = inputs.get("subnetSpecs")
    if specs is None:
        return [(t, None) for t in _DEFAULT_AWSX_SPECS]
    types = awsx_spec_types(inputs)
    if types is UNKNOWN:
        return UNKNOWN
    named = [(s["type"].capitalize(), s.get("name") if isinstance(s.get("name"), str) else None)
             for s in specs if s["type"].lower() != "unused"]
    order = {"Public": 0, "Private": 1, "Isolated": 2}
    return sorted(named, key=lambda x: order.get(x[0], 3))


def awsx_preview_outputs(urn: str, inputs: dict) -> Optional[tuple[dict, dict]]:
    """An awsx VPC's outputs at preview and their dependencies, as the engine hands them over when the awsx plugin
    builds the VPC: every id unknown, each id list as long as the layout makes it, and each depending on the child
    resources it is made from (`aws:ec2/vpc:Vpc` <name> under the component, its subnets `<name>-<spec name or
    type>-<zone number>` under that: pulumi-awsx `awsx/ec2/vpc.ts`, `subnetNaming.ts`). None when the layout is
    computed."""
    zones, specs = awsx_zone_count(inputs), awsx_spec_names(inputs)
    if zones is UNKNOWN or specs is UNKNOWN:
        return None
    head, name = urn.rsplit("::", 1)
    vpc_urn = f"{head}$aws:ec2/vpc:Vpc::{name}"
    subnet_head = f"{head}$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::{name}"
    outputs: dict = {"vpcId": UNKNOWN}
    deps: dict = {"vpcId": [vpc_urn]}
    for kind, key in _AWSX_ID_LISTS.items():
        urns = [f"{subnet_head}-{spec_name or kind.lower()}-{z + 1}"
                for z in range(zones) for t, spec_name in specs if t == kind]
        outputs[key] = [UNKNOWN] * len(urns)
        deps[key] = urns
    return outputs, deps


class UnknownRemoteOutputs(Exception):
    """A deployed recording needs outputs that the component's inputs do not determine."""


def _awsx_vpc(urn: str, inputs: dict, make_id: Callable[[str, str], str]) -> dict:
    zones, types = awsx_zone_count(inputs), awsx_spec_types(inputs)
    if zones is UNKNOWN or types is UNKNOWN:
        raise UnknownRemoteOutputs(
            f"awsx VPC {urn.rsplit('::', 1)[-1]}: its zones or subnetSpecs are computed, so preflight cannot tell "
            "its subnet ids in a deployed recording; check it at preview (without --deployed)")
    outputs: dict = {"vpcId": make_id("aws:ec2/vpc:Vpc", urn)}
    for kind, key in _AWSX_ID_LISTS.items():
        per_zone = sum(1 for t in types if t == kind)
        outputs[key] = [make_id("aws:ec2/subnet:Subnet", f"{urn}/{kind}/{z}/{j}")
                        for z in range(zones) for j in range(per_zone)]
    return outputs


class UnreadableStackReference(Exception):
    """A deployed recording reads another stack whose outputs were not handed in."""


def deployed_outputs(type_: str, urn: str, inputs: dict, make_id: Callable[[str, str], str],
                     stack_outputs: Optional[dict] = None) -> Optional[dict]:
    """Outputs of a resource of a deployed recording whose outputs no mock computes, else None."""
    if type_ == AWSX_VPC:
        return _awsx_vpc(urn, inputs, make_id)
    if type_ == STACK_REFERENCE:
        name = inputs.get("name", urn.rsplit("::", 1)[-1])
        if name not in (stack_outputs or {}):
            raise UnreadableStackReference(
                f"StackReference {name}: a deployed recording needs that stack's outputs, which preflight cannot "
                "read offline; check the program at preview (without --deployed), or analyze a real "
                "`pulumi stack export` with --export")
        return {**inputs, "outputs": dict(stack_outputs[name]), "secretOutputNames": []}
    return None
