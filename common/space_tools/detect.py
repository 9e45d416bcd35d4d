# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Everything the backend's own files say about the Space's answers, and how that differs from space.json.
The answers found agree with each other: a backend on PostgreSQL answers storage=external too."""

from __future__ import annotations

from pathlib import Path

from . import (
    answer_rules,
    backend_reading,
    code_imports,
    detect_hazards,
    detect_node,
    detect_python,
    detect_sign_in,
    detect_variables,
    lock_wheels,
)
from .config import SpaceConfig
from .findings import Findings

_POSTGRES_DRIVERS = {"psycopg", "psycopg-binary", "psycopg2", "psycopg2-binary", "asyncpg", "pg8000"}
_DATABASE_URLS = ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI")


def backend_folder(config: SpaceConfig) -> Path:
    return config.backend_path if config.backend_path is not None else config.code_dir


def _python_packages(backend: Path, python: str) -> list[tuple[str, set[str]]]:
    """(file, the distributions the image installs from it) for the backend's lock (read as the build reads it),
    requirements.txt and pyproject.toml."""
    root, found = backend.resolve(), []
    own = [name for name in ("requirements.txt", "pyproject.toml")
           if (backend / name).is_file() and backend_reading.inside(root, backend / name)]
    lock = detect_python.installed_lock(backend)
    if lock is not None:
        found.append((lock[0].name, set(lock_wheels.verdict(lock[0], python, lock[1]).installed)))
    if "requirements.txt" in own:
        lines = backend_reading.text(backend / "requirements.txt").splitlines()
        found.append(("requirements.txt", {detect_python.distribution(line) for line in lines}))
    project = backend_reading.toml(backend / "pyproject.toml").get("project") if "pyproject.toml" in own else None
    listed = project.get("dependencies") if isinstance(project, dict) else None
    if isinstance(listed, list):
        found.append(("pyproject.toml", {detect_python.distribution(item) for item in listed if isinstance(item, str)}))
    return found


def _python_postgres(backend: Path, variables: list[detect_variables.Variable], python: str) -> str:
    """What says a Python backend keeps its data in PostgreSQL, never the URL itself (it may hold a password); ''."""
    for variable in variables:
        if variable.name in _DATABASE_URLS and variable.default.startswith("postgres"):
            return f"{variable.name}'s default in {variable.source} is a postgres URL"
    example, values = detect_variables.example_values(backend)
    named = next((name for name in _DATABASE_URLS if values.get(name, "").startswith("postgres")), None)
    if named:
        return f"{named} in {example} is a postgres URL"
    for manifest, packages in _python_packages(backend, python):
        if packages & _POSTGRES_DRIVERS:
            return f"{', '.join(sorted(packages & _POSTGRES_DRIVERS))} in {manifest}"
    return ""


def _storage(config: SpaceConfig, backend: Path, findings: Findings, variables: list) -> None:
    """A backend on PostgreSQL keeps its data there: storage=external (Copier refuses database=postgres with a bucket,
    and storage=none would tell the Space it keeps nothing)."""
    if config.settings.get("storage") not in ("none", "bucket"):
        return
    if config.runtime == "node":
        database = findings.get("database")
        kept = answer_rules.RULES["database_servers"].get(database.value) if database is not None else None
        if kept:
            findings.add("storage", "external", f"database {database.value}: the data lives in {kept}, outside the Space")
    elif because := _python_postgres(backend, variables, str(config.settings.get("python_version", "3.13"))):
        # storage=external declares a required DATABASE_URL: only for code that reads it (not POSTGRES_* pieces)
        if any(variable.name == "DATABASE_URL" for variable in variables):
            findings.add("storage", "external", f"the code uses PostgreSQL: {because}")
        else:
            findings.notes.append(f"the code uses PostgreSQL ({because}) but reads no DATABASE_URL, so storage stays "
                                  "as answered: storage=external would declare one it never reads")


def find(config: SpaceConfig) -> tuple[Findings, list[detect_variables.Variable]]:
    backend = backend_folder(config)
    findings = Findings()
    if config.runtime == "python":
        detect_python.find(backend, findings, config.settings)
        workers = str(config.settings["variables"].get("WEB_CONCURRENCY", {}).get("default") or "1")
        findings.warnings += detect_hazards.python(backend, int(workers) if workers.isdigit() else 1)
    else:
        detect_node.find(backend, findings, config.settings)
        port = findings.get("app_port")
        findings.warnings += detect_hazards.node(backend, port.value if port else config.settings.get("app_port"))
    detect_sign_in.find(backend, findings, config.runtime)
    variables = detect_variables.find(backend, config.runtime)
    detect_variables.require_paths_of_the_space(variables, _loaded_files(config, backend, findings))
    _storage(config, backend, findings, variables)
    return findings, variables


def _loaded_files(config: SpaceConfig, backend: Path, findings: Findings) -> set[str]:
    """The backend's files the app loads as it starts: its Python modules' files, or what the Node entry imports."""
    answers = {**config.settings, **findings.answers()}
    if config.runtime == "node":
        entry = str(answers.get("entry_file") or "")
        return set(code_imports.node_imports(backend, entry)) if entry else set()
    app = str(answers.get("asgi_app") or "")
    modules = set(code_imports.python_imports(backend, app, str(answers.get("app_dir") or ""))) if ":" in app else set()
    return {path.relative_to(backend.resolve()).as_posix()
            for path in backend_reading.source_files(backend.resolve(), (".py",))
            if path.relative_to(backend.resolve()).parts[0] in modules}


def changes(config: SpaceConfig, findings: Findings, variables: list[detect_variables.Variable]) -> dict:
    """The answers the backend gives that space.json does not have yet; declared variables are never changed."""
    found = {name: value for name, value in findings.answers().items() if config.settings.get(name) != value}
    declared = config.settings["variables"]
    new = {variable.name: variable.spec() for variable in variables if variable.name not in declared}
    if new:
        found["env_vars"] = new  # merged with the answered ones by the writer
    return found
