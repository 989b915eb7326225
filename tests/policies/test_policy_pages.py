"""Every policy has a stable id (EKSNET-NNN, never reused) and a page docs/policies/<id>.md generated from its rule
module (tools/policy_pages.py): the committed pages are what the code generates, one per policy, no other."""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from guardrails.rules import RETIRED_IDS, RULES
from guardrails.rules.base import DOCS_URL, ID_PATTERN

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("policy_pages", ROOT / "tools" / "policy_pages.py")
policy_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(policy_pages)


def test_ids_are_stable_unique_and_never_reused():
    ids = [r.id for r in RULES]
    assert all(re.match(ID_PATTERN, i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert not set(ids) & set(RETIRED_IDS)
    # the ids users and code-scanning history already know: a rule keeps its id
    assert {r.name: r.id for r in RULES}["eks-endpoint-access-enabled"] == "EKSNET-001"
    assert {r.name: r.id for r in RULES}["eks-public-access-cidrs"] == "EKSNET-012"


def test_each_rule_has_what_its_page_needs():
    for r in RULES:
        assert r.kind in ("functional", "posture", "advisory") and r.severity in ("high", "medium", "low"), r.name
        assert r.resolution.strip() and all(s.strip() for s in r.examples), r.name
        assert r.examples[0] != r.examples[1], r.name
        assert r.page_url == f"{DOCS_URL}{r.id}.md" and r.page_url in r.description, r.name


def test_committed_pages_are_the_generated_ones():
    wanted = policy_pages.pages()
    on_disk = set((ROOT / "docs" / "policies").glob("*.md"))
    assert on_disk == set(wanted), "run: PYTHONPATH=policies .venv/bin/python tools/policy_pages.py"
    for path, text in wanted.items():
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run tools/policy_pages.py"
    page = wanted[ROOT / "docs" / "policies" / "EKSNET-003.md"]
    assert page.startswith("<!-- generated") and "# EKSNET-003 eks-public-endpoint-node-egress" in page
    assert "## Fails" in page and "## Passes" in page and "map_public_ip_on_launch=False" in page
