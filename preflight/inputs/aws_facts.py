"""`--aws-facts DIR`: what `aws ec2 describe-*` printed about existing infrastructure, read offline.

Each `*.json` file in DIR is one document as the AWS CLI prints it (`aws ec2 describe-subnets --filters
Name=vpc-id,Values=vpc-0abc --output json > DIR/subnets.json`): an object holding one or more of `Vpcs`,
`Subnets`, `RouteTables`, `SecurityGroups`, `VpcEndpoints`, `NatGateways`, or one `describe-vpc-attribute`
document (`{"VpcId": ..., "EnableDnsHostnames": {"Value": true}}`). The facts serve twice:

- the program's lookups (`aws.ec2.get_vpc`, `get_subnets`, ...) are answered from them (preflight/program/lookups.py),
  as a real preview's would be from AWS;
- the pack reads them from the config of `eks-guardrails-undecidable` (`existingNetwork`), where the real
  CLI's `--policy-pack-config` file carries the same object, so ids outside the stack are judged against
  the real network instead of left undecided.

Only the fields the lookups and the pack read are checked; the rest of a document is kept as printed.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError

from ..errors import InputError

# Where the pack reads the facts (policies/guardrails/model/existing_network.py: CONFIG_POLICY, CONFIG_KEY).
FACTS_POLICY = "eks-guardrails-undecidable"
FACTS_KEY = "existingNetwork"


class _Fact(BaseModel):
    model_config = ConfigDict(extra="allow")


class _Tag(_Fact):
    Key: StrictStr
    Value: StrictStr = ""


class _Tagged(_Fact):
    Tags: list[_Tag] = []


class Vpc(_Tagged):
    VpcId: StrictStr
    CidrBlock: Optional[StrictStr] = None
    IsDefault: StrictBool = False


class Subnet(_Tagged):
    SubnetId: StrictStr
    VpcId: StrictStr
    AvailabilityZone: Optional[StrictStr] = None
    AvailabilityZoneId: Optional[StrictStr] = None
    CidrBlock: Optional[StrictStr] = None
    MapPublicIpOnLaunch: StrictBool = False
    DefaultForAz: StrictBool = False


class _Association(_Fact):
    Main: StrictBool = False
    SubnetId: Optional[StrictStr] = None


class RouteTable(_Tagged):
    RouteTableId: StrictStr
    VpcId: StrictStr
    Routes: list[dict] = []
    Associations: list[_Association] = []


class _GroupRef(_Fact):
    GroupId: StrictStr


class SecurityGroup(_Tagged):
    GroupId: StrictStr
    GroupName: Optional[StrictStr] = None
    VpcId: Optional[StrictStr] = None
    IpPermissions: list[dict] = []


class VpcEndpoint(_Tagged):
    VpcEndpointId: StrictStr
    VpcId: StrictStr
    ServiceName: StrictStr
    VpcEndpointType: StrictStr = "Gateway"
    SubnetIds: list[StrictStr] = []
    RouteTableIds: list[StrictStr] = []
    Groups: list[_GroupRef] = []


class NatGateway(_Tagged):
    NatGatewayId: StrictStr
    SubnetId: Optional[StrictStr] = None
    ConnectivityType: StrictStr = "public"


class _AttributeValue(_Fact):
    Value: StrictBool


class VpcAttribute(_Fact):
    VpcId: StrictStr
    EnableDnsSupport: Optional[_AttributeValue] = None
    EnableDnsHostnames: Optional[_AttributeValue] = None


# document key -> (model, id field, the AWS CLI command that prints it)
DOCUMENTS: dict[str, tuple[type[_Fact], str, str]] = {
    "Vpcs": (Vpc, "VpcId", "aws ec2 describe-vpcs"),
    "Subnets": (Subnet, "SubnetId", "aws ec2 describe-subnets"),
    "RouteTables": (RouteTable, "RouteTableId", "aws ec2 describe-route-tables"),
    "SecurityGroups": (SecurityGroup, "GroupId", "aws ec2 describe-security-groups"),
    "VpcEndpoints": (VpcEndpoint, "VpcEndpointId", "aws ec2 describe-vpc-endpoints"),
    "NatGateways": (NatGateway, "NatGatewayId", "aws ec2 describe-nat-gateways"),
}
ATTRIBUTES = "VpcAttributes"  # describe-vpc-attribute documents, one per VPC and attribute


def load_aws_facts(folder: str) -> dict[str, list[dict]]:
    """Every document in `folder`, merged: {document key: [entries as printed]}. Raises InputError naming
    the file and the path in it of every problem (a file that is no describe-* document, an entry without
    its id, a field of the wrong type, one id described twice differently)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"--aws-facts {folder}: not a folder (give the folder of the aws ec2 describe-* JSON files)")
    files = sorted(p for p in root.iterdir() if p.suffix == ".json" and p.is_file())
    if not files:
        raise InputError(f"--aws-facts {folder}: no .json files (save the output of aws ec2 describe-vpcs, "
                         "describe-subnets, describe-route-tables, ... --output json there)")
    facts: dict[str, list[dict]] = {}
    seen: dict[tuple[str, str], tuple[str, dict]] = {}
    problems: list[str] = []
    for path in files:
        problems += _read_document(path, facts, seen)
    if problems:
        raise InputError(problems)
    return facts


