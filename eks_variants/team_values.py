"""What `new-stack` must not copy from a reference stack, and what it chooses for each team instead:

- access entries: the reference's principals are not the team's; only `--access-entry` flags give them;
- `publicAccessCidrs`: documentation ranges (RFC 5737) admit nobody, so they are dropped from the copy;
- `vpcCidr`: each team gets the first block of the VPC pool (default `DEFAULT_VPC_POOL`, `--vpc-pool` to change
  it) that overlaps no other stack file's range, with the reference's prefix length.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, Optional

from preflight.inputs.stack_files import Project
from .vpc_ranges import display, free_range, stack_ranges
from stack_config.placeholders import is_documentation_range
from stack_config.platform import ACCESS_POLICIES

# Team VPCs come from 10.64.0.0/10 (10.64.0.0 - 10.127.255.255: 64 /16 blocks), apart from the reference
# stacks (10.10-10.33) and from 10.0.0.0/16, the program's default.
DEFAULT_VPC_POOL = "10.64.0.0/10"


def parse_access_entry(text: str) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """`ARN=ACCESS[:NAMESPACE,...]` as an accessEntries item, or a problem line. (IAM names may hold `=` and
    `,` but not `:`, so the last `=` separates the ARN.)"""
    arn, sep, rest = text.rpartition("=")
    access, _, namespaces = rest.partition(":")
    if not sep or not arn or access not in ACCESS_POLICIES:
        return None, (f"--access-entry {text!r}: expected PRINCIPAL_ARN=ACCESS[:NAMESPACE,...] with ACCESS one of "
                      f"{', '.join(ACCESS_POLICIES)} (e.g. arn:aws:iam::<your account>:role/payments-admins=cluster-admin)")
    entry: dict[str, Any] = {"principalArn": arn, "access": access}
    if namespaces:
        entry["namespaces"] = [n for n in namespaces.split(",") if n]
    return entry, None


def without_documentation_ranges(cidrs: Any) -> tuple[Any, list[str]]:
    """The reference's list without RFC 5737 ranges, and the ranges dropped."""
    if not isinstance(cidrs, list):
        return cidrs, []
    dropped = [c for c in cidrs if isinstance(c, str) and _is_doc(c)]
    return [c for c in cidrs if c not in dropped], dropped


def _is_doc(cidr: str) -> bool:
    try:
        return is_documentation_range(cidr)
    except ValueError:
        return False


def team_vpc_range(project: Project, reference_cidr: Any, pool: str, path: Path,
                   chosen: Optional[Any] = None) -> tuple[Optional[str], list[str]]:
    """(the team's vpcCidr, problems). `chosen` (from --set) is kept if it overlaps no other stack file;
    otherwise the first free block of `pool` with the reference's prefix length."""
    key = f"{project.name}:vpcCidr"
    taken = {p: n for p, n in stack_ranges(project).items() if Path(p).resolve() != path.resolve()}
    if chosen is not None:
        try:
            network = ipaddress.IPv4Network(str(chosen), strict=True)
        except ValueError:
            return str(chosen), []  # the schema reports it
        clash = [f"{display(p)} ({n})" for p, n in sorted(taken.items()) if n.overlaps(network)]
        if clash:
            return None, [f"{key}: {network} overlaps {', '.join(clash)}; VPC peering and transit gateway routing "
                          "need disjoint ranges (leave vpcCidr out and new-stack picks a free one)"]
        return str(chosen), []
    try:
        pool_net = ipaddress.IPv4Network(pool, strict=True)
    except ValueError as e:
        return None, [f"--vpc-pool {pool!r}: not an IPv4 network without host bits ({e})"]
    prefix = ipaddress.IPv4Network(str(reference_cidr or "10.0.0.0/16"), strict=True).prefixlen
    found = free_range(str(pool_net), max(prefix, pool_net.prefixlen), taken.values())
    if found is None:
        return None, [f"--vpc-pool {pool}: no /{prefix} block left that overlaps no stack file in "
                      f"{display(project.stack_config_dir)}; give a larger pool or --set vpcCidr=..."]
    return str(found), []
