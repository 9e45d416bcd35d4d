# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What git knows of the Space's files: the commit they are deployed from, and when a file was last committed."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def commit_message(root: Path) -> str:
    """`Deploy from git abc1234` for the Space repo's commit, or its enclosing repository's."""
    sha = _git(root, "rev-parse", "--short", "HEAD")
    if sha is None:
        return "Deploy (the source is not in a git repository)"
    # Tracked files only: the assembled ./backend is usually ignored, and that is no local edit.
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no")
    return f"Deploy from git {sha}" + (" with uncommitted changes" if dirty else "")


def repository_root(root: Path) -> Path | None:
    """The top of the git repository the Space folder is in, or None outside one."""
    top = _git(root, "rev-parse", "--show-toplevel")
    return Path(top).resolve() if top else None


def last_committed(path: Path) -> str | None:
    """When `path` was last committed, in UTC (RFC 3339), or None: outside git, never committed, or edited since."""
    folder, name = path.parent, path.name
    if _git(folder, "status", "--porcelain", "--", name) != "":
        return None
    seconds = _git(folder, "log", "-1", "--format=%ct", "--", name)
    if not seconds:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(seconds)))
