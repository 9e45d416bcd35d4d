# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The environment variables a backend's code reads, with secret and required guessed from name and default:
Python's os.environ/os.getenv and pydantic-settings classes, Node's process.env, and a .env.example it has."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from . import backend_reading, dotenv_files, template_variables
from .errors import SpaceError

# Names that hold credentials; shown as a guess the user confirms.
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|(^|_)KEY$|CREDENTIAL|(^|_)DSN$|DATABASE_URL|_URI$")
_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


@dataclass
class Variable:
    name: str
    secret: bool
    required: bool
    default: str
    source: str  # where the code reads it

    def spec(self) -> dict:
        return {"secret": self.secret, "required": self.required, "default": "" if self.secret else self.default,
                "help": f"Read in {self.source}."}


def _variable(name: str, default, source: str, secret_type: bool = False) -> Variable | None:
    if not _NAME.match(name):
        return None
    text = "" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
    secret = secret_type or bool(_SECRET_NAME.search(name))
    return Variable(name, secret, default is None, text, source)


def _constant(node) -> object:
    """The default's literal value; "" for a computed one (optional, nothing to show); None for none (required)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
        return node.value
    return "" if node is not None else None


def _env_call(node: ast.Call) -> tuple[str, object] | None:
    """os.getenv("X"[, d]), os.environ.get("X"[, d]), getenv(...), environ.get(...): (name, default)."""
    func = node.func
    dotted = ast.unparse(func) if isinstance(func, (ast.Attribute, ast.Name)) else ""
    if dotted not in ("os.getenv", "getenv", "os.environ.get", "environ.get") or not node.args:
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
    return first.value, _constant(default) if default is not None else ""


def _settings_prefix(cls: ast.ClassDef) -> str:
    for node in ast.walk(cls):
        if isinstance(node, ast.keyword) and node.arg == "env_prefix" and isinstance(node.value, ast.Constant):
            return str(node.value.value)
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "env_prefix" for t in node.targets):
            return str(getattr(node.value, "value", ""))
    return ""


def _settings_fields(cls: ast.ClassDef, relative: str) -> list[Variable]:
    """pydantic-settings: each annotated field is read from PREFIX + NAME (case-insensitive), required without a default."""
    prefix, found = _settings_prefix(cls).upper(), []
    for node in cls.body:
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)) or node.target.id == "model_config":
            continue
        value, name = node.value, prefix + node.target.id.upper()
        if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("Field"):
            alias = next((k.value for k in value.keywords if k.arg in ("alias", "validation_alias")), None)
            if isinstance(alias, ast.Constant) and isinstance(alias.value, str):
                name = alias.value.upper()
            default = value.args[0] if value.args else next(
                (k.value for k in value.keywords if k.arg in ("default", "default_factory")), None)
            value = None if isinstance(default, ast.Constant) and default.value is Ellipsis else default
        secret_type = "Secret" in ast.unparse(node.annotation)
        variable = _variable(name, _constant(value), f"{relative} ({cls.name})", secret_type)
        if variable:
            found.append(variable)
    return found


def _python_file(path: Path, relative: str) -> list[Variable]:
    try:
        tree = ast.parse(backend_reading.text(path))
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(ast.unparse(b).endswith("BaseSettings") for b in node.bases):
            found += _settings_fields(node, relative)
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(node.ctx, ast.Load):
                found.append(_variable(key.value, None, relative))
        elif isinstance(node, ast.Call) and (call := _env_call(node)):
            found.append(_variable(call[0], call[1], relative))
    return [variable for variable in found if variable]


# process.env.X, process.env["X"], with `?? "d"` or `|| "d"` after it; and `const { A, B = "d" } = process.env`.
_JS_READ = re.compile(
    r"""process\.env(?:\.(?P<dot>[A-Z_][A-Z0-9_]*)|\[\s*["'](?P<key>[A-Z_][A-Z0-9_]*)["']\s*\])"""
    r"""(?:\s*(?:\?\?|\|\|)\s*(?P<default>"[^"\n]*"|'[^'\n]*'|`[^`$\n]*`|\d+|true|false))?"""
)
_JS_DESTRUCTURE = re.compile(r"""\{(?P<names>[^{}]*)\}\s*=\s*process\.env\b""")


def _js_file(path: Path, relative: str) -> list[Variable]:
    source = backend_reading.text(path)
    found = []
    for match in _JS_READ.finditer(source):
        default = match["default"]
        value = default.strip("\"'`") if default else None
        found.append(_variable(match["dot"] or match["key"], value, relative))
    for match in _JS_DESTRUCTURE.finditer(source):
        for part in match["names"].split(","):
            name, _, default = (piece.strip() for piece in part.partition("="))
            found.append(_variable(name.split(":")[0].strip(), default.strip("\"'`") if default else None, relative))
    return [variable for variable in found if variable]


def _example_file(backend: Path) -> list[Variable]:
    """The backend's own .env.example (names only: its values are examples, not defaults)."""
    path = backend / ".env.example"
    if not (path.is_file() and backend_reading.inside(backend.resolve(), path)):
        return []
    try:
        names = dotenv_files.read_env_file(path)
    except SpaceError:
        return []  # a line python-dotenv can't read: the code's own reads still count
    variables = (_variable(name, "", ".env.example") for name in names)
    return [variable for variable in variables if variable]


def find(backend: Path, runtime: str) -> list[Variable]:
    """Each variable once, in the order the code first reads it; a read without a default makes it required."""
    backend = backend.resolve()
    reader = _python_file if runtime == "python" else _js_file
    merged: dict[str, Variable] = {}
    for path in backend_reading.source_files(backend, backend_reading.CODE_SUFFIXES[runtime]):
        for variable in reader(path, path.relative_to(backend).as_posix()):
            if template_variables.not_the_apps(variable.name, runtime):
                continue
            known = merged.setdefault(variable.name, variable)
            if known is not variable:
                known.required = known.required and variable.required
                known.default = known.default or variable.default
    for variable in _example_file(backend):
        if not template_variables.not_the_apps(variable.name, runtime):
            merged.setdefault(variable.name, variable)
    return list(merged.values())
