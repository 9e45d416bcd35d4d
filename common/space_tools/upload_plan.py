"""Which files of this repo the Space gets, and how they differ from what the Space holds now."""

from __future__ import annotations

import fnmatch
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

# Folders never uploaded, wherever they are: VCS, environments, dependencies, caches, build output.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".mypy_cache",
        ".tox",
        ".nox",
        "dist",
        "build",
        ".backend.sync",
    }
)
# Files never uploaded, wherever they are: local values and secrets (.env.example documents them, so it goes).
SKIP_FILES = (".env", ".env.*", "*.py[cod]", ".DS_Store")
KEEP_FILES = (".env.example",)
# At the root only: tooling that runs here, not in the Space.
#   space_tools/, .github/  deploy and CI tooling;
#   .copier-answers.yml     template bookkeeping (it holds local paths such as backend_path);
#   .gitignore              the Hub applies an uploaded .gitignore to the upload itself, so its `/backend/`
#                           line (backend assembled by sync) would silently drop the code from the commit.
SKIP_AT_ROOT = frozenset({"space_tools", ".github", ".copier-answers.yml", ".gitignore"})
# The Hub keeps this one (LFS rules) and so must we.
HUB_OWNED = frozenset({".gitattributes"})


def _skip_file(name: str) -> bool:
    if name in KEEP_FILES:
        return False
    return any(fnmatch.fnmatch(name, pattern) for pattern in SKIP_FILES)


def local_files(root: Path) -> list[str]:
    """The repo's files the Space needs, as sorted POSIX paths relative to the root."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        at_root = here == root
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIP_DIRS
            and not (at_root and d in SKIP_AT_ROOT)
            and not (here / d / "pyvenv.cfg").exists()  # a virtual environment under any name
        )
        for name in files:
            path = here / name
            if _skip_file(name) or (at_root and name in SKIP_AT_ROOT) or not path.is_file():
                continue
            found.append(path.relative_to(root).as_posix())
    return sorted(found)


def git_blob_sha1(data: bytes) -> str:
    """The id git (and the Hub) gives a regular file's content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass(frozen=True)
class RemoteFile:
    path: str
    blob_id: str  # git blob sha1 (of the pointer, for LFS files)
    lfs_sha256: str | None = None


@dataclass
class UploadPlan:
    files: list[str]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def to_upload(self) -> list[str]:
        return sorted(self.added + self.changed)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed, "
            f"{len(self.unchanged)} unchanged"
        )


def diff(root: Path, files: list[str], remote: list[RemoteFile]) -> UploadPlan:
    """Compare local content with the Space's by content id, so a re-deploy uploads only what changed."""
    by_path = {entry.path: entry for entry in remote}
    plan = UploadPlan(files=files)
    for path in files:
        entry = by_path.get(path)
        if entry is None:
            plan.added.append(path)
            continue
        data = (root / path).read_bytes()
        same = (
            hashlib.sha256(data).hexdigest() == entry.lfs_sha256
            if entry.lfs_sha256
            else git_blob_sha1(data) == entry.blob_id
        )
        (plan.unchanged if same else plan.changed).append(path)
    local = set(files)
    plan.removed = sorted(path for path in by_path if path not in local and path not in HUB_OWNED)
    return plan
