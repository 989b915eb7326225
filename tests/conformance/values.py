"""Exports rewritten into the value forms real state files hold (pkg/resource/stack/deployment.go):

- `with_secret_leaves`: every leaf of every resource's inputs and outputs a secret, as `pulumi stack export
  --show-secrets` writes one: `{"<sig>": "1b47…", "plaintext": "<the value as JSON>"}`;
- `with_assets_and_archives`: a Lambda function whose `code` is an archive (of a file asset and a string
  asset) and an S3 object whose `source` is a file asset, as the engine serializes them (hash, path/text,
  assets) — resources the pack does not judge, which must not change any verdict.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from preflight.inputs.stack_export import EMPTY_PASSPHRASE_PROVIDER
from preflight.sentinels import ARCHIVE_SIG, ASSET_SIG, RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_VALUE



def _secret(value: Any) -> dict:
    return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(value)}


def _secret_leaves(v: Any) -> Any:
    if isinstance(v, dict):
        if SIG_KEY in v:
            return v if v.get(SIG_KEY) != RESOURCE_REF_SIG else _secret(v)
        return {k: _secret_leaves(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_secret_leaves(x) for x in v]
    if v is None or v == UNKNOWN_VALUE:
        return v  # the engine never wraps an unknown: a secret of an unknown is unknown at preview
    return _secret(v)


def _load(src: Path) -> dict:
    return json.loads(src.read_text(encoding="utf-8"))


def _dump(doc: dict, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(doc, indent=4) + "\n", encoding="utf-8")
    return dest


def with_secret_leaves(src: Path, dest: Path) -> Path:
    doc = _load(src)
    doc["deployment"]["secrets_providers"] = EMPTY_PASSPHRASE_PROVIDER  # as preflight writes a file with secrets
    for r in doc["deployment"]["resources"]:
        for key in ("inputs", "outputs"):
            if key in r and not r["type"].startswith("pulumi:"):
                r[key] = _secret_leaves(r[key])
    return _dump(doc, dest)


def with_assets_and_archives(src: Path, dest: Path) -> Path:
    doc = _load(src)
    resources = doc["deployment"]["resources"]
    stack = next(r for r in resources if r["type"] == "pulumi:pulumi:Stack")
    provider = next((r for r in resources if r["type"] == "pulumi:providers:aws"), None)
    prefix = stack["urn"].rsplit("::", 2)[0]
    file_asset = {SIG_KEY: ASSET_SIG, "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                  "path": "handler.py"}
    text_asset = {SIG_KEY: ASSET_SIG, "hash": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
                  "text": "foo"}
    archive = {SIG_KEY: ARCHIVE_SIG, "hash": "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c",
               "assets": {"handler.py": file_asset, "VERSION": text_asset}}
    extra = [("aws:lambda/function:Function", "handler", {"code": archive, "handler": "handler.main",
                                                          "runtime": "python3.12", "role": "arn:aws:iam::123456789012:role/lambda"}),
             ("aws:s3/bucketObjectv2:BucketObjectv2", "readme", {"bucket": "artifacts", "key": "README",
                                                                 "source": file_asset})]
    for type_, name, props in extra:
        res = {"urn": f"{prefix}::{type_}::{name}", "custom": True, "id": f"{name}-id", "type": type_,
               "inputs": props, "outputs": dict(props), "parent": stack["urn"]}
        if provider is not None:
            res["provider"] = f"{provider['urn']}::{provider.get('id', UNKNOWN_VALUE)}"
        resources.append(res)
    return _dump(doc, dest)
