"""A state file's property values as the engine deserializes them (pkg/resource/stack/deployment.go,
DeserializeProperties), once, where an export is read: everything after this sees the values preflight's own
recordings hold.

- a resource's inputs and outputs are property maps: each value is deserialized, the map itself never;
- secrets: `plaintext` (JSON text; text that is not JSON is taken as the string itself, an object or list as the
  value itself), `value`, or `ciphertext` (cannot be decrypted offline: an unknown secret, counted in `warn`);
- output values (sig d0e6…): their value (unknown where they hold none), wrapped in a secret where `secret`;
- assets, archives and resource references are kept as they are (wire.py marshals them as the engine does);
- any other signature, and a reference without a URN, is a problem: the CLI refuses such a file too.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from ..sentinels import ARCHIVE_SIG, ASSET_SIG, RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_VALUE

OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
_KEPT = (ASSET_SIG, ARCHIVE_SIG)


class ValueReader:
    """Deserializes property maps; `warn` counts encrypted secrets, `problems` holds one line per value the
    engine would refuse, rendered by `where(path)`."""

    def __init__(self) -> None:
        self.encrypted = 0
        self.problems: list[str] = []

    def properties(self, props: dict, where: Callable[[tuple], str]) -> dict:
        return {k: self.value(v, (k,), where) for k, v in props.items()}

    def value(self, v: Any, path: tuple, where: Callable[[tuple], str]) -> Any:
        if isinstance(v, list):
            return [self.value(x, path + (i,), where) for i, x in enumerate(v)]
        if not isinstance(v, dict):
            return v
        if SIG_KEY not in v:
            return {k: self.value(x, path + (k,), where) for k, x in v.items()}
        sig = v[SIG_KEY]
        if sig == SECRET_SIG:
            return {SIG_KEY: SECRET_SIG, "value": self.value(self._secret_inner(v), path, where)}
        if sig == OUTPUT_VALUE_SIG:
            inner = self.value(v["value"], path, where) if "value" in v else UNKNOWN_VALUE
            return {SIG_KEY: SECRET_SIG, "value": inner} if v.get("secret") is True else inner
        if sig == RESOURCE_REF_SIG:
            if not isinstance(v.get("urn"), str) or not v["urn"]:
                self._problem(where, path, "malformed resource reference: urn must be a string")
            elif v.get("id") is not None and not isinstance(v["id"], str):
                self._problem(where, path, "malformed resource reference: id must be a string")
            return v
        if sig in _KEPT:
            return v
        self._problem(where, path, f"unrecognized signature {json.dumps(sig)[:40]} in property map")
        return None

    def _secret_inner(self, v: dict) -> Any:
        if "plaintext" in v:
            text = v["plaintext"]
            if not isinstance(text, str):
                return text
            try:
                return json.loads(text)
            except ValueError:
                return text
        if "value" in v:
            return v["value"]
        self.encrypted += 1
        return UNKNOWN_VALUE

    def _problem(self, where: Callable[[tuple], str], path: tuple, what: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(f"{where(path)}: {what}")
