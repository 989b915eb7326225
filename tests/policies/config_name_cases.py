"""Policy config keys for the config-name tests: every policy name, every renamed policy's old name, and
misspellings of them (a deleted letter, two neighbours swapped) that name nothing the pack accepts.

`misspellings()` is deterministic for a seed: EKS_VARIANTS_CONFIG_NAMES_SEED picks another draw."""
from __future__ import annotations

import os
import random

from guardrails.rules import ALIASES, RULES
from tests.policies.fixture_cases import FAILING

NAMES = sorted(r.name for r in RULES)
ACCEPTED = set(NAMES) | set(ALIASES) | {"all"}
SEED = int(os.environ.get("EKS_VARIANTS_CONFIG_NAMES_SEED", "22"))


def deletions(name: str) -> list[str]:
    return [name[:i] + name[i + 1:] for i in range(len(name))]


def transpositions(name: str) -> list[str]:
    return [name[:i] + name[i + 1] + name[i] + name[i + 2:] for i in range(len(name) - 1) if name[i] != name[i + 1]]


def misspellings(seed: int = SEED) -> list[tuple[str, str]]:
    """(misspelt key, the name it came from): one deletion and one transposition of every policy name and
    every old name, none of them a name the pack accepts."""
    rng = random.Random(seed)
    out = []
    for name in NAMES + sorted(ALIASES):
        for pool in (deletions(name), transpositions(name)):
            out.append((rng.choice([k for k in pool if k not in ACCEPTED]), name))
    return out


def failing_case(policy: str):
    """A raw-form fixture case whose only mandatory violation is `policy`'s."""
    return next(c for c in FAILING if c.policy == policy and "raw" in c.forms)
