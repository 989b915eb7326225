"""VPC ranges across a project's stack files: every stack's `<project>:vpcCidr` (the Pulumi.yaml default
where a file does not set it), and the pairs that overlap.

Overlapping VPCs cannot be peered ("You cannot create a VPC peering connection between VPCs that have
matching or overlapping IPv4 CIDR blocks": Amazon VPC Peering Guide, vpc-peering-basics) and a transit
gateway does not route between attachments with overlapping CIDRs (Amazon VPC Transit Gateways, "tgw-best-design-
practices": use unique, non-overlapping CIDRs). `preflight --all` reports such pairs; `new-stack` picks a free range
with `free_range`.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Iterable, Optional

from preflight.errors import InputError
from preflight.inputs.file_reader import display_path
from preflight.inputs.stack_files import Project, list_stack_files, load_stack_file

KEY = "vpcCidr"


def _declared_default(project: Project) -> Optional[str]:
    declared = project.config.get(KEY)
    return declared.get("default") if isinstance(declared, dict) else None


def stack_ranges(project: Project, files: Optional[Iterable[str]] = None) -> dict[str, ipaddress.IPv4Network]:
    """{stack file path: its VPC range} for the stack files (default: every one in the stack folder); files
    that cannot be read or whose value is not a network are left out (preflight reports those itself)."""
    default = _declared_default(project)
    ranges: dict[str, ipaddress.IPv4Network] = {}
    for path in files if files is not None else list_stack_files(project):
        try:
            value = load_stack_file(path).config.get(f"{project.name}:{KEY}", default)
            if value is not None:
                ranges[str(path)] = ipaddress.IPv4Network(str(value), strict=True)
        except (InputError, ValueError):
            continue
    return ranges


def overlaps(ranges: dict[str, ipaddress.IPv4Network]) -> list[tuple[str, str]]:
    """Every pair of stack files whose ranges overlap, in file order."""
    items = sorted(ranges.items())
    return [(a, b) for i, (a, na) in enumerate(items) for b, nb in items[i + 1:] if na.overlaps(nb)]


def overlap_lines(project: Project, ranges: dict[str, ipaddress.IPv4Network]) -> list[str]:
    key = f"{project.name}:{KEY}"
    return [f"{display_path(a)} and {display_path(b)}: {key} {ranges[a]} overlaps {ranges[b]}; VPC peering and "
            "transit gateway routing need disjoint ranges (give one of them another range)"
            for a, b in overlaps(ranges)]


def free_range(pool: str, prefix: int, taken: Iterable[ipaddress.IPv4Network]) -> Optional[ipaddress.IPv4Network]:
    """The first /`prefix` block of `pool` that overlaps none of `taken`, or None when the pool is full."""
    network = ipaddress.IPv4Network(pool, strict=True)
    if prefix < network.prefixlen:
        return None
    taken = list(taken)
    return next((c for c in network.subnets(new_prefix=prefix) if not any(c.overlaps(t) for t in taken)), None)


def display(path: str | Path) -> str:
    return display_path(str(path))
