# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The environment variables a backend's code reads, with secret and required guessed from name and default:
Python's os.environ/os.getenv, Starlette's and python-decouple's `config(...)`, pydantic settings classes (v1 and
v2), Node's process.env and zod schemas of it, and the backend's own example dotenv file (.env.example), whose values become the
defaults of what the code reads without one (never a Secret's, never a placeholder)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from . import (
    alembic_config,
    backend_reading,
    detect_hazards,
    dotenv_files,
    env_schemas,
    placeholder_secrets,
    template_variables,
)
from .errors import SpaceError
from .secret_looks import number_or_switch, secret_name

_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_EXAMPLE_FILES = (".env.example", ".env.sample", ".env.template", "example.env")  # the first one the backend has


@dataclass
class Variable:
    name: str
    secret: bool
    required: bool
    default: str
    source: str  # where the code reads it
    presence: bool = False  # the code branches on whether it is set at all: a default would change that
    outside: str = ""  # the code's own default, a path in a folder the Space's image lacks: why it is required

    def spec(self) -> dict:
        why = (f" Its default in the code, {self.outside}, is in a folder the Space's image does not have: set a path "
               "in /tmp, or under /data with storage=bucket.") if self.outside else ""
        return {"secret": self.secret, "required": self.required, "default": "" if self.secret else self.default,
                "help": f"Read in {self.source}.{why}"}


def _variable(name: str, default, source: str, secret_type: bool | None = None) -> Variable | None:
    """`secret_type`: the code's type says secret (SecretStr, cast=Secret) or not (a number); None: the name says."""
    if not _NAME.match(name):
        return None
    text = "" if default is None else str(default).lower() if isinstance(default, bool) else str(default)
    number = isinstance(default, (int, float)) or number_or_switch(text)  # a number (or a switch) is never a secret
    if secret_type is None:
        secret_type = not number and secret_name(name)
    return Variable(name, secret_type, default is None, text, source)


def _type_says_secret(annotation: str) -> bool | None:
    """SecretStr or Secret: a secret; int, float or bool (Optional or not): not one; anything else: the name decides."""
    if "Secret" in annotation:
        return True
    bare = re.sub(r"^Optional\[(.*)\]$|\s*\|\s*None$", r"\1", annotation.strip())
    return False if bare in ("int", "float", "bool") else None


