# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The backend's own source files, read to find what the code says: only what lies inside the backend, never a
path that never ships (secrets, environments, node_modules), never tests, and never a link out of it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

# tomli reads TOML 1.1 too, which Python's tomllib can't: a uv.lock formatted by tombi (`sdist = {` over lines).
import tomli

from . import never_ship

_SKIPPED = {"tests", "test", "__tests__", "e2e", "docs", "examples", "migrations", "alembic", "dist", "build",
            "coverage"}
_MAX_DEPTH, _MAX_FILES = 5, 3000  # a backend is read in well under a second, even a large one
# The files each runtime's code is written in, as the readers of variables and of sign-in look at them.
# Where a JavaScript server reads its environment: Node.js's process.env, and Bun's Bun.env and import.meta.env.
JS_ENV = r"(?:process|Bun|import\.meta)\.env"
# A test file by its name: its reads and paths are its test runner's, never the server's.
TEST_FILE = re.compile(r"^test_|_test\.py$|^conftest\.py$|\.(?:test|spec)\.[cm]?[jt]s$")
CODE_SUFFIXES = {"python": (".py",), "node": (".ts", ".mts", ".cts", ".js", ".mjs", ".cjs")}


def in_a_project_of_its_own(backend: Path, relative: Path) -> bool:
    """A file in a subfolder with its own pyproject.toml or setup.py (OpenHands' enterprise/): another project's."""
    folder = backend
    for part in relative.parts[:-1]:
        folder = folder / part
        if (folder / "pyproject.toml").is_file() or (folder / "setup.py").is_file():
            return True
    return False


def inside(backend: Path, path: Path) -> bool:
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return real == backend or backend in real.parents


def is_a_space(folder: Path) -> bool:
    """A Space this template made (this one or a sibling), which a backend at its repository's root holds."""
    return (folder / "space.json").is_file() and (folder / "space_serve").is_dir()


def source_files(backend: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """The backend's files with these suffixes, shallow ones first, in a stable order."""
    backend = backend.resolve()
    found: list[Path] = []
    for folder, dirs, files in os.walk(backend):
        here = Path(folder)
        relative = here.relative_to(backend)
        dirs[:] = sorted(
            d for d in dirs
            if d not in _SKIPPED and not d.startswith(".") and len(relative.parts) < _MAX_DEPTH
            and not never_ship.never((relative / d).as_posix(), is_dir=True) and inside(backend, here / d)
            and not is_a_space(here / d)
        )
        for name in sorted(files):
            path = here / name
            if (name.endswith(suffixes) and not never_ship.never((relative / name).as_posix())
                    and inside(backend, path)):
                found.append(path)
        if len(found) >= _MAX_FILES:
            break
    return sorted(found, key=lambda path: (len(path.relative_to(backend).parts), path.as_posix()))


def text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def first_line(backend: Path, name: str) -> str:
    """The first meaningful line of a small version file (.python-version, .nvmrc), or ''."""
    path = backend / name
    if not (path.is_file() and inside(backend.resolve(), path)):
        return ""
    lines = [line.split("#")[0].strip() for line in text(path).splitlines()]
    return next((line for line in lines if line), "")


def package_json(backend: Path) -> dict:
    path = backend / "package.json"
    if not (path.is_file() and inside(backend.resolve(), path)):
        return {}
    try:
        data = json.loads(text(path))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def toml(path: Path) -> dict:
    """A TOML file's data (pyproject.toml, a lock), or {} when it is absent or unreadable."""
    if not path.is_file():
        return {}
    try:
        return tomli.loads(text(path))
    except ValueError:
        return {}
