# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The rules of the Space's settings, checked whenever the tools read space.json (it can be edited by hand).

Each message is the one Copier's validator gives for the answer of the same name (copier/questions/*.yml); the
rules of the card, the choices and the storage are in answer_rules.py and storage_rules.py.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from . import answer_rules, storage_rules
from .answer_rules import RULES

_SPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_APP_DIR = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$")
_ASGI_APP = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_.]*(\(\))?$")
_ENTRY_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*\.(ts|mts|js|mjs)$")
_PRISMA_SCHEMA = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")
_OUTSIDE_OR_ENV = re.compile(r"^/|(^|/)\.\.(/|$)|(^|/)\.env(?!\.example$)")
_VARIABLE_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_VARIABLE_KEYS = {"secret", "required", "default", "help"}
_KIND_NAMES = {int: "a whole number", str: "a string", dict: "an object"}
# Typed settings every consumer reads (the others are checked by the rules below or by Spaces itself).
_TYPES = {"app_port": int, "visibility": str, "hardware": str, "startup_duration_timeout": str, "variables": dict}
# Variables the template's own start-up code can't do without.
_NEEDED_SECRETS = {"python": (), "node": ("BETTER_AUTH_SECRET",)}
_CONTROL = re.compile(RULES["control_characters"])
_URL_PATH = re.compile(RULES["url_path"])
_PRESTART = "prestart must be one line (join commands with &&, or run a script)."


def control_characters(where: str) -> str:
    return f"{where} holds a line break, tab or other control character: write it as one line of plain text."


