# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Copies the backend's listed files into ./backend, the build context's code folder, and never loses a file.

sync records what it wrote (RECORD_FILE). Before replacing ./backend it compares the folder with that record:
a file edited or added there since, or a ./backend sync never wrote, is never deleted: sync stops and names
it, or with `force` sets the whole folder aside as ./backend.kept-<time>. Links are followed only while they
stay inside the backend; one that leaves it, dangles or loops stops sync.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import (
    code_imports,
    dependency_files,
    detect_hazards,
    detect_node,
    detect_python,
    git_source,
    never_ship,
    pnpm_workspace_lock,
    unlocked_resolution,
    workspace_lock,
)
from .backend_checks import check_backend
from .config import SpaceConfig
from .errors import SpaceError

RECORD_FILE = ".backend-sync.json"
KEEP_FILE = ".gitkeep"  # what holds a folder the app writes in, which the backend lacks, in the build context
STAGING = ".backend.sync"  # the next ./backend, assembled before it replaces the current one
RETIRED = ".backend.old"  # the current ./backend while the new one takes its place
SHOWN = 10  # files named in a message before "and N more"


@dataclass
class SyncPlan:
    source: Path
    files: dict[str, Path] = field(default_factory=dict)  # path in ./backend -> the real file it copies
    generated: dict[str, bytes] = field(default_factory=dict)  # path in ./backend -> what sync writes there
    notes: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(names: list[str]) -> str:
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(names[:SHOWN]) + more


class _Collector:
    def __init__(self, source: Path, root: Path) -> None:
        self.source, self.root = source, root
        self.plan = SyncPlan(source)

    def _real(self, path: Path, shown: str) -> Path:
        try:
            real = path.resolve(strict=True)
        except FileNotFoundError:
            raise SpaceError(
                f"backend file {shown} is a link to {os.readlink(path)}, which does not exist: fix or remove the link."
            ) from None
        except (RuntimeError, OSError):  # a loop of links: RuntimeError up to Python 3.12, OSError (ELOOP) after
            raise SpaceError(f"backend file {shown} is a link that loops: fix or remove the link.") from None
        if real != self.source and self.source not in real.parents:
            raise SpaceError(
                f"backend file {shown} is a link to {real}, outside the backend: sync never follows a link out of "
                "the backend; copy what the Space needs into the backend instead."
            )
        if real == self.root or self.root in real.parents:
            raise SpaceError(f"backend file {shown} leads into this Space's own folder: leave it out of backend_files.")
        return real

    def visit(self, path: Path, relative: PurePosixPath, chain: tuple[Path, ...] = (), listed: bool = False) -> None:
        shown = relative.as_posix()
        is_link = path.is_symlink()
        real = self._real(path, shown)
        is_dir = real.is_dir()
        target = real.relative_to(self.source).as_posix()
        if never_ship.never(shown, is_dir=is_dir) or (is_link and never_ship.never(target, is_dir=is_dir)):
            if is_link:
                self.plan.notes.append(f"left out {shown}: a link to {target}, which never ships")
            return
        local = never_ship.local_only(shown, is_dir=is_dir) or never_ship.local_only(target, is_dir=is_dir)
        if local and not (listed and local.endswith("/")):  # a listed build output folder ships (openui's dist/)
            self.plan.notes.append(
                f"left out {shown} (local state or build output, {local}): if the app needs it, build or create it "
                "in the Dockerfile"
            )
            return
        if is_dir:
            if real in chain:
                raise SpaceError(
                    f"backend folder {shown} is a link that loops back into itself: fix or remove the link."
                )
            for child in sorted(os.listdir(real)):
                self.visit(path / child, relative / child, (*chain, real), listed)
        elif real.is_file():
            self.plan.files[shown] = real
        else:
            self.plan.notes.append(f"left out {shown}: not a regular file")


