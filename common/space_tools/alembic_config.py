# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Where a backend's Alembic lives: the folder of its alembic.ini (or of the pyproject.toml whose [tool.alembic]
holds its settings, as Alembic 1.16 allows) and the migrations folder those name, read once here for detect (the
pre-start it answers) and for sync (what that pre-start runs)."""

from __future__ import annotations

import configparser
from pathlib import Path

from . import backend_reading


def _in_pyproject(folder: Path) -> dict:
    section = backend_reading.toml(folder / "pyproject.toml").get("tool", {}).get("alembic")
    return section if isinstance(section, dict) else {}


def config_file(folder: Path) -> str | None:
    """The file Alembic run in this folder reads its settings from: pyproject.toml when its [tool.alembic] names
    the migrations (alembic.ini then holds only logging, if anything), else alembic.ini; None without either."""
    if "script_location" in _in_pyproject(folder):
        return "pyproject.toml"
    return "alembic.ini" if (folder / "alembic.ini").is_file() else None


def home(backend: Path) -> str | None:
    """Where Alembic runs, relative to the backend: "" for its root, else the one subfolder that holds its settings
    (src/alembic.ini, run from src/ as its README says: script_location is relative to where Alembic runs)."""
    if config_file(backend):
        return ""
    # a subfolder that is a project of its own (OpenHands' enterprise/) migrates its own database
    homes = sorted(child.name for child in backend.iterdir() if child.is_dir() and (found := config_file(child))
                   and backend_reading.inside(backend.resolve(), child) and child.name not in ("tests", "test")
                   and not backend_reading.in_a_project_of_its_own(backend, Path(child.name, found)))
    return homes[0] if len(homes) == 1 else None


def setting(folder: Path, name: str, fallback: str = "") -> str | None:
    """One setting of Alembic's, from pyproject.toml's [tool.alembic] or the [alembic] section of alembic.ini in
    folder; None when alembic.ini can't be read as INI."""
    section = _in_pyproject(folder)
    if "script_location" in section and name in section:  # config_file(folder) is pyproject.toml
        return str(section[name]).strip()
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(backend_reading.text(folder / "alembic.ini"))
        return parser.get("alembic", name, fallback=fallback).strip()
    except configparser.Error:
        return None


def migrations(folder: Path) -> str | None:
    """The migrations folder folder/alembic.ini names (script_location), relative to that folder; a package's
    resource (`fief:alembic`, the `alembic` folder of the package `fief`) is looked for from that folder or the one
    above it (alembic.ini sits at most one folder down in the backend), and must lie inside the first."""
    location = setting(folder, "script_location", "alembic")
    location = (location or "").replace("%(here)s/", "").strip().rstrip("/")
    package, colon, resource = location.partition(":")
    if colon and package.replace(".", "").replace("_", "").isalnum():
        places = [root.joinpath(*package.split("."), resource) for root in (folder, folder.parent)
                  if (root.joinpath(*package.split(".")) / "__init__.py").is_file()]
        inside = [place for place in places if place.resolve().is_relative_to(folder.resolve())]
        location = inside[0].resolve().relative_to(folder.resolve()).as_posix() if inside else ""
    return location if location and ".." not in location and not location.startswith("/") else None
