"""The repository's Markdown holds together: every relative link names a file that exists and every `#anchor`
a heading of the file it points into, as GitHub makes the heading's id; and README.md is a user's quick start,
short, with copy, detect, run and deploy on its first screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

PAGES = sorted(
    [REPO / "README.md", REPO / "CONTRIBUTING.md", REPO / "CHANGELOG.md", REPO / "bench" / "README.md",
     *(REPO / "docs").glob("*.md")]
)  # fmt: skip
README_MOST_LINES = 200
FIRST_SCREEN = 40
QUICK_START = ("copier copy", "detect --write", "./space run", "./space deploy")

FENCE = re.compile(r"^\s*(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # https:, mailto:, ...


def prose_lines(text: str) -> list[str]:
    """The lines outside fenced code blocks, with inline code spans blanked: links and headings live there."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            lines.append("")
            continue
        lines.append("" if fenced else line)
    return lines


def slug(heading: str) -> str:
    """GitHub's id for a heading: its text lower-cased, every character but letters, digits, `_`, `-` and spaces
    dropped, spaces made hyphens."""
    text = LINK.sub(lambda link: re.sub(r"^!?\[|\]\(.*$", "", link.group(0)), heading)  # a link's text only
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The ids of the page's headings; a repeated one gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    found = set()
    for line in prose_lines(page.read_text(encoding="utf-8")):
        heading = HEADING.match(line)
        if not heading:
            continue
        base = slug(heading.group(2))
        found.add(f"{base}-{seen[base]}" if base in seen else base)
        seen[base] = seen.get(base, 0) + 1
    return found


def links(page: Path) -> list[str]:
    """Every link target of the page outside code, in order."""
    targets = []
    for line in prose_lines(page.read_text(encoding="utf-8")):
        targets += [match.group(1) for match in LINK.finditer(CODE_SPAN.sub("", line))]
    return targets


def broken_links(page: Path) -> list[str]:
    """The page's relative links whose file is missing, or whose anchor is no heading of the Markdown named."""
    broken = []
    for target in links(page):
        if EXTERNAL.match(target):
            continue
        path, _, anchor = target.partition("#")
        into = (page.parent / path).resolve() if path else page
        if not into.exists():
            broken.append(f"{target}: no such file")
        elif anchor and into.suffix == ".md" and anchor not in anchors(into):
            broken.append(f"{target}: no heading of {path or page.name} has the id {anchor!r}")
    return broken


def test_the_slug_is_githubs():
    assert slug("Keeping data: `storage`") == "keeping-data-storage"
    assert slug("Sign in with Hugging Face: `hf_oauth`") == "sign-in-with-hugging-face-hf_oauth"
    assert slug("What detect reads, and what is supported") == "what-detect-reads-and-what-is-supported"
    assert slug("A Space repo's settings") == "a-space-repos-settings"
    assert slug("v0.7.0 (2026-12-02)") == "v070-2026-12-02"
    assert slug("See [the docs](docs/spaces.md) first") == "see-the-docs-first"


def test_a_repeated_heading_gets_a_number(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Notes\n\n```\n# not a heading\n```\n\n## Notes\n\n### Notes\n")
    assert anchors(page) == {"notes", "notes-1", "notes-2"}


def test_a_missing_file_and_a_missing_heading_are_named(tmp_path):
    (tmp_path / "other.md").write_text("# Other page\n")
    page = tmp_path / "page.md"
    page.write_text(
        "# Here\n\n[ok](other.md#other-page) [self](#here) [web](https://example.com/#x) `[code](nowhere.md)`\n"
        "[gone](missing.md) [wrong](other.md#elsewhere) [also wrong](#there)\n"
    )
    assert [problem.split(":")[0] for problem in broken_links(page)] == [
        "missing.md", "other.md#elsewhere", "#there"
    ]  # fmt: skip


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_every_link_and_anchor_resolves(page):
    assert page.exists(), f"{page.relative_to(REPO)} is missing"
    broken = broken_links(page)
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def test_the_readme_is_a_quick_start_that_fits_a_screen_or_five():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MOST_LINES, f"README.md has {len(lines)} lines: move reference to docs/"
    first_screen = "\n".join(lines[:FIRST_SCREEN])
    missing = [step for step in QUICK_START if step not in first_screen]
    assert not missing, f"README.md's first {FIRST_SCREEN} lines lack {missing}"
