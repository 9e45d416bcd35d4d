# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A backend that is a member of a pnpm workspace has its pins in the workspace's pnpm-lock.yaml, above the backend,
which the build can't see: sync writes the member's own lock from it (its importer as the lock's root, and what
that reaches), which the image's `pnpm install --frozen-lockfile` installs exactly. The workspace never ships."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml

from . import dependency_files
from .errors import SpaceError

LOCK = "pnpm-lock.yaml"
_KINDS = ("dependencies", "devDependencies", "optionalDependencies")
# Lock keys that record the workspace's own settings; the member's install has none of them, so pnpm's frozen
# install would call the lock out of date. What they changed is already in the resolved versions, so they go.
_WORKSPACE_SETTINGS = ("overrides", "packageExtensionsChecksum", "pnpmfileChecksum", "ignoredOptionalDependencies")
# Lock keys whose effect is not in the versions: the member's lock can't carry them.
_CANNOT_CARRY = {"patchedDependencies": "patches some dependencies (patchedDependencies), whose patch files "
                                        "live in the workspace",
                 "catalogs": "names versions from the workspace's catalog (catalog:)"}


def workspace_root(backend: Path) -> Path | None:
    """The pnpm workspace whose lock holds this backend's pins (an importer for its folder), or None."""
    backend = backend.resolve()
    for parent in list(backend.parents)[:4]:
        if (parent / "pnpm-workspace.yaml").is_file() and (parent / LOCK).is_file():
            return parent if _importer_key(backend, parent) in (_read(parent).get("importers") or {}) else None
    return None


def needs_export(backend: Path) -> Path | None:
    """The workspace root when the image's lock must come from it (the backend has no lock of its own)."""
    if any((backend / name).is_file() for name in dependency_files.NODE_LOCKS) or not (backend / "package.json").is_file():
        return None
    return workspace_root(backend)


def export(backend: Path, root: Path) -> bytes:
    """The member's lock: its importer as the root one, the packages it reaches, the rest of the workspace left out."""
    data, key = _read(root), _importer_key(backend.resolve(), root)
    where = f"the pnpm workspace's {root / LOCK}"
    if not str(data.get("lockfileVersion", "")).startswith("9."):
        raise SpaceError(f"{where} is lockfileVersion {data.get('lockfileVersion')!r}, and a member's lock is written "
                         "from version 9 (pnpm 9 and later): run `pnpm install` with pnpm 9 or later in the workspace.")
    for setting, what in _CANNOT_CARRY.items():
        if data.get(setting):
            raise SpaceError(f"{where} {what}, which the backend's own lock can't carry: give the backend its own "
                             "lock (`pnpm install --ignore-workspace` in it) and commit it.")
    importer = data["importers"][key]
    # other packages of the workspace, linked; a devDependency (its shared eslint config) is never installed
    links = sorted(name for kind in ("dependencies", "optionalDependencies") for name, entry in (importer.get(kind) or {}).items()
                   if str(entry.get("version", "")).startswith(("link:", "file:")))
    if links:
        raise SpaceError(f"{key}/package.json depends on {', '.join(links)}, other packages of the pnpm workspace at "
                         f"{root}, whose code lies outside the backend and so can't ship: depend on a published "
                         "version instead.")
    snapshots, packages = _reached(data, importer)
    member = {name: value for name, value in data.items()
              if name not in ("importers", "packages", "snapshots", *_WORKSPACE_SETTINGS, *_CANNOT_CARRY)}
    member["importers"] = {".": importer}
    member["packages"] = {name: value for name, value in (data.get("packages") or {}).items() if name in packages}
    member["snapshots"] = {name: value for name, value in (data.get("snapshots") or {}).items() if name in snapshots}
    return yaml.safe_dump(member, sort_keys=False, width=10_000, allow_unicode=True).encode()


def _reached(data: dict, importer: dict) -> tuple[set[str], set[str]]:
    """The snapshot keys (with their peers) and package keys the importer's dependencies reach, every kind."""
    snapshots = data.get("snapshots") or {}
    queue = [_key(name, entry.get("version", "")) for kind in _KINDS for name, entry in (importer.get(kind) or {}).items()
             if isinstance(entry, dict)]
    seen: set[str] = set()
    while queue:
        key = queue.pop()
        if key in seen or key not in snapshots:
            continue
        seen.add(key)
        snapshot = snapshots[key] or {}
        queue += [_key(name, version) for kind in ("dependencies", "optionalDependencies")
                  for name, version in (snapshot.get(kind) or {}).items()]
    return seen, {re.sub(r"\(.*$", "", key) for key in seen}


def _key(name: str, version: object) -> str:
    """A snapshot's key from a dependency's name and locked version; an alias (`npm:other@1`) locks `other@1`."""
    version = str(version)
    return version if "@" in version.split("(")[0][1:] else f"{name}@{version}"


def _importer_key(backend: Path, root: Path) -> str:
    return PurePosixPath(backend.relative_to(root.resolve()).as_posix()).as_posix()


def _read(root: Path) -> dict:
    """The workspace's lock, read once per process while the file is unchanged (detect, check and sync each ask)."""
    lock = root / LOCK
    try:
        return _parsed(str(lock), lock.stat().st_mtime_ns)
    except OSError as error:
        raise SpaceError(f"{lock} can't be read ({error}): run `pnpm install` in the workspace and commit it.") from None


@lru_cache(maxsize=4)
def _parsed(path: str, _mtime_ns: int) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SpaceError(f"{path} can't be read ({str(error).splitlines()[0]}): run `pnpm install` in the "
                         "workspace and commit it.") from None
    return data if isinstance(data, dict) else {}