def plan(config: SpaceConfig) -> SyncPlan:
    """What sync would copy, read without writing anything."""
    source = config.backend_path
    if source is not None and not source.exists() and git_source.repository_root(config.root) == config.root.resolve():
        raise SpaceError(
            f"this Space is its own git repository and its backend ({config.settings.get('backend_path')}) is not in "
            "it, so a checkout of it (as in CI) can't build: run the workflows from the repository that holds both "
            "(`./space ci` installs them at its root), or check the backend out at that path first."
        )
    if source is None or not source.is_dir():
        raise SpaceError(
            f"backend_path {config.settings.get('backend_path')!r} resolves to {source}, which is not a folder; "
            "fix it with `copier update --defaults --data backend_path=<path to your backend>`."
        )
    collector = _Collector(source, config.root)
    visited: list[str] = []  # whole files and folders already shipped: what lies in them needs no second visit
    for entry in config.backend_files:
        relative = PurePosixPath(os.path.normpath(entry))
        path = source / relative
        if os.path.lexists(path):  # optional entries (uv.lock, src/...) may be absent
            # an entry that names build output itself (`openui/dist`) ships it; one that holds some (`app`) does not
            collector.visit(path, relative, listed=bool(never_ship.local_only(relative.as_posix(), is_dir=True)))
            visited.append(relative.as_posix())
    stale = detect_node.locks(source)[1] if config.runtime == "node" else {}
    schema = str(config.settings.get("prisma_schema") or "") if config.runtime == "node" else ""
    generated = [schema] if schema and os.path.lexists(source / schema) else []
    for what, entries in (("imports", _imported(config, source)),
                          ("installs from", _manifests(config, source, stale)),
                          ("generates its Prisma client from", generated)):
        before = set(collector.plan.files)
        for entry in entries:
            # `app/alembic` in backend_files ships that folder, not the rest of the `app` package the code imports
            if not any(entry == done or entry.startswith(done + "/") for done in visited):
                collector.visit(source / entry, PurePosixPath(entry))
                visited.append(entry)
        followed = sorted(set(collector.plan.files) - before)
        if followed:
            collector.plan.notes.append(f"also synced what the code {what}: {_listing(followed)}")
    for name, why in stale.items():  # also when backend_files names the whole folder
        collector.plan.files.pop(name, None)
        collector.plan.notes.append(f"left out {name}: {why}")
    for folder, opened in detect_hazards.missing_database_folders(source).items():
        collector.plan.generated[f"{folder}/{KEEP_FILE}"] = b""
        collector.plan.notes.append(f"created {folder}/ (empty) in ./backend: {opened}, in a folder the backend "
                                    "lacks (git-ignored?), and SQLite creates the file, never its folder")
    members_lock = pnpm_workspace_lock.needs_export(source) if config.runtime == "node" else None
    if members_lock is not None:
        _add_workspace_share(collector, members_lock)
    workspace = workspace_lock.needs_export(source) if config.runtime == "python" else None
    if workspace is not None:
        collector.plan.generated[workspace_lock.EXPORT_FILE] = workspace_lock.export(source, workspace,
                                                                                   tuple(config.extras))
        collector.plan.notes.append(f"pins from the uv workspace's {workspace / 'uv.lock'}, exported with uv to "
                                    f"./backend/{workspace_lock.EXPORT_FILE}")
    elif config.runtime == "python":
        _pin_an_unlocked_manifest(config, source, collector.plan)
    return collector.plan


def _add_workspace_share(collector: _Collector, root: Path) -> None:
    """A pnpm workspace member's own lock, and the workspace packages it depends on with the pnpm-workspace.yaml
    naming them: their files as the backend's are chosen (never node_modules, build output or secrets)."""
    plan_ = collector.plan
    install = pnpm_workspace_lock.export(plan_.source, root)
    plan_.generated[pnpm_workspace_lock.LOCK] = install.lock
    plan_.notes.append(f"pins from the pnpm workspace's {root / pnpm_workspace_lock.LOCK}: its entry for the backend "
                       f"written to ./backend/{pnpm_workspace_lock.LOCK}")
    if install.workspace is None:
        return
    taken = [name for name in (pnpm_workspace_lock.WORKSPACE_FILE, pnpm_workspace_lock.PACKAGES_FOLDER)
             if any(path == name or path.startswith(name + "/") for path in plan_.files)]
    if taken:
        raise SpaceError(f"the backend has its own {taken[0]}, where sync writes what the pnpm workspace at {root} "
                         "gives it: rename it in the backend.")
    plan_.generated[pnpm_workspace_lock.WORKSPACE_FILE] = install.workspace
    for folder, real in install.packages.items():
        if not real.resolve().is_relative_to(root.resolve()):
            raise SpaceError(f"the pnpm workspace's package {real.relative_to(root)} is a link to {real.resolve()}, "
                             "outside the workspace: sync never follows a link out of it; move the package into it.")
        package = _Collector(real.resolve(), collector.root)
        package.visit(real, PurePosixPath(folder))
        plan_.files.update(package.plan.files)
    if install.packages:
        plan_.notes.append(f"also synced the workspace packages it depends on into ./backend/"
                           f"{pnpm_workspace_lock.PACKAGES_FOLDER}: {_listing(sorted(install.packages))} (the image "
                           "builds them)")


def _pin_an_unlocked_manifest(config: SpaceConfig, source: Path, plan: SyncPlan) -> None:
    """A backend with no lock gets uv's resolution as pylock.toml, which the image installs before the manifest:
    the build then installs what check predicted, not whatever was released since."""
    manifest = detect_python.pinned_by_sync(source)
    if manifest is None:
        return
    with tempfile.TemporaryDirectory(prefix="space-resolve-") as scratch:
        try:
            found = unlocked_resolution.resolve(manifest, str(config.settings.get("python_version", "")), Path(scratch),
                                                tuple(config.extras))
        except unlocked_resolution.Unresolvable as error:
            found = unlocked_resolution.Resolution(None, str(error))
        if found.lock is None:
            plan.notes.append(f"{manifest.name} not pinned ({found.why_not}): the image resolves it at build time")
            return
        plan.generated[unlocked_resolution.PINS_FILE] = found.lock.read_bytes()
    plan.notes.append(f"pinned {manifest.name} to {found.releases}, resolved with uv into "
                      f"./backend/{unlocked_resolution.PINS_FILE}")


