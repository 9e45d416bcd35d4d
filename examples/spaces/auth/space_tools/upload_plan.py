# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Which files of this repo the Space gets, and how they differ from what the Space holds now."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import dockerignore, never_ship
from .errors import SpaceError

# Besides the build context, the files Spaces itself reads: its configuration, the build recipe, LFS rules.
SPACES_READS = ("README.md", "Dockerfile", ".dockerignore", ".gitattributes")
# The Hub applies an uploaded .gitignore to the upload itself: its `/backend/` line would drop the code.
NEVER_AT_ROOT = frozenset({".gitignore"})
# The Hub keeps this one (LFS rules) and so must we.
HUB_OWNED = frozenset({".gitattributes"})


def _link_target(root: Path, path: Path, relative: str) -> None:
    """A link may ship only as the regular file it names inside this repo."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise SpaceError(f"{relative} is a link that dangles or loops: fix or remove it before deploying.") from None
    if root not in real.parents or not real.is_file():
        raise SpaceError(
            f"{relative} is a link to {real}, {'outside this repo' if root not in real.parents else 'not a file'}: "
            "deploy never follows a link out of the repo; put a real file there."
        )


def local_files(root: Path, *, backend: dict[str, Path] | None = None) -> list[str]:
    """The repo's files the Space gets: the build context .dockerignore admits, plus what Spaces reads.

    `backend` (path in ./backend -> source) stands in for ./backend as sync would write it (dry runs)."""
    if not (root / ".dockerignore").is_file():
        raise SpaceError(
            "no .dockerignore: it says what the image (and so the upload) may hold; restore it with `copier update`."
        )
    patterns = dockerignore.read(root)

    def admitted(relative: str) -> bool:
        if never_ship.never(relative) or relative in NEVER_AT_ROOT:
            return False
        return relative in SPACES_READS or not dockerignore.excluded(patterns, relative)

    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        for name in list(dirs):
            relative = (here / name).relative_to(root).as_posix()
            skip = never_ship.never(relative, is_dir=True) or (backend is not None and relative == "backend")
            if skip or (here / name).is_symlink():
                dirs.remove(name)
                if not skip and admitted(relative):
                    raise SpaceError(f"{relative} is a link to a folder: put a real folder there before deploying.")
        for name in files:
            path = here / name
            relative = path.relative_to(root).as_posix()
            if admitted(relative):
                if path.is_symlink():
                    _link_target(root, path, relative)
                found.append(relative)
    found += [f"backend/{relative}" for relative in (backend or {}) if admitted(f"backend/{relative}")]
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
