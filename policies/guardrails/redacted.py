"""Secrets the CLI could not decrypt. `pulumi policy analyze --file` redacts every secret it cannot decrypt
(no passphrase, a service-managed key offline) to the string "[secret]" "regardless of their original type"
(pkg/cmd/pulumi/policy/policy_analyze.go, BlindingProvider). That text is not the resource's value: the pack
reads it as unknown, as preflight reads a ciphertext it cannot decrypt, so a policy says it cannot decide
instead of judging "[secret]" as a name, a zone or a flag."""
from __future__ import annotations

from typing import Any

from google.protobuf import json_format

SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
REDACTED = "[secret]"
_MARK = REDACTED.encode()


def may_hold_redacted(struct) -> bool:
    """A cheap gate (the serialized bytes) before walking a properties Struct."""
    return _MARK in struct.SerializeToString()


def redacted_as_unknown(value: Any) -> Any:
    """`value` (a properties dict as json_format.MessageToDict gives it) with every redacted secret unknown."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG and value.get("value") == REDACTED:
            return UNKNOWN
        return {k: redacted_as_unknown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redacted_as_unknown(v) for v in value]
    return value


def unredact_in_place(struct) -> None:
    """Rewrite a request's properties Struct so every redacted secret in it is unknown."""
    if may_hold_redacted(struct):
        plain = redacted_as_unknown(json_format.MessageToDict(struct))
        struct.Clear()
        struct.update(plain)
