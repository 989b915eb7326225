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


def kind(rule) -> str:
    """What the module says a violation means: the first word of its requirement (functional, posture) or
    "companion" for the advisory that reports the others' undecidable checks."""
    if rule.reports_undecidable or rule.requirement.startswith("Advisory companion"):
        return "companion"
    return rule.requirement.split(maxsplit=1)[0].strip(".:(").lower()


def test_readme_policy_table_matches_the_rules():
    rows = {r[0].strip("`"): r for r in table_rows(ROOT / "README.md", "policy")}
    assert {name: row[1] for name, row in rows.items()} == {r.name: level(r) for r in RULES}


def test_each_readme_row_says_what_its_module_says():
    """The README's short rows are prose, so they are held to what can be compared: the kind of failure the
    module's requirement starts with (functional / posture / companion), the former names it answers to
    (`(was ...)`), and its settings (every config property named, no other policy's)."""
    rows = {r[0].strip("`"): r[2] for r in table_rows(ROOT / "README.md", "policy")}
    settings_of = {r.name: set(r.config_properties) for r in RULES}
    every_setting = set().union(*settings_of.values())
    for rule in RULES:
        text = rows[rule.name]
        assert re.match(rf"{kind(rule)}\b", text), (rule.name, kind(rule), text[:40])
        was = re.match(r"\w+ \(was ((?:`[^`]+`(?:, )?)+)\)", text)
        assert (set(re.findall(r"`([^`]+)`", was.group(1))) if was else set()) == set(rule.former_names), rule.name
        named = set(re.findall(r"`(\w+)`", text)) & every_setting
        assert named == settings_of[rule.name], (rule.name, named)


def test_the_readme_does_not_deny_what_the_pack_models():
    # Issue 18: the README said the pack "does not yet model Auto Mode" while its rules judge Auto Mode
    # clusters as data planes (model/passes: computeConfig.enabled, pulumi-eks autoMode).
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert "does not yet model Auto Mode" not in text
    assert "Auto Mode clusters (raw `computeConfig.enabled`, pulumi-eks `autoMode`) are data planes" in text
