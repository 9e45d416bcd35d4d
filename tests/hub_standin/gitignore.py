"""The .gitignore rules the Hub applies to an upload (preupload's `shouldIgnore`): the common subset of git's syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negated: bool
    dir_only: bool


def _to_regex(pattern: str) -> str:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("/**", i):
            out, i = out + "(?:/.*)?", i + 3
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return out


def parse(text: str) -> list[_Rule]:
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        anchored = "/" in line  # a slash anywhere but the end ties the pattern to the root
        body = _to_regex(line.lstrip("/"))
        regex = re.compile(("^" if anchored else r"^(?:.*/)?") + body + "$")
        rules.append(_Rule(regex, negated, dir_only))
    return rules


def ignored(rules: list[_Rule], path: str) -> bool:
    """Whether git would ignore the file at `path` (a POSIX path from the repo root)."""
    parts = path.split("/")
    # A file is ignored when its path or a folder above it is (re-including a file under an ignored folder fails).
    for depth in range(1, len(parts) + 1):
        candidate = "/".join(parts[:depth])
        is_dir = depth < len(parts)
        verdict = False
        for rule in rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(candidate):
                verdict = not rule.negated
        if verdict:
            return True
    return False
