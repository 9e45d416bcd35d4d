# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A backend that is a member of a pnpm workspace has its pins in the workspace's pnpm-lock.yaml, above the backend,
which the build can't see: sync writes the member's own lock from it (its importer as the lock's root, and what
that reaches), which the image's `pnpm install --frozen-lockfile` installs exactly. The workspace packages it
depends on (`workspace:*`) ship under ./backend/workspace-packages/ at their paths in the workspace, with a
pnpm-workspace.yaml naming them and the workspace's catalogs; the rest of the workspace never ships."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import yaml

from . import dependency_files
from .errors import SpaceError

LOCK = "pnpm-lock.yaml"
WORKSPACE_FILE = "pnpm-workspace.yaml"
PACKAGES_FOLDER = "workspace-packages"  # in ./backend: the workspace packages the backend depends on
_KINDS = ("dependencies", "devDependencies", "optionalDependencies")
# Lock keys that record the workspace's own settings; the member's install has none of them, so pnpm's frozen
# install would call the lock out of date. What they changed is already in the resolved versions, so they go.
_WORKSPACE_SETTINGS = ("overrides", "packageExtensionsChecksum", "pnpmfileChecksum", "ignoredOptionalDependencies")
# Lock keys whose effect is not in the versions: the member's lock can't carry them.
_CANNOT_CARRY = {"patchedDependencies": "patches some dependencies (patchedDependencies), whose patch files "
                                        "live in the workspace"}
# The workspace's settings its lock was written with, which the member's install must read the same.
_CARRIED_SETTINGS = ("catalog", "catalogs", "onlyBuiltDependencies", "neverBuiltDependencies",
                     "ignoredBuiltDependencies", "allowBuilds")


@dataclass
class MemberInstall:
    """What sync writes for a workspace member: its lock, the pnpm-workspace.yaml that lock needs (or None), and
    the workspace packages it depends on (folder in ./backend -> the package's folder in the workspace)."""
    lock: bytes
    workspace: bytes | None = None
    packages: dict[str, Path] = field(default_factory=dict)

    @property
    def folders(self) -> list[str]:
        """The answer pnpm_workspace: "." and the packages' folders when a pnpm-workspace.yaml goes with the lock."""
        return [".", *sorted(self.packages)] if self.workspace is not None else []


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


def export(backend: Path, root: Path) -> MemberInstall:
    """The member's lock: its importer as the root one, the workspace packages it links and the packages they all
    reach, the rest of the workspace left out."""
    data, key = _read(root), _importer_key(backend.resolve(), root)
    where = f"the pnpm workspace's {root / LOCK}"
    if not str(data.get("lockfileVersion", "")).startswith("9."):
        raise SpaceError(f"{where} is lockfileVersion {data.get('lockfileVersion')!r}, and a member's lock is written "
                         "from version 9 (pnpm 9 and later): run `pnpm install` with pnpm 9 or later in the workspace.")
    for setting, what in _CANNOT_CARRY.items():
        if data.get(setting):
            raise SpaceError(f"{where} {what}, which the backend's own lock can't carry: give the backend its own "
                             "lock (`pnpm install --ignore-workspace` in it) and commit it.")
    moved = _linked_packages(data, key, root)
    importers = {moved[old]: _relinked(data["importers"][old], old, moved) for old in moved}
    snapshots, packages = _reached(data, importers.values())
    member = {name: value for name, value in data.items()
              if name not in ("importers", "packages", "snapshots", *_WORKSPACE_SETTINGS, *_CANNOT_CARRY)}
    member["importers"] = importers
    member["packages"] = {name: value for name, value in (data.get("packages") or {}).items() if name in packages}
    member["snapshots"] = {name: value for name, value in (data.get("snapshots") or {}).items() if name in snapshots}
    lock = yaml.safe_dump(member, sort_keys=False, width=10_000, allow_unicode=True).encode()
    folders = {new: root / old for old, new in moved.items() if new != "."}
    settings = {name: value for name, value in _workspace_settings(root).items() if name in _CARRIED_SETTINGS}
    if not folders and not (settings.keys() & {"catalog", "catalogs"}):
        return MemberInstall(lock)
    workspace = {"packages": sorted(folders), **settings}
    return MemberInstall(lock, yaml.safe_dump(workspace, sort_keys=False, allow_unicode=True).encode(), folders)


def _linked_packages(data: dict, key: str, root: Path) -> dict[str, str]:
    """Importer keys of the member and every workspace package it links, at any depth (a package's devDependencies
    too: its build needs them) -> their folders in ./backend: the member at ".", the packages under PACKAGES_FOLDER."""
    importers = data.get("importers") or {}
    moved, queue = {key: "."}, [key]
    while queue:
        current = queue.pop()
        for kind in _KINDS:
            for name, entry in (importers[current].get(kind) or {}).items():
                version = str(entry.get("version", "")) if isinstance(entry, dict) else ""
                if version.startswith("file:") and kind != "devDependencies":
                    raise SpaceError(f"{current}/package.json depends on {name} ({version}), a folder the pnpm "
                                     f"workspace at {root} injects, which its lock can't install apart: depend on it "
                                     "through workspace: instead.")
                if not version.startswith("link:"):
                    continue
                target = os.path.normpath(os.path.join(current, version.removeprefix("link:"))).replace(os.sep, "/")
                if target not in importers:
                    if kind == "devDependencies":
                        continue  # a link to a folder the workspace doesn't list: never installed for production
                    raise SpaceError(f"{current}/package.json depends on {name} ({version}), a folder that is not a "
                                     f"package of the pnpm workspace at {root}, so it can't ship: make it one (list it "
                                     "in pnpm-workspace.yaml), or depend on a published version.")
                if target not in moved:
                    moved[target] = f"{PACKAGES_FOLDER}/{target}"
                    queue.append(target)
    return moved


def _relinked(importer: dict, old: str, moved: dict[str, str]) -> dict:
    """The importer with each link to a workspace package pointing at that package's folder in ./backend."""
    relinked = {}
    for kind, entries in importer.items():
        if kind not in _KINDS or not isinstance(entries, dict):
            relinked[kind] = entries
            continue
        relinked[kind] = {}
        for name, entry in entries.items():
            version = str(entry.get("version", "")) if isinstance(entry, dict) else ""
            target = os.path.normpath(os.path.join(old, version.removeprefix("link:"))).replace(os.sep, "/")
            if version.startswith("link:") and target in moved:
                entry = {**entry, "version": "link:" + os.path.relpath(moved[target], moved[old]).replace(os.sep, "/")}
            relinked[kind][name] = entry
    return relinked


def _workspace_settings(root: Path) -> dict:
    try:
        data = yaml.safe_load((root / WORKSPACE_FILE).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SpaceError(f"{root / WORKSPACE_FILE} can't be read ({str(error).splitlines()[0]}): fix it, as pnpm "
                         "would have to.") from None
    return data if isinstance(data, dict) else {}


def _reached(data: dict, importers) -> tuple[set[str], set[str]]:
    """The snapshot keys (with their peers) and package keys the importers' dependencies reach, every kind."""
    snapshots = data.get("snapshots") or {}
    queue = [_key(name, entry.get("version", "")) for importer in importers for kind in _KINDS
             for name, entry in (importer.get(kind) or {}).items() if isinstance(entry, dict)]
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