def _constant(node) -> object:
    """The default's literal value; "" for a computed one (optional, nothing to show); None for none (required)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)):
        return node.value
    return "" if node is not None else None


_ENV_READS = ("os.getenv", "getenv", "os.environ.get", "environ.get")


def _env_call(node: ast.Call) -> tuple[str, object, None] | None:
    """os.getenv("X"[, d]), os.environ.get("X"[, d]), getenv(...), environ.get(...): (name, default, None)."""
    func = node.func
    dotted = ast.unparse(func) if isinstance(func, (ast.Attribute, ast.Name)) else ""
    if dotted not in _ENV_READS or not node.args:
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    default = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "default"), None)
    return first.value, _constant(default) if default is not None else "", None


def _env_helpers(trees: list[ast.Module]) -> dict[str, tuple[int, int | None, str, bool]]:
    """The backend's own helpers that read the variable an argument names (`def get_env(key, cast, default=None):
    value = os.getenv(key)`), also through another such helper (litestar-fullstack's `get_env(key, default)` returns
    `lambda: get_config_val(key=key, default=default)`): name -> (the key's position, the default's position and
    name, a missing one raises)."""
    found: dict[str, tuple[int, int | None, str, bool]] = {}
    keys: dict[str, str] = {}  # helper -> its key parameter's name, for a call that passes it by keyword
    functions = [node for tree in trees for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for _ in range(3):  # a helper of a helper of a helper at most
        grew = False
        for node in (node for node in functions if node.name not in found):
            params = [arg.arg for arg in node.args.posonlyargs + node.args.args]
            params = params[1:] if params[:1] in (["self"], ["cls"]) else params
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and ast.unparse(inner.func) in _ENV_READS and inner.args:
                    key, raises = inner.args[0], False
                elif isinstance(inner, ast.Subscript) and ast.unparse(inner.value) in ("os.environ", "environ"):
                    key, raises = inner.slice, True
                elif isinstance(inner, ast.Call) and (called := ast.unparse(inner.func).rpartition(".")[2]) in found:
                    at = found[called][0]
                    key = inner.args[at] if len(inner.args) > at else next(
                        (k.value for k in inner.keywords if k.arg == keys[called]), None)
                    raises = found[called][3]
                else:
                    continue
                if isinstance(key, ast.Name) and key.id in params:
                    default = next((at for at, name in enumerate(params) if "default" in name.lower()), None)
                    found[node.name] = (params.index(key.id), default, params[default] if default is not None else "",
                                        raises)
                    keys[node.name], grew = key.id, True
                    break
        if not grew:
            break
    return found


def _helper_call(node: ast.Call, helpers: dict[str, tuple[int, int | None, str, bool]]) -> tuple[str, object] | None:
    """get_env("X", int, 5) through one of the backend's helpers: (name, default)."""
    helper = helpers.get(ast.unparse(node.func).rpartition(".")[2])
    if helper is None:
        return None
    key_at, default_at, default_name, raises = helper
    key = node.args[key_at] if len(node.args) > key_at else None
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    default = (node.args[default_at] if default_at is not None and len(node.args) > default_at else
               next((k.value for k in node.keywords if default_name and k.arg == default_name), None))
    value = _constant(default) if default is not None else None if raises else ""
    return key.value, "" if isinstance(value, bool) else value  # the helper parses its own: "false" may not be False


def _settings_prefix(cls: ast.ClassDef, constants: dict[str, str]) -> str:
    """The class's env_prefix: a string, or a module-level constant holding one (`env_prefix = ENV_PREFIX`)."""
    for node in ast.walk(cls):
        value = (node.value if isinstance(node, ast.keyword) and node.arg == "env_prefix" else
                 node.value if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "env_prefix"
                                                                    for t in node.targets) else None)
        if isinstance(value, ast.Constant):
            return str(value.value)
        if isinstance(value, ast.Name):
            return constants.get(value.id, "")
    return ""


def _module_constants(trees: list[ast.Module]) -> dict[str, str]:
    """Module-level `NAME = "string"` across the backend, where every module that binds NAME binds the same string."""
    seen: dict[str, set[str]] = {}
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.Assign) and isinstance(getattr(node.value, "value", None), str):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        seen.setdefault(target.id, set()).add(node.value.value)
    return {name: values.pop() for name, values in seen.items() if len(values) == 1}


def _settings_fields(cls: ast.ClassDef, relative: str, pydantic_v1: bool, prefix: str) -> list[Variable]:
    """pydantic settings: each annotated field is read from PREFIX + NAME (case-insensitive), or the name its Field's
    alias (v2) or env (v1) gives; required without a default or with `...`."""
    prefix, found = prefix.upper(), []
    for node in cls.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        if node.target.id == "model_config":
            continue
        value, name, annotation = node.value, prefix + node.target.id.upper(), ast.unparse(node.annotation)
        if isinstance(value, ast.Call) and ast.unparse(value.func).endswith("Field"):
            alias = next((k.value for k in value.keywords if k.arg in ("alias", "validation_alias", "env")), None)
            alias = alias.elts[0] if isinstance(alias, (ast.List, ast.Tuple)) and alias.elts else alias  # v1 env=[...]
            if isinstance(alias, ast.Constant) and isinstance(alias.value, str):
                name = alias.value.upper()
            value = value.args[0] if value.args else next(
                (k.value for k in value.keywords if k.arg in ("default", "default_factory")), None)
        if isinstance(value, ast.Call) and value.args and isinstance(value.args[0], ast.Constant) \
                and str(value.args[0].value).upper() == name:
            continue  # `SECRET_KEY: str = config("SECRET_KEY")`: the call reads it, and decides if it is required
        if isinstance(value, ast.Constant) and value.value is Ellipsis:
            value = None
        if value is None and pydantic_v1 and re.match(r"^Optional\[|.*\|\s*None$", annotation):
            value = ast.Constant(None)  # pydantic v1 gives an Optional field None by default
        variable = _variable(name, _constant(value), f"{relative} ({cls.name})", _type_says_secret(annotation))
        if variable:
            found.append(variable)
    return found


# pydantic-settings' own sources: a settings class whose settings_customise_sources (v1: customise_sources) returns
# another has a source of its own (plugin.toml files, a vault), which may give what the environment does not.
_STANDARD_SOURCES = {"init_settings", "env_settings", "dotenv_settings", "file_secret_settings"}


def _own_source(cls: ast.ClassDef) -> bool:
    for function in ast.walk(cls):
        if isinstance(function, ast.FunctionDef) and function.name in ("settings_customise_sources",
                                                                        "customise_sources"):
            for node in ast.walk(function):
                if isinstance(node, ast.Return) and node.value is not None:
                    elements = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
                    if any(ast.unparse(element) not in _STANDARD_SOURCES for element in elements):
                        return True
    return False


# Config readers called as reader("X", ...): where each module puts default and cast among the positional arguments
# (Starlette's Config(key, cast, default); python-decouple's config, AutoConfig and Config (key, default, cast)).
_READER_MODULES = {"starlette.config": (2, 1), "decouple": (1, 2)}


def _config_readers(tree: ast.Module) -> dict[str, tuple[int, int]]:
    """The names this module reads variables through: decouple's `config`, or what `Config(...)`/`AutoConfig(...)`
    made (`config = Config(".env")`), each with its (default, cast) positions."""
    classes, readers = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _READER_MODULES:
            for alias in node.names:
                into = readers if alias.name == "config" else classes if alias.name in ("Config", "AutoConfig") else {}
                into[alias.asname or alias.name] = _READER_MODULES[node.module]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in _READER_MODULES:
                    module, positions = alias.asname or alias.name, _READER_MODULES[alias.name]
                    readers[f"{module}.config"] = positions
                    classes.update({f"{module}.Config": positions, f"{module}.AutoConfig": positions})
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
            made = classes.get(ast.unparse(node.value.func))
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            readers.update({target.id: made for target in targets if made and isinstance(target, ast.Name)})
    return readers


def _config_call(node: ast.Call, readers: dict[str, tuple[int, int]]) -> tuple[str, object, bool | None] | None:
    """config("X", cast=..., default=...) or config.get(...) through a reader: (name, default, secret by its cast)."""
    called = ast.unparse(node.func)
    positions = readers.get(called) or readers.get(called.removesuffix(".get") if called.endswith(".get") else "")
    first = node.args[0] if node.args else None
    if not positions or not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None

    def argument(position: int, keyword: str):
        given = next((k.value for k in node.keywords if k.arg == keyword), None)
        return given if given is not None else node.args[position] if len(node.args) > position else None

    default, cast = argument(positions[0], "default"), argument(positions[1], "cast")
    secret_type = _type_says_secret(ast.unparse(cast)) if cast is not None else None
    return first.value, None if default is None else _constant(default), secret_type


def _parsed(path: Path) -> ast.Module | None:
    try:
        return ast.parse(backend_reading.text(path))
    except (SyntaxError, ValueError):
        return None


def _settings_classes(trees: list[ast.Module]) -> dict[str, bool]:
    """Every pydantic settings class by name, whether pydantic v1's: BaseSettings' subclasses, and theirs across
    modules (`class AppSettings(BaseAppSettings)` where BaseAppSettings is one)."""
    found: dict[str, bool] = {}
    classes = [(node, tree) for tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    while True:
        before = len(found)
        for node, tree in classes:
            bases = [ast.unparse(base).rpartition(".")[2] for base in node.bases]
            if node.name in found:
                continue
            if "BaseSettings" in bases:
                found[node.name] = any(
                    isinstance(item, ast.ImportFrom) and item.module in ("pydantic", "pydantic.v1")
                    and any(alias.name == "BaseSettings" for alias in item.names) for item in tree.body)
            elif known := [found[base] for base in bases if base in found]:
                found[node.name] = known[0]
        if len(found) == before:
            return found


def _in_branches(tree: ast.Module) -> set[int]:
    """The nodes inside a branch that some runs never take (an if's or a match's, a conditional expression's, an
    except handler's): a read there (opengpts' Azure settings, read only when Azure is chosen) needs no value."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        branches: list = (node.body + node.orelse if isinstance(node, ast.If) else
                          [node.body, node.orelse] if isinstance(node, ast.IfExp) else
                          node.body if isinstance(node, ast.ExceptHandler) else
                          [stmt for case in node.cases for stmt in case.body] if isinstance(node, ast.Match) else [])
        for branch in branches:
            inside.update(id(child) for child in ast.walk(branch))
    return inside


def _mapping_keys(tree: ast.Module) -> dict[str, set[str]]:
    """The keys of each dict the module builds by name from string keys (`kwargs = {"a": 1}`, `kwargs["b"] = 2`)."""
    keys: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if isinstance(target, ast.Name) and isinstance(value, ast.Dict) and all(
                    isinstance(key, ast.Constant) and isinstance(key.value, str) for key in value.keys):
                keys.setdefault(target.id, set()).update(key.value for key in value.keys)
            elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                    isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
                keys.setdefault(target.value.id, set()).add(target.slice.value)
    return keys


def _settings_of_the_module(tree: ast.Module, settings: dict[str, bool], constants: dict[str, str],
                            branches: set[int]) -> dict[str, tuple[str, bool, set[str]]]:
    """Each settings class of the module: (its env_prefix, its own or inherited from a base class of the module;
    whether only branches make it, or a subclass of it: then none of its fields needs a value; the fields every call
    that makes it passes, upper-cased, "**" for a mapping: those need no value either)."""
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and node.name in settings}
    bases = {name: [ast.unparse(base).rpartition(".")[2] for base in node.bases] for name, node in classes.items()}

    def prefix(name: str, seen: frozenset = frozenset()) -> str:
        own = _settings_prefix(classes[name], constants)
        inherited = (prefix(base, seen | {name}) for base in bases[name] if base in classes and base not in seen)
        return own or next((found for found in inherited if found), "")

    def family(name: str) -> set[str]:  # the class and its subclasses in the module
        below = {sub for sub, of in bases.items() if name in of}
        return {name}.union(*(family(sub) for sub in below - {name}))

    made = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    mappings = _mapping_keys(tree)

    def passed(call: ast.Call) -> set[str]:  # `**kwargs` of a mapping the module spells out gives its keys
        keys = set()
        for keyword in call.keywords:
            spread = ast.unparse(keyword.value) if keyword.arg is None else ""
            keys |= {keyword.arg} if keyword.arg else mappings.get(spread, {"**"})
        return {key.upper() for key in keys}

    found = {}
    for name in classes:
        calls = [call for call in made if call.func.id in family(name)]
        given = set.intersection(*(passed(call) for call in calls)) if calls else set()
        found[name] = (prefix(name), bool(calls) and all(id(call) in branches for call in calls), given)
    return found


def _python_tree(tree: ast.Module, relative: str, settings: dict[str, bool],
                 helpers: dict[str, tuple[int, int | None, str, bool]], constants: dict[str, str]) -> list[Variable]:
    found, readers, branches = [], _config_readers(tree), _in_branches(tree)
    classes = _settings_of_the_module(tree, settings, constants, branches)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name in settings:
            prefix, only_in_branches, given = classes[node.name]
            fields = _settings_fields(node, relative, settings[node.name], prefix)
            own_source = _own_source(node)
            for field in fields:
                field.required = field.required and not only_in_branches and not own_source and "**" not in given \
                    and field.name.removeprefix(prefix.upper()) not in given
            found += fields
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and isinstance(node.ctx, ast.Load):
                found.append(_variable(key.value, "" if id(node) in branches else None, relative))
        elif isinstance(node, ast.Call) and (call := _env_call(node) or _config_call(node, readers)):
            found.append(_variable(call[0], call[1], relative, call[2]))
        elif isinstance(node, ast.Call) and (call := _helper_call(node, helpers)):
            found.append(_variable(call[0], call[1], relative))
    for name in _asked(tree):
        if asked := _variable(name, None, relative):
            asked.required, asked.presence = False, True
            found.append(asked)
    return [variable for variable in found if variable]


def _asked(tree: ast.Module) -> set[str]:
    """Variables the code asks whether they are set before it reads them (letta's `if os.environ.get("X"):`, `if "X"
    in os.environ:`): their reads are guarded, so none is required."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str) \
                and isinstance(node.ops[0], ast.In) and ast.unparse(node.comparators[0]) in ("os.environ", "environ"):
            names.add(node.left.value)
        elif isinstance(node, (ast.If, ast.IfExp, ast.While)):
            tests = [node.test]
            while tests:
                test = tests.pop()
                if isinstance(test, ast.BoolOp):
                    tests += test.values
                elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                    tests.append(test.operand)
                elif isinstance(test, ast.Call) and (call := _env_call(test)):
                    names.add(call[0])
    return names


# process.env.X, process.env["X"] (or Bun.env's), with `?? "d"` or `|| "d"` after it, or after the call or group it
# ends (`Number(process.env.X) || 5432`; `|| undefined`: optional, no default); and `const { A, B = "d" } = process.env`.
_JS_READ = re.compile(
    backend_reading.JS_ENV + r"""(?:\.(?P<dot>[A-Z_][A-Z0-9_]*)|\[\s*["'](?P<key>[A-Z_][A-Z0-9_]*)["']\s*\])"""
    r"""(?P<chain>(?:\?\.\w+\(\s*\))*)"""  # `process.env.X?.trim() || ""`: the default still applies
    r"""(?:\s*\)?\s*(?:\?\?|\|\|)\s*(?P<default>"[^"\n]*"|'[^'\n]*'|`[^`$\n]*`|\d+|true|false|undefined\b|null\b))?"""
)
_JS_DESTRUCTURE = re.compile(r"""\{(?P<names>[^{}]*)\}\s*=\s*""" + backend_reading.JS_ENV + r"\b")
# A read the code branches on, set or not: `if (process.env.X) {`, `process.env.X && ...`, `process.env.X ? a : b`;
# or one with a fallback that is no literal (`process.env.A || process.env.B`, `(test ? B : process.env.A) || "d"`),
# or read in one branch only (`test ? process.env.B : process.env.A`); or compared (`process.env.X === "true"`,
# false when unset) or made a boolean (`Boolean(process.env.X)`).
_JS_PRESENCE_AFTER = re.compile(r"\s*(?:&&|\|\||\?\?|\?(?![?.])|:(?!:)|[!=]==?|\)\s*(?:\{|return\b|\|\||\?\?))")
_JS_PRESENCE_BEFORE = re.compile(r"(?:\bif\s*\(\s*!?|!|\bBoolean\(\s*)\s*$")
# The first argument of a call given a fallback after it: `parseBoolean(process.env.X, true)`.
_JS_CALLED = re.compile(r"\b[A-Za-z_$][\w$]*\(\s*$")
# A read kept in a local that the code then branches on: `const secret = process.env.X;` ... `if (!secret)`.
_JS_LOCAL = re.compile(r"\b(?:const|let|var)\s+(?P<local>\w+)\s*=\s*" + backend_reading.JS_ENV
                       + r"\.(?P<name>[A-Z_][A-Z0-9_]*)\s*;")


def _js_file(path: Path, relative: str) -> list[Variable]:
    source = backend_reading.text(path)
    found = []
    for match in _JS_READ.finditer(source):
        if match[0].startswith("import.meta") and (match["dot"] or match["key"]).startswith("VITE_"):
            continue  # Vite's, built into a browser bundle: never the server's environment
        default = match["default"]
        value = "" if default in ("undefined", "null") else default.strip("\"'`") if default else None
        variable = _variable(match["dot"] or match["key"], value, relative)
        if variable and default is None and (_JS_PRESENCE_AFTER.match(source, match.end())
                                             or _JS_PRESENCE_BEFORE.search(source, 0, match.start())
                                             or (_JS_CALLED.search(source, 0, match.start())
                                                 and re.match(r"\s*,", source[match.end():]))):
            variable.required, variable.presence = False, True
        found.append(variable)
    for match in _JS_LOCAL.finditer(source):
        local = re.escape(match["local"])
        tested = re.compile(rf"(?:\bif\s*\(\s*!?\s*|!\s*){local}\b|\b{local}\s*(?:&&|\|\||\?\?|\?(?![?.])|[!=]==?)")
        if tested.search(source, match.end()) and (variable := _variable(match["name"], None, relative)):
            variable.required, variable.presence = False, True
            found.append(variable)
    for match in _JS_DESTRUCTURE.finditer(source):
        for part in match["names"].split(","):
            name, _, default = (piece.strip() for piece in part.partition("="))
            found.append(_variable(name.split(":")[0].strip(), default.strip("\"'`") if default else None, relative))
    found += [_variable(entry.name, entry.default, relative) for entry in env_schemas.entries(source)]
    return [variable for variable in found if variable]


# What a NODE_ENV schema may accept in production, when it does not accept `production`, which the image sets.
_PRODUCTION_NAMES = ("prod", "prd", "live")


def _node_env(files: list[Path], backend: Path) -> Variable | None:
    """NODE_ENV, when the code's schema rejects the image's `production` but accepts one of _PRODUCTION_NAMES:
    the Space sets that one, as the team's own deployment must."""
    for path in files:
        for entry in env_schemas.entries(backend_reading.text(path)):
            if entry.name == "NODE_ENV" and entry.choices and "production" not in entry.choices:
                chosen = next((name for name in _PRODUCTION_NAMES if name in entry.choices), None)
                relative = path.relative_to(backend).as_posix()
                return Variable("NODE_ENV", False, False, chosen, relative) if chosen else None
    return None


