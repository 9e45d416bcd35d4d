# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The one list of what never ships (never_ship.yml), and the test of a path against it."""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml

RULES_FILE = Path(__file__).with_name("never_ship.yml")


@lru_cache(maxsize=None)
def rules() -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    return {kind: tuple(data.get(kind) or ()) for kind in ("never", "keep", "local", "image_leaves_out")}


def _matches(patterns: tuple[str, ...], name: str, is_dir: bool) -> str | None:
    for pattern in patterns:
        folder_only = pattern.endswith("/")
        if folder_only and not is_dir:
            continue
        if fnmatch.fnmatchcase(name, pattern.rstrip("/")):
            return pattern
    return None


def _first(kind: str, relative: str, is_dir: bool) -> str | None:
    parts = PurePosixPath(relative).parts
    for index, name in enumerate(parts):
        folder = is_dir or index < len(parts) - 1
        if kind == "never" and _matches(rules()["keep"], name, folder):
            continue
        found = _matches(rules()[kind], name, folder)
        if found:
            return found
    return None


def never(relative: str, *, is_dir: bool = False) -> str | None:
    """The pattern that keeps this path (relative, POSIX) from ever shipping, or None."""
    return _first("never", relative, is_dir)


def local_only(relative: str, *, is_dir: bool = False) -> str | None:
    """The pattern that marks this path as local state or build output, or None."""
    return _first("local", relative, is_dir)


def kept(relative: str) -> bool:
    """A file sync copies and git keeps, which the image holds only when backend_files lists it (.env.example)."""
    return _matches(rules()["keep"], PurePosixPath(relative).name, False) is not None
