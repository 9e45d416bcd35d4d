# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What a backend folder must hold before it becomes a Space, checked before anything is written."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .config import SpaceConfig
from .errors import SpaceError
from .version_spec import OFFERED, allows, offered_that_satisfy

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the TOML reader arrived in 3.11
    tomllib = None


def check_backend(config: SpaceConfig, folder: Path) -> list[str]:
    """Raise SpaceError naming what is missing; return notes worth printing."""
    if not folder.is_dir():
        raise SpaceError(f"the backend folder {folder} does not exist.")
    if config.runtime == "python":
        return _check_python(config, folder)
    return _check_node(config, folder)


def _fix_answer(name: str, example: str) -> str:
    return f"fix the backend, or the answer with `copier update --defaults --data {name}={example}`"


def _check_python(config: SpaceConfig, folder: Path) -> list[str]:
    notes: list[str] = []
    pyproject, lock, requirements = (folder / name for name in ("pyproject.toml", "uv.lock", "requirements.txt"))
    if not pyproject.is_file() and not requirements.is_file():
        raise SpaceError(
            f"{folder} has neither pyproject.toml nor requirements.txt: the image installs the dependencies "
            "from the backend's own manifest; add one."
        )
    if lock.is_file() and not pyproject.is_file():
        raise SpaceError(f"{folder} has uv.lock but no pyproject.toml; uv needs both (run `uv lock` in the backend).")
    module, _, _ = config.settings["asgi_app"].partition(":")
    module_path = folder.joinpath(*module.split("."))
    if not module_path.with_suffix(".py").is_file() and not (module_path / "__init__.py").is_file():
        found = detect_asgi_apps(folder)
        example = found[0] if found else "package.module:app"
        hint = f" Found {', '.join(found)} in the backend." if found else ""
        raise SpaceError(
            f"asgi_app {config.settings['asgi_app']!r} points at {module_path.relative_to(folder)}.py, which is not "
            f"in {folder};{hint} {_fix_answer('asgi_app', example)}."
        )
    manifests = " ".join(path.read_text() for path in (pyproject, lock, requirements) if path.is_file())
    if not re.search(r"(?i)\buvicorn\b|fastapi\[[^\]]*standard", manifests):
        raise SpaceError("uvicorn is not among the backend's dependencies; the image serves the app with it: `uv add uvicorn`.")
    python = str(config.settings.get("python_version", ""))
    wanted = _requires_python(pyproject, lock)
    for source, spec in wanted:
        if not allows(spec, python):
            fits = offered_that_satisfy([spec for _, spec in wanted])
            fix = (_fix_answer("python_version", fits[-1]) if fits else
                   f"none of the template's Pythons ({', '.join(OFFERED)}) does: widen requires-python")
            raise SpaceError(f"python_version {python} does not satisfy requires-python {spec!r} of {source}; {fix}.")
    if lock.is_file():
        notes.append("dependencies: uv.lock (uv sync --locked)")
    elif requirements.is_file():
        notes.append("dependencies: requirements.txt (no lock: versions may drift between builds)")
    else:
        notes.append("dependencies: pyproject.toml (no lock: run `uv lock` in the backend to pin them)")
    return notes


# Module-level `x = FastAPI(...)` (or Starlette, Quart, Litestar), or `app = create_app()`: how ASGI apps are made.
_ASGI_ASSIGNMENT = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=]+)?=\s*(?:fastapi\.)?(?:FastAPI|Starlette|Quart|Litestar)\("
    r"|^(?P<conventional>app|application|api)\s*=\s*[A-Za-z_][\w.]*\(",
    re.M,
)
_SKIPPED_DIRS = {".venv", "venv", "node_modules", "__pycache__", "tests", ".git"}


def detect_asgi_apps(folder: Path) -> list[str]:
    """`module:attribute` candidates for asgi_app, found by reading the backend's Python files."""
    found: list[str] = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(folder)
        if _SKIPPED_DIRS & set(relative.parts) or len(relative.parts) > 4:
            continue
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        text = path.read_text(errors="ignore")
        found += [f"{module}:{m['name'] or m['conventional']}" for m in _ASGI_ASSIGNMENT.finditer(text)]
    return found


def _requires_python(pyproject: Path, lock: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in (pyproject, lock):
        if not path.is_file():
            continue
        text = path.read_text()
        if tomllib is not None:
            data = tomllib.loads(text)
            spec = data.get("project", {}).get("requires-python") if path.name == "pyproject.toml" else data.get("requires-python")
        else:
            match = re.search(r'^requires-python\s*=\s*"([^"]+)"', text, re.MULTILINE)
            spec = match.group(1) if match else None
        if spec:
            found.append((path.name, spec))
    return found


def _check_node(config: SpaceConfig, folder: Path) -> list[str]:
    package = folder / "package.json"
    if not package.is_file():
        raise SpaceError(f"{folder} has no package.json: the image installs the dependencies from it.")
    try:
        manifest = json.loads(package.read_text())
    except ValueError as error:
        raise SpaceError(f"{package} is not valid JSON: {error}.") from None
    entry = config.settings.get("entry_file", "")
    if not (folder / entry).is_file():
        raise SpaceError(f"entry_file {entry!r} is not in {folder}; {_fix_answer('entry_file', 'server.ts')}.")
    if "better-auth" not in (manifest.get("dependencies") or {}):
        where = "is only in devDependencies" if "better-auth" in (manifest.get("devDependencies") or {}) else "is not"
        raise SpaceError(
            f"better-auth {where} among the dependencies in {package}; the image installs only `dependencies` "
            "and the Space's start-up imports better-auth: run `npm install --save-prod better-auth` in the backend."
        )
    lock = folder / "package-lock.json"
    if not lock.is_file():
        others = [name for name in ("yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb") if (folder / name).is_file()]
        instead = f" (it has {others[0]}, which npm does not read)" if others else ""
        raise SpaceError(
            f"{folder} has no package-lock.json{instead}, so `npm ci` can't install exactly what you tested: "
            "run `npm install --package-lock-only` in the backend and commit the lock file."
        )
    _check_lock_matches(manifest, lock)
    return ["dependencies: package-lock.json (npm ci)"]


def _check_lock_matches(manifest: dict, lock: Path) -> None:
    """The lock's own copy of package.json's dependency lists: npm ci refuses a lock that differs."""
    try:
        packages = json.loads(lock.read_text()).get("packages")
    except ValueError as error:
        raise SpaceError(f"{lock} is not valid JSON: {error}.") from None
    if not isinstance(packages, dict) or "" not in packages:
        return  # lockfileVersion 1 (npm 6) keeps no copy; npm ci itself judges it
    root = packages[""]
    for kind in ("dependencies", "devDependencies", "optionalDependencies"):
        wanted, locked = manifest.get(kind) or {}, root.get(kind) or {}
        changed = sorted(name for name in set(wanted) | set(locked) if wanted.get(name) != locked.get(name))
        if changed:
            raise SpaceError(
                f"{lock} is out of date with package.json ({kind} differ: {', '.join(changed)}), so `npm ci` would "
                "refuse it: run `npm install` in the backend and commit the lock file."
            )
