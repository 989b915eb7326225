"""Values that pass every format check but cannot work in a real account: AWS's documentation account ids
(an access entry for them fails at CreateAccessEntry, after the 10-15 minute cluster create, and leaves a
half-built stack) and address ranges EKS's public endpoint refuses or that admit nobody.

One owner for these lists: the schema's validators (errors), ``public_access_warnings`` (warnings the
program logs and preflight prints) and ``new-stack`` (which never writes them) all read them here.
"""

from __future__ import annotations

import ipaddress
from typing import Iterable

# Account ids the AWS documentation uses in example ARNs (the EKS User Guide's own access-entry example is
# arn:aws:iam::111122223333:role/my-role; IAM examples of a second account use 444455556666). No principal in
# them is yours, and "An access entry includes the Amazon Resource Name (ARN) of one, and only one, existing IAM
# principal" (EKS User Guide, creating-access-entries): CreateAccessEntry fails for them.
DOCUMENTATION_ACCOUNT_IDS: frozenset[str] = frozenset({"111122223333", "444455556666"})

# Ranges the public endpoint refuses: "The block cannot include reserved addresses" (EKS User Guide,
# config-cluster-endpoint). The private RFC 1918 ranges are refused by EKS; the others below are not
# routable on the internet (RFC 6890 special-purpose: shared address space, loopback, link-local,
# multicast, reserved, "this network"), so no request to the public endpoint can come from them either.
# 0.0.0.0/0 itself is the default and accepted.
REFUSED_PUBLIC_RANGES: tuple[tuple[str, str], ...] = (
    ("10.0.0.0/8", "private (RFC 1918)"),
    ("172.16.0.0/12", "private (RFC 1918)"),
    ("192.168.0.0/16", "private (RFC 1918)"),
    ("100.64.0.0/10", "shared address space (RFC 6598)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("0.0.0.0/8", "'this network'"),
)

# RFC 5737 documentation ranges: EKS accepts them (its own console example is 203.0.113.5/32) but no
# real client has such an address, so listed alone they shut everyone out of kubectl.
DOCUMENTATION_RANGES: tuple[str, ...] = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")


def _within(cidr: str, ranges: Iterable[str]) -> str | None:
    network = ipaddress.IPv4Network(cidr, strict=False)
    if network.prefixlen == 0:
        return None
    for candidate in ranges:
        if network.subnet_of(ipaddress.IPv4Network(candidate)):
            return candidate
    return None


def refused_public_range(cidr: str) -> str | None:
    """What kind of reserved range ``cidr`` lies in (``"private (RFC 1918)"``), or None."""
    kinds = dict(REFUSED_PUBLIC_RANGES)
    inside = _within(cidr, kinds)
    return f"{inside}, {kinds[inside]}" if inside else None


def is_documentation_range(cidr: str) -> bool:
    return _within(cidr, DOCUMENTATION_RANGES) is not None


def documentation_account(arn: str) -> str | None:
    """The documentation account id in an ARN (``arn:aws:iam::111122223333:role/x``), or None."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4] in DOCUMENTATION_ACCOUNT_IDS else None


def public_access_warnings(cidrs: Iterable[str], namespace: str = "eks-variants") -> list[str]:
    """One line per documentation range in ``publicAccessCidrs``: accepted by AWS, reached by nobody."""
    docs = [c for c in cidrs if is_documentation_range(c)]
    if not docs:
        return []
    return [f"{namespace}:publicAccessCidrs: {', '.join(docs)} {'is a' if len(docs) == 1 else 'are'} documentation "
            f"range{'s' if len(docs) > 1 else ''} (RFC 5737): EKS accepts {'it' if len(docs) == 1 else 'them'} but "
            "no real client has such an address, so kubectl from there reaches nobody; list your own egress ranges"]


def warnings(settings) -> list[str]:
    """What is accepted but probably not meant, one line each with its key path (the program logs them with
    ``pulumi.log.warn``; preflight prints them)."""
    return public_access_warnings(settings.public_access_cidrs or []) if settings.public_endpoint else []
