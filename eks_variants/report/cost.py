"""Monthly cost estimate of one stack, Infracost-style (`Name | Monthly qty | Unit | Monthly cost`).

Prices come from `prices.yaml` beside this file (one figure per line, each with its source and date).
Hourly items are priced for 730 hours. Usage-priced items (data through NAT gateways and interface
endpoints, control-plane log ingestion, Fargate vCPU and memory hours, KMS requests) are listed with
their unit price and a zero quantity unless a usage file gives one (docs/report.md, "Usage file").
Anything without a price (a region or an instance type not in the file) is a line that says so and is
left out of the total, which is then marked incomplete.
"""
from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Optional

import yaml

from preflight.errors import InputError
from preflight.inputs.file_reader import MIB, read_input_text
from .facts import DataPlane, StackFacts

PRICES_FILE = Path(__file__).with_name("prices.yaml")
USAGE_FILE_LIMIT = 1 * MIB
USAGE_KEYS = {
    "nat_gb": "GB processed per NAT gateway per month",
    "endpoint_gb": "GB processed per interface endpoint per month",
    "logs_gb": "GB of control-plane logs ingested per cluster per month",
    "fargate_vcpu_hours": "Fargate vCPU-hours per stack per month",
    "fargate_gb_hours": "Fargate GB-hours (memory) per stack per month",
    "kms_requests": "KMS requests per key per month",
}


@dataclasses.dataclass
class Price:
    value: float
    source: str


@dataclasses.dataclass
class CostLine:
    resource: str  # "<type> <name>" of the resource the line belongs to
    name: str
    quantity: Optional[float]
    unit: str
    unit_price: Optional[float] = None
    monthly: Optional[float] = None  # None: unpriced
    source: Optional[str] = None
    usage: bool = False  # priced by usage (quantity from the usage file, else 0)
    note: str = ""

    def to_json(self) -> dict:
        d = {"resource": self.resource, "name": self.name, "quantity": self.quantity, "unit": self.unit,
             "unitPrice": self.unit_price, "monthlyCost": _round(self.monthly), "priced": self.monthly is not None,
             "usageBased": self.usage}
        if self.source:
            d["source"] = self.source
        if self.note:
            d["note"] = self.note
        return d


@dataclasses.dataclass
class CostEstimate:
    region: Optional[str]
    lines: list
    hours: int

    @property
    def total(self) -> float:
        return round(sum(line.monthly for line in self.lines if line.monthly is not None), 2)

    @property
    def unpriced(self) -> list[CostLine]:
        return [line for line in self.lines if line.monthly is None]

    def to_json(self) -> dict:
        return {"currency": "USD", "region": self.region, "hoursPerMonth": self.hours,
                "monthlyTotal": self.total, "complete": not self.unpriced,
                "unpriced": [f"{line.resource}: {line.note}" for line in self.unpriced],
                "lines": [line.to_json() for line in self.lines]}


def _round(v: Optional[float]) -> Optional[float]:
    return None if v is None else round(v, 2)


class PriceBook:
    def __init__(self, data: dict):
        self.hours = int(data["hours_per_month"])
        self.sources = data["sources"]
        self.globals = data["global"]
        self.regions = data["regions"]

    def _price(self, entry) -> Price:
        value, source = entry
        meta = self.sources[source]
        return Price(float(value), f"{meta['url']} ({meta['status']}, {meta['checked']})")

    def global_price(self, key: str) -> Price:
        return self._price(self.globals[key])

    def regional(self, region: Optional[str], key: str) -> Optional[Price]:
        entry = (self.regions.get(region) or {}).get(key)
        return self._price(entry) if entry else None

    def instance(self, region: Optional[str], instance_type: str) -> Optional[Price]:
        entry = ((self.regions.get(region) or {}).get("ec2") or {}).get(instance_type)
        return self._price(entry) if entry else None


@functools.lru_cache(maxsize=None)
def price_book(path: str = str(PRICES_FILE)) -> PriceBook:
    with open(path, encoding="utf-8") as f:
        return PriceBook(yaml.safe_load(f))


def load_usage(path: str) -> dict:
    """A usage file: `default:` and per-stack (`stacks: {NAME: ...}`) quantities (USAGE_KEYS)."""
    # Read as every input file is (preflight/inputs/file_reader.py): a regular file or a pipe, UTF-8, bounded.
    text = read_input_text(path, "usage file", USAGE_FILE_LIMIT, bom_allowed=True)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise InputError(f"usage file {path}: not YAML: {e}") from None
    problems = []
    if not isinstance(data, dict):
        raise InputError(f"usage file {path}: expected a mapping with `default:` and/or `stacks:`")
    for key in data:
        if key not in ("default", "stacks"):
            problems.append(f"usage file {path}: unknown key `{key}` (expected `default` or `stacks`)")
    sections = [("default", data.get("default") or {})]
    sections += [(f"stacks.{name}", values or {}) for name, values in (data.get("stacks") or {}).items()]
    for where, values in sections:
        if not isinstance(values, dict):
            problems.append(f"usage file {path}: `{where}` must be a mapping")
            continue
        for key, value in values.items():
            if key not in USAGE_KEYS:
                problems.append(f"usage file {path}: unknown key `{where}.{key}` (known: {', '.join(USAGE_KEYS)})")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                problems.append(f"usage file {path}: `{where}.{key}` must be a number >= 0, got {value!r}")
    if problems:
        raise InputError(problems)
    return data


def usage_for(usage: Optional[dict], stack: str) -> dict:
    if not usage:
        return {}
    return {**(usage.get("default") or {}), **((usage.get("stacks") or {}).get(stack) or {})}