def _with_control_characters(value, where: str) -> list[str]:
    """Where a text of these settings holds a control character: the setting's name, variables.NAME.help, ..."""
    if isinstance(value, str):
        return [where] if _CONTROL.search(value) else []
    if isinstance(value, list):
        return [where] if any(isinstance(item, str) and _CONTROL.search(item) for item in value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if _CONTROL.search(str(key)):
                found.append(where or "a setting's name")
            else:
                found.extend(_with_control_characters(item, f"{where}.{key}" if where else str(key)))
        return found
    return []


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
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return 'backend_files must be a list of paths, e.g. ["templates", "data/labels.json"].'
    inside = backend is not None and backend in root.parents
    space = root.relative_to(backend).as_posix() if inside else ""
    for entry in entries:
        if _OUTSIDE_OR_ENV.search(entry):
            return (f'"{entry}": backend_files must be paths inside the backend folder, never .env files '
                    "(.env.example may be).")
        clean = _clean(entry)
        if clean == ".":
            return (
                f'"{entry}": backend_files must name the files and folders the Space needs, not the whole '
                'backend, e.g. ["app", "pyproject.toml"].'
            )
        if space and (space == clean or space.startswith(clean + "/")):
            return f'"{entry}": backend_files must not hold this Space\'s own folder ({space} of the backend).'
    return None


def problems(settings: dict, root: Path) -> list[str]:
    """What is wrong with these settings, in the words of Copier's validators; empty when all is well."""
    # First: every text lands on one line of a file or a command, and no message below repeats one that spans lines.
    broken = [_PRESTART if where == "prestart" and re.search(r"[\n\r]", str(settings[where])) else
              control_characters(where) for where in _with_control_characters(settings, "")]
    if broken:
        return broken
    found: list[str] = []
    runtime = settings.get("runtime")
    if runtime not in ("python", "node"):
        return [f"runtime {runtime!r} must be python or node."]
    for key in ("space_name", "health_path"):
        if not isinstance(settings.get(key), str):
            found.append(f"{key} is missing.")
    for key, kind in _TYPES.items():
        if not isinstance(settings.get(key), kind) or isinstance(settings.get(key), bool):
            found.append(f"{key} must be {_KIND_NAMES[kind]}, not {json.dumps(settings.get(key))}.")
    if found:
        return found
    sleep = settings.get("sleep_time", 0)  # absent in Spaces made before it was a setting
    if not isinstance(sleep, int) or isinstance(sleep, bool) or sleep < -1:
        found.append(f"sleep_time must be -1 (never), 0 (the Hub's default) or a number of seconds, not "
                     f"{json.dumps(sleep)}.")
    if not isinstance(settings.get("hf_oauth", False), bool):  # absent in Spaces made before sign-in
        found.append(f"hf_oauth must be true or false, not {json.dumps(settings.get('hf_oauth'))}.")
    elif settings.get("hf_oauth"):
        scopes, minutes = settings.get("hf_oauth_scopes"), settings.get("hf_oauth_expiration_minutes")
        if not isinstance(scopes, list) or not scopes or not all(isinstance(scope, str) and scope for scope in scopes):
            found.append(f"hf_oauth_scopes must be a list like [\"openid\", \"profile\"], not {json.dumps(scopes)}.")
        else:
            found.extend(answer_rules.scopes_problems(scopes, runtime))
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
            found.append(f"hf_oauth_expiration_minutes must be a number of minutes, not {json.dumps(minutes)}.")
    port = settings["app_port"]
    if not 1024 <= port <= 65535:
        found.append(
            f"Port {port} is not usable: the app runs as uid 1000, so pick 1024-65535 (Spaces' default is 7860)."
        )
    found.extend(variables_problems(settings["variables"], runtime))
    found.extend(answer_rules.problems(settings, runtime))
    found.extend(storage_rules.problems(settings, runtime))
    add = lambda problem: problem and found.append(problem)
    add(_space_name(settings["space_name"]))
    add(_health_path(settings["health_path"], settings.get("base_path") or ""))
    if runtime == "python" and not _ASGI_APP.match(str(settings.get("asgi_app", ""))):
        add(f'"{settings.get("asgi_app")}" is not an import path like app.main:app (module:attribute, or '
            "module:create_app() for a factory).")
    app_dir = settings.get("app_dir") or ""  # absent in Spaces made before src/ layouts were served
    if runtime == "python" and app_dir and (not isinstance(app_dir, str) or not _APP_DIR.match(app_dir)
                                            or ".." in app_dir.split("/")):
        add(f'"{app_dir}" is not a folder inside the backend like src (a relative path, no "..").')
    extras = settings.get("extras") or []  # absent in Spaces made before extras were installed
    named = isinstance(extras, list) and all(isinstance(x, str) and re.fullmatch(RULES["extra_name"], x)
                                             for x in extras)
    if runtime == "python" and not named:
        add(f"extras must be a list of the backend's optional extras like [\"postgres\"], not {json.dumps(extras)}.")
    if not isinstance(settings.get("prestart", ""), str):  # a line break in it was refused first
        add(_PRESTART)
    entry = str(settings.get("entry_file", ""))
    if runtime == "node" and (not _ENTRY_FILE.match(entry) or ".." in entry):
        add(f'"{entry}" is not a .ts/.mts/.js/.mjs file path inside the backend.')
    schema = settings.get("prisma_schema") or ""  # absent in Spaces made before Prisma was generated
    if runtime == "node" and schema and (not isinstance(schema, str) or not _PRISMA_SCHEMA.match(schema)
                                         or ".." in schema.split("/")):
        add(f'"{schema}" is not a path inside the backend.')
    backend_path = str(settings.get("backend_path") or "").strip()
    if backend_path:
        problem = backend_path_problem(backend_path, root)
        add(problem)
        if not problem:
            add(backend_files_problem(settings.get("backend_files"), (root / backend_path).resolve(), root))
    return found


def variables_problems(variables: dict, runtime: str) -> list[str]:
    """Each declared variable: an environment name, a mapping of secret/required/default/help, no Secret default."""
    found = []
    for name, spec in variables.items():
        if not _VARIABLE_NAME.match(name):
            found.append(f"{name} is not an environment variable name (use A-Z, 0-9 and _).")
        elif not isinstance(spec, dict) or set(spec) != _VARIABLE_KEYS:
            found.append(f"variables.{name}: give an object with exactly secret, required, default and help.")
        elif not isinstance(spec["secret"], bool) or not isinstance(spec["required"], bool):
            found.append(f"variables.{name}: secret and required must be true or false.")
        elif spec["secret"] and spec["default"] not in ("", None):
            found.append(f"{name} is a secret: it can't have a default (it would be written to .env.example).")
    for name in _NEEDED_SECRETS[runtime]:
        spec = variables.get(name)
        if not (isinstance(spec, dict) and spec.get("secret") is True and spec.get("required") is True):
            found.append(f"variables.{name} must stay a required secret: the start-up code needs it.")
    return found
