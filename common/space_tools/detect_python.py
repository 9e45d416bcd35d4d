# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A Python backend's ASGI app, Python version and dependency manifest, read from its own files."""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

from . import backend_reading, dependency_files, lock_wheels, workspace_lock
from .findings import Findings
from .version_spec import OFFERED, allows, offered_that_satisfy

_ASGI_CLASSES = {"FastAPI", "Starlette", "Quart", "Litestar", "Sanic", "Falcon", "App"}
_CONVENTIONAL = ("app", "application", "api")
_FACTORIES = re.compile(r"^(create_app|make_app|get_app|build_app|get_application|create_application)$")


def _asgi_assignments(tree: ast.Module) -> list[tuple[str, str]]:
    """Module-level `x = FastAPI(...)` (or another ASGI class, or an app factory call): (name, how)."""
    found = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        if not isinstance(value, ast.Call) or not targets or not isinstance(targets[0], ast.Name):
            continue
        func = value.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        name = targets[0].id
        if called in _ASGI_CLASSES or _FACTORIES.match(called) or (name in _CONVENTIONAL and called):
            found.append((name, f"{name} = {called}(...)"))
    return found


def asgi_apps(backend: Path) -> list[tuple[str, str]]:
    """`module:attribute` candidates with their evidence, the likeliest first (a FastAPI `app` near the top)."""
    backend = backend.resolve()
    candidates = []
    for path in backend_reading.source_files(backend, (".py",)):
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        relative = path.relative_to(backend)
        module = ".".join(relative.with_suffix("").parts).removesuffix(".__init__")
        for name, how in _asgi_assignments(tree):
            rank = (name != "app", "FastAPI" not in how and "Starlette" not in how, len(relative.parts))
            candidates.append((rank, f"{module}:{name}", f"{relative.as_posix()}: {how}"))
    return [(app, source) for _, app, source in sorted(candidates, key=lambda c: c[0])]


def requires_python(backend: Path) -> list[tuple[str, str]]:
    """(file, spec) for each requires-python the backend states."""
    found = []
    project = backend_reading.toml(backend / "pyproject.toml").get("project", {}).get("requires-python")
    if project:
        found.append(("pyproject.toml", project))
    locked = backend_reading.toml(backend / "uv.lock").get("requires-python")
    if locked:
        found.append(("uv.lock", locked))
    return found


def _python_version(backend: Path, findings: Findings, current: str) -> None:
    """.python-version's pin, else requires-python (the answer kept when it fits); and the lock must have
    wheels or sources for it (uv.lock read as the image's build would)."""
    pinned = backend_reading.first_line(backend, ".python-version")
    match = re.search(r"(\d+)\.(\d+)", pinned)
    specs = requires_python(backend)
    fits = offered_that_satisfy([spec for _, spec in specs])
    installable = [python for python in fits if not lock_wheels.verdict(backend / "uv.lock", python).impossible]
    if match:
        minor = f"{match[1]}.{match[2]}"
        conflicts = [f"{spec} ({source})" for source, spec in specs if not allows(spec, minor)]
        if minor in installable:
            return findings.add("python_version", minor, f".python-version: {pinned}")
        why = (f"requires-python {conflicts[0]} excludes it" if conflicts else
               f"the template offers {', '.join(OFFERED)}" if minor not in OFFERED else "uv.lock has no wheel for it")
        findings.notes.append(f".python-version asks for {pinned}, but {why}")
    if not specs and installable == list(OFFERED):
        return
    shown = ", ".join(f"{spec} ({source})" for source, spec in specs) or "uv.lock"
    source = f"requires-python {shown}" if specs else "uv.lock's wheels"
    if current in installable:
        return findings.add("python_version", current, source)
    if installable:
        return findings.add("python_version", installable[-1], f"{source}: the newest offered that fits")
    findings.add("python_version", None, source,
                 f"none of the template's Pythons ({', '.join(OFFERED)}) satisfies it: widen requires-python"
                 if not fits else "uv.lock has packages with no wheel or source for any offered Python")


LOCKS = dependency_files.PYTHON_LOCKS  # installed exactly, in the order the image's build prefers them


def manifest(backend: Path) -> str:
    """Which of the backend's files pins its dependencies, in words the summary and `check` print."""
    lock = next((name for name in LOCKS if (backend / name).is_file()), None)
    if lock:
        return f"{lock} ({LOCKS[lock]})"
    root = workspace_lock.needs_export(backend)
    if root is not None:
        return f"uv workspace member: its pins in {root / 'uv.lock'}, exported by sync to {workspace_lock.EXPORT_FILE}"
    if (backend / "requirements.txt").is_file():
        return "requirements.txt (no lock: versions may drift between builds)"
    return "pyproject.toml without a lock" if (backend / "pyproject.toml").is_file() else "none"


def _alembic_folder(backend: Path) -> str | None:
    """The migrations folder alembic.ini names (script_location), relative to the backend."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(backend_reading.text(backend / "alembic.ini"))
        location = parser.get("alembic", "script_location", fallback="alembic")
    except configparser.Error:
        return None
    location = location.replace("%(here)s/", "").strip().rstrip("/")
    return location if location and ".." not in location and not location.startswith("/") else None


def _prestart(backend: Path, findings: Findings, settings: dict) -> None:
    """A prestart script, or Alembic's migrations: the command and the files it needs that no import brings."""
    needs: list[str] = []
    if (backend / "alembic.ini").is_file() and (folder := _alembic_folder(backend)):
        command, source, needs = "alembic upgrade head", "alembic.ini", ["alembic.ini", folder]
    else:
        command = source = ""
    for script in ("prestart.sh", "scripts/prestart.sh"):
        if (backend / script).is_file() and backend_reading.inside(backend.resolve(), backend / script):
            command, source, needs = f"sh {script}", script, [script, *needs]
            break
    if not command:
        return
    findings.add("prestart", command, source)
    findings.need_files(settings, needs, source)


def find(backend: Path, findings: Findings, settings: dict) -> None:
    apps = asgi_apps(backend)
    if apps:
        findings.add("asgi_app", apps[0][0], apps[0][1])
        if len(apps) > 1:
            findings.notes.append("other ASGI apps: " + ", ".join(app for app, _ in apps[1:4]))
    else:
        findings.add("asgi_app", None, "no module-level FastAPI(), Starlette() or app = ...() in the backend",
                     "answer asgi_app with `copier update --defaults --data asgi_app=package.module:app`")
    _python_version(backend, findings, str(settings.get("python_version", "")))
    _prestart(backend, findings, settings)
    findings.notes.append(f"dependencies: {manifest(backend)}")
