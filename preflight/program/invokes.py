"""Offline answers to the provider functions (invokes) a program makes.

A real preview asks AWS; preflight answers from fixtures that are plausible for the stack's region:
availability zones `<region>a`..., account 123456789012, the partition of the region, AMI ids for
SSM parameter names. An invoke without an answer here is an input error naming the token, so a
program never silently runs on made-up data.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Callable, Optional

ACCOUNT_ID = "123456789012"

# Zones an account typically sees (letters), by region; default a, b, c.
_AZ_LETTERS = {
    "us-west-2": "abcd",
    "ap-northeast-1": "acd",
    "ap-northeast-2": "abcd",
    "sa-east-1": "abc",
}
_REGION_SHORT = {
    "us-east-1": "use1", "us-east-2": "use2", "us-west-1": "usw1", "us-west-2": "usw2",
    "eu-west-1": "euw1", "eu-west-2": "euw2", "eu-west-3": "euw3", "eu-central-1": "euc1",
    "eu-north-1": "eun1", "ap-southeast-1": "apse1", "ap-southeast-2": "apse2",
    "ap-northeast-1": "apne1", "ap-northeast-2": "apne2", "ap-south-1": "aps1",
    "ca-central-1": "cac1", "sa-east-1": "sae1",
}


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    return "aws"


def dns_suffix_of(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def fake_hex(seed: str, n: int = 17) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def availability_zones(region: str) -> list[str]:
    return [name for name, _ in _zone_pairs(region)]


# Zone names map to zone IDs differently in every account (EC2 User Guide, "AZ IDs"). For these regions
# the answer is one plausible account's mapping, with the zone IDs EKS refuses (use1-az3, usw1-az2,
# cac1-az3: EKS User Guide, network-reqs) present as an older account sees them, so a program that
# picks zones by name can be caught taking one.
_ZONE_IDS_BY_LETTER = {
    "us-east-1": {"a": "use1-az6", "b": "use1-az3", "c": "use1-az1", "d": "use1-az4", "e": "use1-az2",
                  "f": "use1-az5"},
    "us-west-1": {"a": "usw1-az2", "b": "usw1-az1", "c": "usw1-az3"},
    "ca-central-1": {"a": "cac1-az1", "b": "cac1-az2", "c": "cac1-az3", "d": "cac1-az4"},
}


def _zone_pairs(region: str) -> list[tuple[str, str]]:
    """(name, zone ID) of each standard zone of `region` in this fixture account."""
    if region in _ZONE_IDS_BY_LETTER:
        return [(f"{region}{letter}", zone_id) for letter, zone_id in _ZONE_IDS_BY_LETTER[region].items()]
    letters = _AZ_LETTERS.get(region, "abc")
    short = _REGION_SHORT.get(region, region.replace("-", "")[:5])
    # Rotated by one, so that names and IDs never line up by accident.
    return [(f"{region}{c}", f"{short}-az{(i + 1) % len(letters) + 1}") for i, c in enumerate(letters)]


def _azs(args: dict, region: str) -> dict:
    exclude_names = set(args.get("excludeNames") or [])
    exclude_ids = set(args.get("excludeZoneIds") or [])
    pairs = [(n, i) for n, i in _zone_pairs(region) if n not in exclude_names and i not in exclude_ids]
    return {
        "id": region,
        "names": [p[0] for p in pairs],
        "zoneIds": [p[1] for p in pairs],
        "groupNames": [region for _ in pairs],
        "state": args.get("state"),
        "allAvailabilityZones": args.get("allAvailabilityZones"),
        "region": region,
    }


def _caller_identity(args: dict, region: str) -> dict:
    part = partition_of(region)
    return {"id": ACCOUNT_ID, "accountId": ACCOUNT_ID,
            "arn": f"arn:{part}:iam::{ACCOUNT_ID}:user/preflight",
            "userId": "AIDAPREFLIGHTOFFLINE0"}


def _partition(args: dict, region: str) -> dict:
    part = partition_of(region)
    suffix = dns_suffix_of(region)
    return {"id": part, "partition": part, "dnsSuffix": suffix,
            "reverseDnsPrefix": ".".join(reversed(suffix.split(".")))}


def _region(args: dict, region: str) -> dict:
    name = args.get("region") or args.get("name") or region
    return {"id": name, "name": name, "region": name,
            "endpoint": f"ec2.{name}.{dns_suffix_of(name)}", "description": name}


def ami_id(seed: str) -> str:
    return "ami-0" + fake_hex("ami:" + seed, 16)


def _ssm_parameter(args: dict, region: str) -> dict:
    name = args.get("name") or ""
    if "/ami" in name or "image_id" in name or "image-id" in name or "/eks/optimized-ami/" in name:
        value = ami_id(f"{region}:{name}")
    elif name.endswith("/release_version"):
        value = "1.31.0-20250101"
    else:
        value = f"preflight-value-of-{name.strip('/').replace('/', '-')}"
    part = partition_of(region)
    return {"id": name, "name": name, "value": value, "insecureValue": value, "type": "String",
            "version": 1, "withDecryption": args.get("withDecryption", True),
            "arn": f"arn:{part}:ssm:{region}::parameter{name if name.startswith('/') else '/' + name}"}


def _get_ami(args: dict, region: str) -> dict:
    seed = json.dumps(args, sort_keys=True)
    image = ami_id(f"{region}:{seed}")
    return {"id": image, "imageId": image, "architecture": "x86_64", "name": "preflight-ami",
            "ownerId": ACCOUNT_ID, "rootDeviceName": "/dev/xvda", "state": "available",
            "arn": f"arn:{partition_of(region)}:ec2:{region}::image/{image}"}


def _policy_document(args: dict, region: str) -> dict:
    statements = []
    for st in args.get("statements") or []:
        out: dict[str, Any] = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for key, name in (("actions", "Action"), ("notActions", "NotAction"),
                          ("resources", "Resource"), ("notResources", "NotResource")):
            if st.get(key):
                v = st[key]
                out[name] = v[0] if len(v) == 1 else v
        for key, name in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if st.get(key):
                pr: dict[str, Any] = {}
                for p in st[key]:
                    ids = p.get("identifiers") or []
                    pr[p.get("type")] = ids[0] if len(ids) == 1 else ids
                out[name] = pr
        if st.get("conditions"):
            cond: dict[str, Any] = {}
            for c in st["conditions"]:
                vals = c.get("values") or []
                cond.setdefault(c.get("test"), {})[c.get("variable")] = vals[0] if len(vals) == 1 else vals
            out["Condition"] = cond
        statements.append(out)
    doc = {"Version": args.get("version") or "2012-10-17", "Statement": statements}
    text = json.dumps(doc, indent=2)
    return {"id": fake_hex(text, 10), "json": text, "minifiedJson": json.dumps(doc, separators=(",", ":"))}


def _eks_cluster_auth(args: dict, region: str) -> dict:
    return {"id": args.get("name"), "name": args.get("name"), "token": "k8s-aws-v1.preflight-offline-token"}


ANSWERS: dict[str, Callable[[dict, str], dict]] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": _azs,
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getRegion:getRegion": _region,
    "aws:ssm/getParameter:getParameter": _ssm_parameter,
    "aws:ec2/getAmi:getAmi": _get_ami,
    "aws:iam/getPolicyDocument:getPolicyDocument": _policy_document,
    "aws:eks/getClusterAuth:getClusterAuth": _eks_cluster_auth,
}


class UnansweredInvoke(Exception):
    pass


def answer(token: str, args: dict, region: str) -> dict:
    fn: Optional[Callable[[dict, str], dict]] = ANSWERS.get(token)
    if fn is None:
        raise UnansweredInvoke(
            f"the program calls {token}, which preflight cannot answer offline "
            f"(answered: {', '.join(sorted(t.split(':')[-1] for t in ANSWERS))}); "
            f"add a fixture answer in preflight/program/invokes.py")
    return fn(args, region)