def support_phase(version: Optional[str]) -> Optional[str]:
    """"standard" or "extended" today, from the project's version table (stack_config/kubernetes_versions.py,
    the one owner of the version window); None for a version it does not list."""
    from stack_config.kubernetes_versions import support_phase as phase
    return phase(version) if version else None


def estimate(facts: StackFacts, usage: Optional[dict] = None, book: Optional[PriceBook] = None) -> CostEstimate:
    book = book or price_book()
    hours = book.hours
    region = facts.region
    use = usage_for(usage, facts.stack)
    lines: list[CostLine] = []

    def hourly(resource: str, name: str, count: float, unit: str, price: Optional[Price], what: str):
        qty = count * hours
        if price is None:
            lines.append(CostLine(resource, name, qty, unit, note=f"unpriced: no {what} price for {region or 'an unknown region'}"))
        else:
            lines.append(CostLine(resource, name, qty, unit, price.value, qty * price.value, price.source))

    def by_usage(resource: str, name: str, key: str, unit: str, price: Optional[Price], per: float = 1.0):
        qty = float(use.get(key, 0))
        if price is None:
            lines.append(CostLine(resource, name, qty, unit, usage=True,
                                  note=f"unpriced: no {name.lower()} price for {region or 'an unknown region'}"))
        else:
            lines.append(CostLine(resource, name, qty, unit, price.value, qty * price.value / per, price.source,
                                  usage=True))

    c = facts.cluster
    if c is not None:
        res = f"EKS cluster {c.name}"
        phase = support_phase(c.version)
        key = "eks_extended_hour" if phase == "extended" else "eks_standard_hour"
        label = f"EKS cluster ({phase or 'standard'} support, Kubernetes {c.version or 'default version'})"
        line_price = book.global_price(key)
        lines.append(CostLine(res, label, hours, "hours", line_price.value, hours * line_price.value, line_price.source,
                              note="" if phase else f"Kubernetes {c.version} is not in stack_config."
                                                    "kubernetes_versions: priced as standard support"))
        if c.log_types:
            by_usage(res, "Control-plane log ingestion", "logs_gb", "GB", book.regional(region, "logs_gb"))
    for name, _az in facts.nat_gateways:
        res = f"NAT gateway {name}"
        hourly(res, "NAT gateway", 1, "hours", book.regional(region, "nat_hour"), "NAT gateway")
        by_usage(res, "Data processed", "nat_gb", "GB", book.regional(region, "nat_gb"))
    for name in facts.elastic_ips:
        hourly(f"Elastic IP {name}", "Public IPv4 address", 1, "hours", book.global_price("public_ipv4_hour"), "IPv4")
    for ep in facts.interface_endpoints:
        res = f"Interface endpoint {ep.service}"
        azs = ep.azs or 1
        hourly(res, f"Endpoint ENIs ({azs} AZ{'s' if azs != 1 else ''})", azs, "AZ-hours",
               book.regional(region, "endpoint_az_hour"), "interface endpoint")
        by_usage(res, "Data processed", "endpoint_gb", "GB", book.global_price("endpoint_gb"))
    for plane in facts.data_planes:
        _data_plane(plane, book, region, hours, lines, hourly, by_usage)
    for name in facts.kms_keys:
        res = f"KMS key {name}"
        price = book.global_price("kms_key_month")
        lines.append(CostLine(res, "Customer managed key", 1, "months", price.value, price.value, price.source))
        by_usage(res, "Requests", "kms_requests", "requests", book.global_price("kms_10k_requests"), per=10_000)
    return CostEstimate(region=region, lines=lines, hours=hours)


def _data_plane(plane: DataPlane, book: PriceBook, region, hours, lines, hourly, by_usage) -> None:
    res = f"{plane.kind[0].upper()}{plane.kind[1:]} {plane.name}"
    if plane.kind == "Fargate":
        by_usage(res, "Fargate vCPU", "fargate_vcpu_hours", "vCPU-hours", book.regional(region, "fargate_vcpu_hour"))
        by_usage(res, "Fargate memory", "fargate_gb_hours", "GB-hours", book.regional(region, "fargate_gb_hour"))
        return
    if plane.kind == "EKS Auto Mode":
        lines.append(CostLine(res, "Auto Mode nodes (EC2 + Auto Mode fee)", 0, "instance-hours", usage=True,
                              note="unpriced: Auto Mode chooses instance types and counts at run time"))
        return
    if not plane.instance_types:
        lines.append(CostLine(res, "Instance usage", plane.desired * hours, "hours",
                              note="unpriced: instance type not known at preview"))
    else:
        itype = plane.instance_types[0]
        # Several types: on-demand managed node groups and mixed-instances groups launch the first
        # (prioritized allocation); spot capacity is shown at the on-demand price, an upper bound.
        spot = plane.capacity_type.upper() == "SPOT"
        label = f"Instance usage ({'spot, priced on-demand' if spot else 'on-demand'}, {itype})"
        price = book.instance(region, itype)
        qty = plane.desired * hours
        if price is None:
            lines.append(CostLine(res, label, qty, "hours",
                                  note=f"unpriced: no price for {itype} in {region or 'an unknown region'}"))
        else:
            lines.append(CostLine(res, label, qty, "hours", price.value, qty * price.value, price.source))
    if plane.public_ip:
        hourly(res, "Public IPv4 addresses (auto-assigned)", plane.desired, "hours",
               book.global_price("public_ipv4_hour"), "IPv4")
    gb = plane.desired * plane.disk_gib
    price = book.regional(region, "gp3_gb_month")
    name = f"Root volumes (gp3, {plane.disk_gib} GiB x {plane.desired})"
    if price is None:
        lines.append(CostLine(res, name, gb, "GB-months", note=f"unpriced: no EBS price for {region}"))
    else:
        lines.append(CostLine(res, name, gb, "GB-months", price.value, gb * price.value, price.source))
