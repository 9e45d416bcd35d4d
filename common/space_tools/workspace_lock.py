# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A backend that is a member of a uv workspace has its pins in the workspace's uv.lock, above the backend,
which the build can't see: sync exports the member's own pins from it with uv (`uv export`, the lock's own
tool) into pylock.toml (PEP 751), which the image installs exactly. The workspace itself never ships."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import backend_reading
from .errors import SpaceError

EXPORT_FILE = "pylock.toml"


def workspace_root(backend: Path) -> Path | None:
    """The uv workspace this backend is a member of (its uv.lock lives there), or None."""
    backend = backend.resolve()
    for parent in list(backend.parents)[:4]:
        members = backend_reading.toml(parent / "pyproject.toml").get("tool", {}).get("uv", {}).get("workspace", {}).get("members")
        if members and (parent / "uv.lock").is_file():
            relative = Path(backend.relative_to(parent).as_posix())
            if any(relative.match(pattern.rstrip("/")) for pattern in members):
                return parent
    return None


def member_name(backend: Path) -> str:
    return str(backend_reading.toml(backend / "pyproject.toml").get("project", {}).get("name") or "")


def needs_export(backend: Path) -> Path | None:
    """The workspace root when the image's pins must come from it (the backend has no lock of its own)."""
    if any((backend / name).is_file() for name in ("uv.lock", EXPORT_FILE)) or not (backend / "pyproject.toml").is_file():
        return None
    return workspace_root(backend)


def _members_it_needs(root: Path, name: str) -> list[str]:
    """Other workspace members this one depends on: their code lives outside the backend."""
    packages = backend_reading.toml(root / "uv.lock").get("package") or []
    local = {p.get("name") for p in packages if {"editable", "virtual", "directory"} & set(p.get("source") or {})}
    own = next((p for p in packages if p.get("name") == name), {})
    return sorted({d.get("name") for d in own.get("dependencies") or []} & local - {name})


def export(backend: Path, root: Path, extras: tuple[str, ...] = ()) -> bytes:
    """The member's non-dev pins (with the asked optional extras), exactly as the workspace's uv.lock has them, as
    pylock.toml."""
    name = member_name(backend)
    if not name:
        raise SpaceError(f"{backend / 'pyproject.toml'} names no [project] name, so uv can't export its pins from "
                         f"the workspace at {root}: add one.")
    others = _members_it_needs(root, name)
    if others:
        raise SpaceError(
            f"{name} depends on {', '.join(others)}, other members of the uv workspace at {root}, whose code lies "
            "outside the backend and so can't ship: move that code into the backend, or publish it as a package.")
    uv = shutil.which("uv")
    if uv is None:
        raise SpaceError(f"{name} is a member of the uv workspace at {root}; sync exports its pins from the "
                         "workspace's uv.lock with uv, which is not on PATH: install uv.")
    result = subprocess.run(
        [uv, "export", "--frozen", "--package", name, "--no-dev", "--no-emit-workspace", "--format", EXPORT_FILE,
         "--quiet", *(f"--extra={extra}" for extra in extras)],
        cwd=backend, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise SpaceError(f"`uv export --package {name}` of the workspace's uv.lock at {root} failed: {reason}")
    return result.stdout.encode()
