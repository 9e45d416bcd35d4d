"""Copies the backend's files into ./backend, the build context's code folder, replacing it whole."""

from __future__ import annotations

import fnmatch
import shutil

from .backend_checks import check_backend
from .config import SpaceConfig
from .errors import SpaceError

# Never copied, wherever they are: secrets, environments, caches, local databases, build output.
NEVER_COPY = (
    ".env", ".env.*", ".git", ".venv", "venv", "node_modules", "__pycache__", "*.py[cod]",
    ".pytest_cache", ".ruff_cache", ".mypy_cache", ".DS_Store", "*.db", "*.sqlite", "*.sqlite3", "dist",
)


def _ignored(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in NEVER_COPY)


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if _ignored(name)}


def sync(config: SpaceConfig) -> list[str]:
    """Check the backend, then mirror its listed files into ./backend; return notes for the user."""
    if config.backend_path is None:
        return check_backend(config, config.code_dir)
    source = config.backend_path
    if not source.is_dir():
        raise SpaceError(
            f"backend_path {config.answers.get('backend_path')!r} resolves to {source}, which is not a folder; "
            "fix it with `copier update --data backend_path=<path to your backend>`."
        )
    notes = check_backend(config, source)
    staging = config.root / ".backend.sync"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
        for entry in config.backend_files:
            path = source / entry
            if not path.exists() or _ignored(path.name):
                continue  # optional entries (uv.lock, src/...) may be absent
            target = staging / entry
            target.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir():
                # Entries may overlap (an entry file inside src/, and src/ itself).
                shutil.copytree(path, target, ignore=_ignore, dirs_exist_ok=True)
            else:
                shutil.copy2(path, target)
        copied = sum(1 for item in staging.rglob("*") if item.is_file())
        shutil.rmtree(config.code_dir, ignore_errors=True)
        staging.rename(config.code_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [f"synced {copied} files from {source} into ./backend", *notes]