def example_default(value: str) -> str:
    """An example file's value as a default: '' for a placeholder (changeme, xxx, <...>, your-...) or one that
    names another variable (`${HOME}/data` is the Space's HOME, not a value to copy)."""
    text = value.strip()
    placeholder = placeholder_secrets.is_placeholder(text) or re.match(r"your[-_ ]", text.lower())
    return "" if placeholder or "$" in text else text


def example_values(backend: Path) -> tuple[str, dict[str, str]]:
    """The backend's own example dotenv file (the first of _EXAMPLE_FILES it has; else the one example its packages
    hold, as fastapi_best_architecture's backend/.env.example, which its settings copy to .env) and its values."""
    root = backend.resolve()
    found = [root / name for name in _EXAMPLE_FILES if (root / name).is_file()]
    below = sorted(path for name in _EXAMPLE_FILES for path in root.glob(f"*/{name}") if path.is_file()
                   and (path.parent / "__init__.py").is_file())
    for path in found[:1] or (below if len(below) == 1 else []):
        if backend_reading.inside(root, path):
            name = path.relative_to(root).as_posix()
            try:
                return name, dotenv_files.read_env_file(path, interpolate=False)
            except SpaceError:
                return name, {}  # a line python-dotenv can't read: the code's own reads still count
    return "", {}


