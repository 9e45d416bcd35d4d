# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The answers' rules, checked again whenever the tools read `.copier-answers.yml` (it can be edited by hand).

Each message is the one Copier's validator gives for the same value (copier/questions/*.yml).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

_SPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_URL_PATH = re.compile(r"^/[A-Za-z0-9._~/-]*$")
_ASGI_APP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_.]*$")
_ENTRY_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(ts|mts|js|mjs)$")
_OUTSIDE_OR_ENV = re.compile(r"^/|(^|/)\.\.(/|$)|(^|/)\.env")


def _clean(entry: str) -> str:
    return posixpath.normpath(entry.strip()) if entry.strip() else "."


def _space_name(value) -> str | None:
    name = str(value)
    if not _SPACE_NAME.match(name) or "--" in name or ".." in name or name.endswith(".git"):
        return (
            f'"{name}" is not a valid Space name: use letters, digits, \'-\', \'_\' and \'.\' (no \'--\' or \'..\'), '
            "starting with a letter or digit, at most 96 characters."
        )
    return None


def _health_path(value, base_path) -> str | None:
    path = str(value)
    if not _URL_PATH.match(path):
        return f'"{path}" is not a URL path: it must start with / and hold no spaces, query or fragment.'
    if not path.rstrip("/"):
        return f'health_path "{path}" would answer in place of the app\'s home page: pick a path such as /healthz.'
    if base_path and path.rstrip("/") == str(base_path).rstrip("/"):
        return (
            f'health_path "{path}" is the page Spaces opens first (base_path): pick another path such as /healthz.'
        )
    return None


def backend_path_problem(value: str, root: Path) -> str | None:
    if re.search(r"[\n\r*?]", value):
        return f'"{value}" is not a folder path.'
    target = (root / value).resolve()
    if target == root or root in target.parents:
        return (
            f'backend_path "{value}" is this Space\'s own folder or inside it: point it at your backend '
            "outside the Space, e.g. ../../backend."
        )
    return None


def backend_files_problem(entries, backend: Path | None, root: Path) -> str | None:
    if not isinstance(entries, list) or not entries or not all(isinstance(e, str) for e in entries):
        return 'backend_files must be a non-empty list of paths, e.g. ["app", "pyproject.toml"].'
    inside = backend is not None and backend in root.parents
    space = root.relative_to(backend).as_posix() if inside else ""
    for entry in entries:
        if _OUTSIDE_OR_ENV.search(entry):
            return f'"{entry}": backend_files must be paths inside the backend folder, never .env files.'
        clean = _clean(entry)
        if clean == ".":
            return (
                f'"{entry}": backend_files must name the files and folders the Space needs, not the whole '
                'backend, e.g. ["app", "pyproject.toml"].'
            )
        if space and (space == clean or space.startswith(clean + "/")):
            return f'"{entry}": backend_files must not hold this Space\'s own folder ({space} of the backend).'
    return None


def problems(answers: dict, root: Path) -> list[str]:
    """What is wrong with these answers, in Copier's words; empty when all is well."""
    found: list[str] = []
    runtime = answers.get("runtime")
    if runtime not in ("python", "node"):
        return [f"runtime {runtime!r} must be python or node."]
    for key in ("space_name", "health_path"):
        if not isinstance(answers.get(key), str):
            found.append(f"{key} is missing.")
    if found:
        return found
    add = lambda problem: problem and found.append(problem)  # noqa: E731
    add(_space_name(answers["space_name"]))
    add(_health_path(answers["health_path"], answers.get("base_path") or ""))
    if runtime == "python" and not _ASGI_APP.match(str(answers.get("asgi_app", ""))):
        add(f'"{answers.get("asgi_app")}" is not an import path like app.main:app (module:attribute).')
    entry = str(answers.get("entry_file", ""))
    if runtime == "node" and (not _ENTRY_FILE.match(entry) or ".." in entry):
        add(f'"{entry}" is not a .ts/.mts/.js/.mjs file path inside the backend.')
    backend_path = str(answers.get("backend_path") or "").strip()
    if backend_path:
        problem = backend_path_problem(backend_path, root)
        add(problem)
        if not problem:
            add(backend_files_problem(answers.get("backend_files"), (root / backend_path).resolve(), root))
    return found
