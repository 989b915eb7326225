"""The JSON Schema of a stack file (`stacks/Pulumi.<stack>.yaml`), generated from the pydantic model in
`stack_config/` so that editors flag a misspelt key or a wrong type as you type (`make schema` writes it to
`docs/stack-file.schema.json`; a test keeps the committed file current).

The schema checks what a schema can: the keys (unknown `eks-variants:*` keys are errors, as in the model),
types, enums and ranges. Rules the model checks in code (CIDR formats, instance-type names, the cross-key
rules of `stack_config/cross_checks.py`) stay with preflight.

Values written by the Pulumi CLI: `pulumi config set eks-variants:availabilityZones 2` stores the string
`"2"`, and the program reads it as the integer 2 (contracts §2). So every integer in the schema also
accepts a string of digits, and every boolean the strings `"true"` / `"false"`; a range is then checked by
preflight, not by the editor. A file the CLI wrote must never be flagged as wrong. None of the keys is a
secret, so `secure:` values (`pulumi config set --secret`) are flagged on `eks-variants:*` keys.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from preflight.inputs.stack_files import load_project
from stack_config import StackSettings
from stack_config.loader import known_regions

REPO_ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PATH = REPO_ROOT / "docs" / "stack-file.schema.json"
# Relative to a stack file in stacks/: the YAML language server (VS Code's YAML extension and others)
# resolves a relative $schema against the file's folder.
MODELINE = "# yaml-language-server: $schema=../docs/stack-file.schema.json"

# The attributes of a stack settings file besides `config` (Pulumi docs, "Stack settings file reference").
_STACK_FILE_ATTRIBUTES: dict[str, Any] = {
    "secretsprovider": {"type": "string", "description": "The secrets provider of the stack's secret values."},
    "encryptedkey": {"type": "string", "description": "KMS-encrypted data key (cloud secrets providers)."},
    "encryptionsalt": {"type": "string", "description": "Encryption salt (passphrase secrets provider)."},
    "environment": {"description": "Pulumi ESC environment(s) the stack imports."},
}


def _tidy(node: Any) -> Any:
    """Drop pydantic's generated titles and `null` alternatives (a stack file cannot set a key to null: the
    CLI passes it as an empty string, which no key accepts); accept the CLI's string forms."""
    if isinstance(node, list):
        return [_tidy(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _tidy(v) for k, v in node.items() if k != "title" and not (k == "default" and v is None)}
    if "anyOf" in out:
        members = [m for m in out["anyOf"] if m != {"type": "null"}]
        if len(members) == 1:
            out.pop("anyOf")
            out.update(members[0])
        else:
            out["anyOf"] = members
    if out.get("type") == "integer":
        number = {k: out.pop(k) for k in list(out) if k in ("type", "minimum", "maximum")}
        out["anyOf"] = [number, {"type": "string", "pattern": "^[0-9]+$"}]
    elif out.get("type") == "boolean":
        out.pop("type")
        out["anyOf"] = [{"type": "boolean"}, {"enum": ["true", "false"]}]
    return out


def stack_file_schema(program_dir: Path = REPO_ROOT) -> dict[str, Any]:
    project = load_project(program_dir)
    namespace = project.name
    model = StackSettings.model_json_schema(by_alias=True)
    definitions = _tidy(model.pop("$defs", {}))
    model = _tidy(model)
    config_properties: dict[str, Any] = {
        "aws:region": {"description": "The AWS region (one pulumi-aws knows)", "enum": known_regions()},
    }
    for key, prop in model["properties"].items():
        declared = project.config.get(key)
        description = declared.get("description") if isinstance(declared, dict) else None
        if description:
            prop = {"description": description, **prop}
        config_properties[f"{namespace}:{key}"] = prop
    required = ["aws:region", *(f"{namespace}:{key}" for key in model.get("required", []))]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Pulumi.<stack>.yaml of the {namespace} project",
        "description": "Generated from stack_config/ by `make schema`; do not edit. Checks keys, types, enums "
                       "and ranges; `python -m preflight` checks the rest.",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": config_properties,
                "required": required,
                # Other namespaces (aws:profile, pulumi:tags, ...) are the CLI's and the providers' business.
                "patternProperties": {f"^(?!{namespace}:)[^:\\s]+:[^:\\s]+$": {}},
                "additionalProperties": False,
            },
            **_STACK_FILE_ATTRIBUTES,
        },
        "additionalProperties": False,
        "$defs": definitions,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def committed_is_current() -> bool:
    return SCHEMA_PATH.is_file() and SCHEMA_PATH.read_text(encoding="utf-8") == render(stack_file_schema())


def write() -> Path:
    SCHEMA_PATH.write_text(render(stack_file_schema()), encoding="utf-8")
    return SCHEMA_PATH