def _read_document(path: Path, facts: dict[str, list[dict]], seen: dict) -> list[str]:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return [f"{path}: not a JSON document: {e}"]
    if isinstance(doc, dict) and "VpcId" in doc and not any(k in doc for k in DOCUMENTS):
        return _read_entries(path, ATTRIBUTES, [doc], facts, seen, single=True)
    known = [k for k in DOCUMENTS if isinstance(doc, dict) and k in doc]
    if not known:
        return [f"{path}: not an aws ec2 describe-* document: expected an object with one of "
                f"{', '.join(DOCUMENTS)} (or a describe-vpc-attribute document with VpcId)"]
    problems: list[str] = []
    for key in known:
        entries = doc[key]
        if not isinstance(entries, list):
            problems.append(f"{path}: {key}: expected a list, got {type(entries).__name__}")
            continue
        problems += _read_entries(path, key, entries, facts, seen)
    return problems


def _read_entries(path: Path, key: str, entries: list, facts: dict, seen: dict, single: bool = False) -> list[str]:
    model, id_field = (VpcAttribute, "VpcId") if key == ATTRIBUTES else DOCUMENTS[key][:2]
    problems: list[str] = []
    for i, entry in enumerate(entries):
        where = f"{path}" if single else f"{path}: {key}[{i}]"
        try:
            model.model_validate(entry)
        except ValidationError as e:
            for err in e.errors():
                loc = ".".join(str(x) for x in err["loc"])
                problems.append(f"{where}.{loc}: {err['msg']}" if loc else f"{where}: {err['msg']}")
            continue
        ident = entry[id_field]
        if key == ATTRIBUTES:  # one document per attribute: merge them per VPC
            merged = next((a for a in facts.get(key, []) if a["VpcId"] == ident), None)
            if merged is None:
                facts.setdefault(key, []).append(dict(entry))
            else:
                merged.update(entry)
            continue
        earlier = seen.get((key, ident))
        if earlier is not None:
            if earlier[1] != entry:
                problems.append(f"{where}: {id_field} {ident} is also described, differently, in {earlier[0]}")
            continue
        seen[(key, ident)] = (where, entry)
        facts.setdefault(key, []).append(entry)
    return problems


def with_facts(policy_config: dict[str, dict], facts: dict[str, list[dict]], folder: str) -> dict[str, dict]:
    """`policy_config` (as policy_config.parse_policy_config gives it) with the facts where the pack reads them. A policy config that gives facts itself
    and --aws-facts: InputError (which to use would be a guess)."""
    section = dict(policy_config.get(FACTS_POLICY) or {"enforcementLevel": None, "properties": None})
    properties = dict(section.get("properties") or {})
    if FACTS_KEY in properties:
        raise InputError(f"--aws-facts {folder}: the policy config already gives {FACTS_POLICY}.{FACTS_KEY}; "
                         "give the facts one way")
    properties[FACTS_KEY] = facts
    return {**policy_config, FACTS_POLICY: {**section, "properties": properties}}


def main(argv: Optional[list] = None) -> int:
    """`python -m preflight.inputs.aws_facts DIR [--policy-config FILE]`: the policy config with the facts of DIR, for
    `pulumi preview --policy-pack-config` (the same object preflight's --aws-facts hands the pack)."""
    import argparse
    import sys
    p = argparse.ArgumentParser(prog="python -m preflight.inputs.aws_facts",
                                description="Print the policy pack config that gives the pack the AWS facts of DIR.")
    p.add_argument("folder", metavar="DIR", help="folder of aws ec2 describe-* JSON files")
    p.add_argument("--policy-config", metavar="FILE", help="a policy config to add the facts to")
    args = p.parse_args(argv)
    from .policy_config import load_policy_config
    try:
        given = load_policy_config(args.policy_config) if args.policy_config else {}
        config = with_facts(given, load_aws_facts(args.folder), args.folder)
    except InputError as e:
        for line in e.lines():
            print(f"preflight.inputs.aws_facts: {line}", file=sys.stderr)
        return 2
    out = {}
    for name, section in config.items():
        entry = dict(section.get("properties") or {})
        if section.get("enforcementLevel"):
            entry["enforcementLevel"] = section["enforcementLevel"]
        out[name] = entry
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
