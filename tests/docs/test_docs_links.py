"""The README stays a page, starts with its two set-up commands, and every relative link in it and in docs/*.md
resolves to a file, and an anchor, of this repository; docs/README.md indexes every document (issue 19, item 6)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
README = REPO / "README.md"
PAGES = [README, *sorted(DOCS.glob("*.md"))]
README_LIMIT = 12 * 1024  # bytes: "a README that fits on a page"


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code spans (links there are examples, not links)."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "`code`", text, flags=re.S)


def links(text: str) -> list[str]:
    text = prose(text)
    found = re.findall(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text)
    found += re.findall(r"<(?:img|a)\s[^>]*?(?:src|href)=\"([^\"]+)\"", text)
    found += re.findall(r"<(https?://[^>\s]+)>", text)
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped (letters, digits, `-`, `_` and spaces kept),
    spaces to hyphens. Inline markup goes first: `code` keeps its text, [text](url) keeps the text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = text.replace("`", "").replace("*", "").strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    seen: dict[str, int] = {}
    out = set(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", text))
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M),
                              flags=re.M):
        base = slug(heading)
        n = seen.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


def test_the_slug_is_githubs():
    assert slug("Guardrails: the `eks-network-guardrails` policy pack") == "guardrails-the-eks-network-guardrails-policy-pack"
    assert slug("Upgrades: how a version bump reaches running nodes") == "upgrades-how-a-version-bump-reaches-running-nodes"
    assert slug("Speed (measured)") == "speed-measured"
    assert slug("Configuration (namespace `eks-variants`)") == "configuration-namespace-eks-variants"


def test_the_readme_fits_on_a_page():
    size = len(README.read_bytes())
    assert size <= README_LIMIT, f"README.md is {size} bytes; move detail to docs/ (limit {README_LIMIT})"


def test_the_readme_starts_with_the_two_set_up_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```\w*\n(.*?)```", text, flags=re.S)
    assert text[:first_block.start()].strip() == "# eks-variants"  # nothing before it but the title
    commands = [line.split("#")[0].split() for line in first_block.group(1).splitlines()]
    commands = [words for words in commands if words]
    assert commands[:2] == [["make", "preflight"], ["make", "test"]]
    targets = set(re.findall(r"^([a-z][a-z-]*):(?!=)", (REPO / "Makefile").read_text(), flags=re.M))
    assert {words[1] for words in commands if words[0] == "make"} <= targets
    assert ["make", "test-fast"] in commands


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_link_stays_in_the_repository_and_resolves(page):
    problems = []
    for target in links(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, flags=re.I):
            problems.append(f"{target}: points outside the repository (cite the source by name)")
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if REPO.resolve() not in (file, *file.parents):
            problems.append(f"{target}: outside the repository")
        elif not file.exists():
            problems.append(f"{target}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            problems.append(f"{target}: no heading #{anchor} in {file.relative_to(REPO.resolve())}")
    assert not problems, f"{page.relative_to(REPO)}: " + "; ".join(problems)


def test_the_docs_index_lists_every_document():
    index = DOCS / "README.md"
    linked = {(DOCS / target.partition("#")[0]).resolve() for target in links(index.read_text(encoding="utf-8"))}
    documents = [p for p in DOCS.iterdir() if p.is_file() and p.suffix in (".md", ".json") and p.name != "README.md"]
    documents.append(DOCS / "variants" / "index.md")
    missing = sorted(p.relative_to(DOCS).as_posix() for p in documents if p.resolve() not in linked)
    assert not missing, f"docs/README.md does not list: {missing}"
    assert (REPO / "docs" / "README.md").resolve() in {
        (REPO / t.partition("#")[0]).resolve() for t in links(README.read_text(encoding="utf-8"))}
