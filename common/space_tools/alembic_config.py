# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Where a backend's Alembic lives: the folder of its alembic.ini and the migrations folder that file names, read
once here for detect (the pre-start it answers) and for sync (what that pre-start runs)."""

from __future__ import annotations

import configparser
from pathlib import Path

from . import backend_reading


def home(backend: Path) -> str | None:
    """Where alembic.ini is, relative to the backend: "" for its root, else the one subfolder that holds it
    (src/alembic.ini, run from src/ as its README says: script_location is relative to where Alembic runs)."""
    if (backend / "alembic.ini").is_file():
        return ""
    # a subfolder that is a project of its own (OpenHands' enterprise/) migrates its own database
    homes = sorted(child.name for child in backend.iterdir() if child.is_dir() and (child / "alembic.ini").is_file()
                   and backend_reading.inside(backend.resolve(), child) and child.name not in ("tests", "test")
                   and not backend_reading.in_a_project_of_its_own(backend, Path(child.name, "alembic.ini")))
    return homes[0] if len(homes) == 1 else None


def setting(folder: Path, name: str, fallback: str = "") -> str | None:
    """One setting of the [alembic] section of folder/alembic.ini; None when it can't be read as INI."""
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