def unnamable(backend: Path) -> list[str]:
    """`name (file)` for each variable the Python code needs (no default) under a name space.json can't declare
    (`config("secret")` with python-decouple, `os.environ["api_key"]`: environment names are case-sensitive)."""
    backend, found = backend.resolve(), []
    for path in backend_reading.source_files(backend, (".py",)):
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        readers = _config_readers(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ") \
                    and isinstance(node.slice, ast.Constant) and isinstance(node.ctx, ast.Load):
                name = node.slice.value
            elif isinstance(node, ast.Call) and (call := _config_call(node, readers)) and call[1] is None:
                name = call[0]
            else:
                continue
            shown = f"{name} ({path.relative_to(backend).as_posix()})"
            if isinstance(name, str) and not _NAME.match(name) and shown not in found:
                found.append(shown)
    return found


def _alembic_env(backend: Path) -> list[Path]:
    """Alembic's env.py, which source files leave out with the migrations folder, but a pre-start runs."""
    home = alembic_config.home(backend)
    location = alembic_config.migrations(backend / home) if home is not None else None
    env = backend / (home or "") / location / "env.py" if location else None
    return [env] if env and env.is_file() and backend_reading.inside(backend, env) else []


def find(backend: Path, runtime: str) -> list[Variable]:
    """Each variable once, in the order the code first reads it; a read without a default makes it required."""
    backend = backend.resolve()
    files = [path for path in backend_reading.source_files(backend, backend_reading.CODE_SUFFIXES[runtime])
             if not backend_reading.TEST_FILE.search(path.name)]
    if runtime == "python":
        files = [path for path in files  # another project's settings (OpenHands' enterprise/) are not the app's
                 if not backend_reading.in_a_project_of_its_own(backend, path.relative_to(backend))]
        alembic_env = [env for env in _alembic_env(backend) if env not in files]
        trees = {path: tree for path in files + alembic_env if (tree := _parsed(path)) is not None}
        parsed = list(trees.values())
        settings, helpers, constants = _settings_classes(parsed), _env_helpers(parsed), _module_constants(parsed)
        read = [_python_tree(tree, path.relative_to(backend).as_posix(), settings, helpers, constants)
                for path, tree in trees.items()]
        for path, variables in zip(trees, read):
            if path in alembic_env:  # its defaults are a development database's (host db): names and needs only
                for variable in variables:
                    variable.default = ""
    else:
        read = [_js_file(path, path.relative_to(backend).as_posix()) for path in files]
    merged: dict[str, Variable] = {}
    # Read with two defaults, or with one where other code asks whether it is set: the Space sets none, so each
    # reader keeps its own.
    disputed: set[str] = set()
    for variables in read:
        for variable in variables:
            if template_variables.not_the_apps(variable.name, runtime):
                continue
            known = merged.setdefault(variable.name, variable)
            if known is not variable:
                if (known.default and variable.default and known.default != variable.default) or (
                        (known.presence or variable.presence) and (known.default or variable.default)):
                    disputed.add(variable.name)
                known.presence = known.presence or variable.presence
                known.default = "" if variable.name in disputed else known.default or variable.default
                # One read with no default stops the app (a settings class made at import), whatever the other
                # reads allow; unless the code asks whether it is set at all, and so guards its reads.
                required = (known.required or variable.required) and not known.default and not known.presence
                if required and not known.required:
                    known.source = variable.source  # the reader that needs it is the one to show
                known.required = required
    if runtime == "node" and (node_env := _node_env(files, backend)):
        merged["NODE_ENV"] = node_env
    example, values = example_values(backend)
    for name, value in values.items():
        known = merged.get(name)
        if known is None and not template_variables.not_the_apps(name, runtime):
            variable = _variable(name, "", example)  # only the example names it: a name, its value only an example
            merged.update({name: variable} if variable else {})
        elif known is not None and not known.secret and not known.default and name not in disputed \
                and not known.presence:
            known.default = example_default(value)  # the code's own default wins; a Secret's example never counts
    return list(merged.values())


# The names of variables that hold a file or a folder (a URL's path, /api/v1, is none).
_FILE_NAMED = re.compile(r"(?:^|_)(?:DIR|DIRECTORY|FOLDER|FILE|DB|DATABASE|SQLITE|STORAGE|DATA|CACHE|LOGS?|"
                         r"UPLOADS?|MEDIA|STATE)(?:_|$)")
_URL_NAMED = re.compile(r"(?:^|_)(?:URL|URI|PREFIX|ROUTE|ENDPOINT|PREFIXES)(?:_|$)")


def require_paths_of_the_space(variables: list[Variable], loaded: set[str]) -> None:
    """A default path in a folder the image lacks (`/code/history.db`, for the project's own image, whose code sits
    in /code) fails where the app opens it: such a variable, read in a file the app loads (`loaded`), becomes
    required, with the reason shown. A tool's own settings (a gunicorn config's) are left as they are."""
    for variable in variables:
        default = variable.default
        top = default.split("/")[1] if default.startswith("/") and len(default) > 1 else ""
        if (not top or top in detect_hazards.IMAGE_ROOTS or _URL_NAMED.search(variable.name) or "://" in default
                or variable.source.split(" (")[0] not in loaded):  # `app/settings.py (Settings)`: the file
            continue
        if _FILE_NAMED.search(variable.name) or re.search(r"\.[A-Za-z0-9]{1,8}$", default):
            variable.required, variable.default, variable.outside = True, "", default
