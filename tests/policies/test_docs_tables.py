"""The policy tables in docs/policies.md and README.md say what the pack's code does."""
from __future__ import annotations

import re
from pathlib import Path

from guardrails.rules import RULES

ROOT = Path(__file__).resolve().parents[2]


def table_rows(path: Path, first_header: str) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def level(rule) -> str:
    return rule.enforcement.value


def test_docs_policy_table_matches_the_rules():
    rows = {r[0].strip("`"): r for r in table_rows(ROOT / "docs" / "policies.md", "policy")}
    assert list(rows) == [r.name for r in RULES]
    for rule in RULES:
        name, rule_id, kind, default, requirement, source, settings = rows[rule.name]
        assert rule_id == rule.id, rule.name
        assert kind == ("resource" if rule.check_resource else "stack"), rule.name
        assert default == level(rule), rule.name
        assert requirement == rule.requirement and source == rule.source, rule.name
        documented = set(re.findall(r"`(\w+)` \(default", settings))
        assert documented == set(rule.config_properties), rule.name
        for key, spec in rule.config_properties.items():
            assert f"`{key}` (default `{spec.get('default')}`)" in settings, (rule.name, key)


def test_readme_policy_table_matches_the_rules():
    rows = {r[0].strip("`"): r for r in table_rows(ROOT / "README.md", "policy")}
    assert {name: row[1] for name, row in rows.items()} == {r.name: level(r) for r in RULES}
