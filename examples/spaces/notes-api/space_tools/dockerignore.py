# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Which files of a folder `docker build` sends, read from its .dockerignore with Docker's own rules.

Docker's rules (moby/patternmatcher): patterns are cleaned paths from the context root, `*` and `?` stop at
`/`, `**` spans folders, a pattern also matches everything below a folder it matches, `!` re-admits, and the
last matching pattern decides.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    exclusion: bool  # a `!` pattern: re-admits what it matches


def _translate(pattern: str) -> str:
    out, index = "^", 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            if pattern[index + 1 : index + 2] == "*":
                index += 1
                if pattern[index + 1 : index + 2] == "/":
                    index += 1
                out += ".*" if index + 1 == len(pattern) else "(.*/)?"
            else:
                out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out += re.escape(pattern[index])
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out += re.escape(char)
            else:
                body = pattern[index + 1 : end]
                out += "[" + ("^" + body[1:] if body.startswith(("!", "^")) else body) + "]"
                index = end
        else:
            out += re.escape(char)
        index += 1
    return out + "$"


def parse(text: str) -> list[_Pattern]:
    patterns = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        line = line[1:].strip() if exclusion else line
        cleaned = posixpath.normpath(line).lstrip("/")
        if cleaned in ("", "."):
            continue
        patterns.append(_Pattern(re.compile(_translate(cleaned)), exclusion))
    return patterns


def excluded(patterns: list[_Pattern], relative: str) -> bool:
    """Whether Docker leaves this file (a POSIX path from the context root) out of the build context."""
    parents = relative.split("/")[:-1]
    candidates = [relative] + ["/".join(parents[: index + 1]) for index in range(len(parents))]
    matched = False
    for pattern in patterns:
        if any(pattern.regex.match(path) for path in candidates):
            matched = not pattern.exclusion
    return matched


def read(root: Path) -> list[_Pattern]:
    path = root / ".dockerignore"
    return parse(path.read_text(encoding="utf-8")) if path.is_file() else []
