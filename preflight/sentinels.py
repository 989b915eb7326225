"""The engine's wire sentinels (sdk/go/common/resource/plugin/rpc.go, sdk/go/common/resource/sig)."""

# A value not known at preview (an id, an output, an input computed from one): what the engine sends.
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# The key that marks a special object (secret, resource reference) and the signatures it holds.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"


def without_secrets(value):
    """`value` with every secret replaced by what it holds (recursively), as code that reads values for people
    (plans, diagrams, costs) needs them; the pack is always sent the secrets themselves."""
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return without_secrets(value.get("value"))
        return {k: without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value