def _manifests(config: SpaceConfig, source: Path, stale: dict[str, str]) -> list[str]:
    """The files the image installs the dependencies from, whichever kind the backend has, less a stale lock."""
    names = [*dependency_files.all_files(config.runtime), *(["tsconfig.json"] if config.runtime == "node" else [])]
    return [name for name in names if os.path.lexists(source / name) and name not in stale]


def _imported(config: SpaceConfig, source: Path) -> list[str]:
    if config.runtime == "python":
        served = code_imports.python_imports(source, config.settings["asgi_app"], config.app_dir)
        before_start = code_imports.prestart_files(source, str(config.settings.get("prestart") or ""))
        return [*served, *(entry for entry in before_start if entry not in served)]
    return code_imports.node_imports(source, config.settings["entry_file"])


def _read_record(root: Path) -> dict[str, str] | None:
    try:
        data = json.loads((root / RECORD_FILE).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return files if isinstance(files, dict) else None


def _not_written_by_sync(code: Path, record: dict[str, str]) -> list[str]:
    """Files in ./backend that sync did not write as they are now: edited, added, or links."""
    found = []
    for folder, dirs, files in os.walk(code):
        here = Path(folder)
        for name in sorted(files + [d for d in dirs if (here / d).is_symlink()]):
            path = here / name
            relative = path.relative_to(code).as_posix()
            if path.is_symlink() or relative not in record:
                found.append(f"backend/{relative} (added)")
            elif _digest(path) != record[relative]:
                found.append(f"backend/{relative} (edited)")
    return sorted(found)


def _set_aside(config: SpaceConfig) -> Path:
    kept = config.root / f"backend.kept-{time.strftime('%Y%m%d-%H%M%S')}"
    while kept.exists():
        kept = kept.with_name(kept.name + "-1")
    config.code_dir.rename(kept)
    return kept


def _copy(plan_: SyncPlan, staging: Path) -> dict[str, str]:
    written = {}
    for relative, real in plan_.files.items():
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(real, target)
        written[relative] = _digest(target)
    for relative, content in plan_.generated.items():
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        (staging / relative).write_bytes(content)
        written[relative] = _digest(staging / relative)
    return written


def _write_record(root: Path, source: Path, written: dict[str, str]) -> None:
    partial = root / (RECORD_FILE + ".tmp")
    partial.write_text(json.dumps({"source": str(source), "files": written}, indent=1, sort_keys=True) + "\n")
    partial.replace(root / RECORD_FILE)


def guard_code_dir(config: SpaceConfig) -> None:
    if config.code_dir.is_symlink():
        raise SpaceError(
            f"./backend is a link (to {os.readlink(config.code_dir)}); the build context needs a real folder there: "
            "remove the link" + (" (sync finds the code through backend_path)." if config.backend_path else ".")
        )


def sync(config: SpaceConfig, *, force: bool = False, dry_run: bool = False) -> SyncPlan:
    """Check the backend, then mirror its listed files into ./backend; return what it copies, with notes."""
    guard_code_dir(config)
    if config.backend_path is None:
        return SyncPlan(config.code_dir, notes=check_backend(config, config.code_dir))
    planned = plan(config)
    notes = [*planned.notes, *check_backend(config, planned.source)]
    code = config.code_dir
    record = _read_record(config.root)
    unwritten = code.exists() and record is None
    changed = _not_written_by_sync(code, record) if code.exists() and record is not None else []
    if changed and not force:
        raise SpaceError(
            f"./backend has files sync did not write: {_listing(changed)}. Make the change in {planned.source} "
            "instead, or move them away, or run `./space sync --force` to set ./backend aside as "
            "./backend.kept-<time> and copy afresh."
        )
    if dry_run:
        aside = " (./backend, which sync did not write, would be set aside first)" if unwritten else ""
        planned.notes = [f"would sync {len(planned.files)} files from {planned.source} into ./backend{aside}", *notes]
        return planned
    if unwritten or changed:
        kept = _set_aside(config)
        what = "sync did not write it" if unwritten else "it held files sync did not write"
        notes.insert(0, f"moved ./backend to ./{kept.name} ({what}): nothing in it was deleted")
    staging, retired = config.root / STAGING, config.root / RETIRED
    for leftover in (staging, retired):  # our own names, left by an interrupted sync
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        staging.mkdir()
        written = _copy(planned, staging)
        if code.exists():
            code.rename(retired)
        staging.rename(code)
        _write_record(config.root, planned.source, written)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    planned.notes = [f"synced {len(written)} files from {planned.source} into ./backend", *notes]
    return planned
