# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Everything the backend's own files say about the Space's answers, and how that differs from space.json."""

from __future__ import annotations

from pathlib import Path

from . import detect_hazards, detect_node, detect_python, detect_sign_in, detect_variables
from .config import SpaceConfig
from .findings import Findings


def backend_folder(config: SpaceConfig) -> Path:
    return config.backend_path if config.backend_path is not None else config.code_dir


def find(config: SpaceConfig) -> tuple[Findings, list[detect_variables.Variable]]:
    backend = backend_folder(config)
    findings = Findings()
    if config.runtime == "python":
        detect_python.find(backend, findings, config.settings)
        workers = str(config.settings["variables"].get("WEB_CONCURRENCY", {}).get("default") or "1")
        findings.warnings += detect_hazards.python(backend, int(workers) if workers.isdigit() else 1)
    else:
        detect_node.find(backend, findings, config.settings)
        findings.warnings += detect_hazards.node(backend)
    detect_sign_in.find(backend, findings, config.runtime)
    return findings, detect_variables.find(backend, config.runtime)


def changes(config: SpaceConfig, findings: Findings, variables: list[detect_variables.Variable]) -> dict:
    """The answers the backend gives that space.json does not have yet; declared variables are never changed."""
    found = {name: value for name, value in findings.answers().items() if config.settings.get(name) != value}
    declared = config.settings["variables"]
    new = {variable.name: variable.spec() for variable in variables if variable.name not in declared}
    if new:
        found["env_vars"] = new  # merged with the answered ones by the writer
    return found
