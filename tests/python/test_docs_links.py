"""The manual's links hold: in README.md and every docs/*.md page, each relative link points
at a file or directory of the repository, and each #anchor (in the same page or another page)
names a heading of its target, slugged the way GitHub does. The README stays short (at most
200 lines): the topics live in docs/. Standard library and pytest only."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

PROJECT = Path(__file__).resolve().parents[2]
README_MAX_LINES = 200

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
# [text](target) or ![alt](target), with an optional "title"; target may be <...>
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def pages() -> list[Path]:
    return [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]


def prose_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) of the lines outside fenced code blocks."""
    lines, fence = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker):].strip():
                fence = None
            continue
        if fence is None:
            lines.append((number, line))
    return lines


def github_slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation other than '-'
    and '_' dropped, each space a '-'."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link keeps its text
    text = re.sub(r"<[^>]+>", "", text)  # inline HTML
    text = text.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a page, with GitHub's -1, -2, ... for repeated headings."""
    seen: dict[str, int] = {}
    result = set()
    for _, line in prose_lines(path.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_slug(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        result.add(slug if count == 0 else f"{slug}-{count}")
    return result


def links(path: Path) -> list[tuple[int, str]]:
    """(line number, target) of every link in the page's prose (not in code)."""
    found = []
    for number, line in prose_lines(path.read_text(encoding="utf-8")):
        line = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        targets = [m.group(1) for m in INLINE_LINK.finditer(line)]
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            targets.append(definition.group(1))
        found += [(number, t[1:-1] if t.startswith("<") else t) for t in targets]
    return found


def broken_links(path: Path) -> list[str]:
    problems = []
    for number, target in links(path):
        if EXTERNAL.match(target):
            continue
        where = f"{path.relative_to(PROJECT)}:{number}: ({target})"
        file_part, _, anchor = target.partition("#")
        file_part = unquote(file_part.split("?", 1)[0])
        resolved = (path.parent / file_part).resolve() if file_part else path
        if not resolved.is_relative_to(PROJECT):
            problems.append(f"{where} leaves the repository")
            continue
        if not resolved.exists():
            problems.append(f"{where} {resolved.relative_to(PROJECT)} does not exist")
            continue
        if anchor:
            if resolved.is_dir() or resolved.suffix.lower() != ".md":
                problems.append(f"{where} an anchor into something that is not a markdown page")
            elif unquote(anchor).lower() not in anchors(resolved):
                problems.append(f"{where} no heading of {resolved.relative_to(PROJECT)} has the anchor #{anchor}")
    return problems


@pytest.mark.parametrize("path", pages(), ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_relative_link_and_anchor_resolves(path: Path):
    assert broken_links(path) == []


def test_the_pages_are_there():
    names = {p.name for p in pages()}
    assert {"README.md", "vars.md"} <= names
    assert len(names) > 2


def test_the_readme_stays_short():
    lines = (PROJECT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md has {len(lines)} lines; move a topic to docs/"


def test_the_check_finds_what_it_should(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The checker itself: a good link, a missing file, a missing anchor, links in code."""
    monkeypatch.setitem(globals(), "PROJECT", tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "other.md").write_text("# Other page\n\n## `make build`: what you get\n\n## Twice\n\n## Twice\n")
    page = tmp_path / "README.md"
    page.write_text(
        "# Title, with punctuation!\n\n"
        "[ok](docs/other.md) [ok](docs/other.md#make-build-what-you-get) [ok](#title-with-punctuation)\n"
        "[ok](docs/other.md#twice-1) [ok](docs/) [ok](https://example.com/x#y) `[code](nowhere.md)`\n"
        "```\n[in a fence](nowhere.md)\n```\n"
        "[missing file](docs/nowhere.md) [missing anchor](docs/other.md#nothing) [bad](#twice)\n")
    problems = broken_links(page)
    assert len(problems) == 3, problems
    assert "docs/nowhere.md" in problems[0] and "#nothing" in problems[1] and "#twice" in problems[2]
    assert github_slug("Bring your own data") == "bring-your-own-data"
    assert github_slug("The row ledger: `stg_rejected_rows` / `stg_row_counts`") == "the-row-ledger-stg_rejected_rows--stg_row_counts"
