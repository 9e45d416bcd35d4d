# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Where a backend's code meets Spaces badly, read from its source: a signing key made at random in each
process while several workers run, a server on a fixed port (a literal, or a module-level constant holding one;
Python's `uvicorn.run` under `__main__` never runs in the image), a file written where uid 1000 can't write, a
`workspace:` dependency only its monorepo has."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from . import backend_reading, dependency_files, pnpm_workspace_lock

_RANDOM = re.compile(r"^(secrets\.token_\w+|token_(hex|urlsafe|bytes)|os\.urandom|urandom|uuid\.uuid4|uuid4|"
                     r"Fernet\.generate_key|secrets\.randbits)$")
_KEYISH = re.compile(r"(?i)secret|key|token|salt|signing")
# The folders at the root of a Space's image: those under which a program writes on other hosts and the Space's
# uid 1000 can't (/data is there only with a Storage Bucket), and the others (HOME's, /tmp, and /app, which leads to
# the app's folder, it can write).
UNWRITABLE_ROOTS = ("data", "var", "srv", "mnt", "opt", "usr", "etc", "root")
IMAGE_ROOTS = frozenset(UNWRITABLE_ROOTS + ("app", "bin", "boot", "dev", "home", "lib", "lib64", "media", "proc", "run",
                                            "sbin", "sys", "tmp"))
_UNWRITABLE = re.compile(rf"^(?:sqlite(?:\+\w+)?:///|file:)?(/(?:{'|'.join(UNWRITABLE_ROOTS)})(?:/[^\s\"']*)?)$")
_JS_STRING = re.compile(rf"""["'`]((?:sqlite:///|file:)?/(?:{'|'.join(UNWRITABLE_ROOTS)})/[^"'`\s$]*)["'`]""")
# `{ port: 3000 }` counts only inside a listen()/serve() call's options (Fastify, @hono/node-server), never in a
# client's settings (Redis, a log transport).
# listen({...}), serve({...}) (Hono's node-server, Bun's) and the `export default {...}` Bun serves.
_SERVER_OPTIONS = r"(?:(?:\.listen|\bserve)\(\s*|(?m:^)export\s+default\s+)\{[^{}]{0,300}?"
_JS_FIXED_PORT = re.compile(rf"\.listen\(\s*(\d{{2,5}})\s*[,)]|{_SERVER_OPTIONS}\bport\s*:\s*(\d{{2,5}})\b")
HONO_SERVE_APP = re.compile(  # @hono/node-server's serve(app), or serve(options)
    r"\bserve\(\s*([A-Za-z_$][\w$]*)\s*[,)]")
_HONO_SERVE_NO_PORT = re.compile(r"\bserve\(\s*\{(?![^{}]*\bport\b)[^{}]*\}")
HONO_DEFAULT_PORT = "3000"  # @hono/node-server's, when serve() is given no port
_JS_PORT_NAMED = re.compile(
    rf"\.listen\(\s*([A-Za-z_$][\w$]*)\s*[,)]|{_SERVER_OPTIONS}\bport\s*:\s*([A-Za-z_$][\w$]*)\s*[,}}\n]")
# A variable of the app's own, not PORT, with a default: `process.env.BACKEND_PORT ?? 8080`, `Number(...) || 8080`,
# or one of two such by a condition: `(test ? Bun.env.TEST_APP_PORT : Bun.env.APP_PORT) || "8000"`.
_JS_OWN_READ = backend_reading.JS_ENV + r"\.(?!PORT\b)[A-Z_][A-Z0-9_]*"
_JS_OWN_CHOICE = rf"\(\s*[\w$.!]+\s*\?\s*{_JS_OWN_READ}\s*:\s*{_JS_OWN_READ}\s*\)"
_JS_ENV_PORT = (rf"(?:(?:Number|parseInt)\(\s*)?(?:{_JS_OWN_READ}|{_JS_OWN_CHOICE})"
                + r"\s*\)?\s*(?:\?\?|\|\|)\s*[\"'`]?(\d{2,5})\b[\"'`]?(?:\s*\))?")
_JS_LISTEN_ENV_PORT = re.compile(rf"\.listen\(\s*{_JS_ENV_PORT}|{_SERVER_OPTIONS}\bport\s*:\s*{_JS_ENV_PORT}")
# A port kept in a settings object: `.listen(config.app.port)` names the object that holds it (`app`).
_JS_LISTEN_SETTING = re.compile(r"\.listen\(\s*(?:[A-Za-z_$][\w$]*\??\.)*?([A-Za-z_$][\w$]*)\??\.port\s*[,)]")


# A SQLite file (sqlite:///, libsql's file:, or a path ending .db or .sqlite) at a relative path inside a folder, or
# under /app, which leads to the app's folder in the image (where the project's own image had its code): SQLite
# creates the file, never the folder, so a folder that only its author's machine has (git-ignored, or a volume of
# its compose file) stops the start.
_RELATIVE_DATABASE = re.compile(
    r"""["'`](?P<url>(?:file:|sqlite(?:\+\w+)?:///)(?:\./|/app/)?(?P<folder>[\w-][\w.-]*(?:/[\w.-]+)*)/[\w.-]+"""
    r"""|(?:\./|/app/)?(?P<plain>[\w-][\w.-]*(?:/[\w.-]+)*)/[\w.-]+\.(?:db|sqlite3?))["'`]""")


def missing_database_folders(backend: Path) -> dict[str, str]:
    """The folders of relative SQLite paths in the code that the backend lacks and no code creates (git-ignored on
    its author's machine): folder -> where the code opens its database there."""
    backend = backend.resolve()
    files = [path for path in backend_reading.source_files(backend, (".py", ".ts", ".mts", ".js", ".mjs", ".cjs"))
             if not backend_reading.TEST_FILE.search(path.name)]
    texts = {path: backend_reading.text(path) for path in files}
    missing: dict[str, str] = {}
    for path, text in texts.items():
        for match in _RELATIVE_DATABASE.finditer(text):
            folder = match["folder"] or match["plain"]
            if folder in missing or ".." in folder.split("/") or os.path.lexists(backend / folder):
                continue
            made = re.compile(rf"""mkdir\w*\(\s*(?:Path\()?["'`](?:\./)?{re.escape(folder)}/?["'`]""")
            if not any(made.search(other) for other in texts.values()):
                missing[folder] = f"{path.relative_to(backend).as_posix()} opens its database at {match['url']}"
    return missing


# Starlette's Config given a settings file: `Config(".env")`, `Config(env_path)`, `Config(env_file=...)`.
_STARLETTE_CONFIG_FILE = re.compile(r"\bConfig\(\s*(?!\)|environ\s*=)")


# Starlette 0.36 alone raised FileNotFoundError for a Config file that is missing (earlier releases ignore it,
# later ones warn), and the image never holds a .env.
STARLETTE_RAISING = "0.36."


def touch_settings_file(path: str) -> str:
    """The pre-start step that creates the settings file empty: its values arrive as environment variables, which
    Starlette's Config reads first."""
    return f"touch {path}"


def starlette_settings_file(backend: Path) -> tuple[str, str | None] | None:
    """(the file whose code gives Starlette's Config a settings file to read, that settings file's path relative to
    the backend, where the app runs, or None when the code can't tell it); None when no code does. A Space has no
    .env: its values arrive as environment variables."""
    backend = backend.resolve()
    for path in backend_reading.source_files(backend, (".py",)):
        text = backend_reading.text(path)
        if ("starlette.config" in text and _STARLETTE_CONFIG_FILE.search(text)
                and not backend_reading.TEST_FILE.search(path.name)):
            relative = path.relative_to(backend).as_posix()
            return relative, _config_file_path(text, relative)
    return None


_DIRNAME = {"os.path.dirname", "dirname"}
_SAME_PATH = {"os.path.realpath", "realpath", "os.path.abspath", "abspath", "Path", "pathlib.Path", "str",
              "os.fspath", "resolve", "absolute"}


def _path_value(node: ast.expr, names: dict[str, ast.expr], here: str, depth: int = 0) -> str | None:
    """A path expression of the code as a path relative to the backend (`here` is the file's own), or None when it
    isn't made only of literals, __file__, os.path's dirname/join/realpath and pathlib's parent and `/`."""
    if depth > 10:
        return None
    def value(inner: ast.expr) -> str | None:
        return _path_value(inner, names, here, depth + 1)

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return here if node.id == "__file__" else value(names[node.id]) if node.id in names else None
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = value(node.value)
        return os.path.dirname(inner) if inner is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        parts = [value(node.left), value(node.right)]
        return os.path.join(*parts) if None not in parts else None
    if not isinstance(node, ast.Call):
        return None
    func = ast.unparse(node.func)
    method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
    if method in ("resolve", "absolute") and not node.args:
        return value(node.func.value)
    if func in ("os.path.join", "join") and node.args:
        parts = [value(arg) for arg in node.args]
        return os.path.join(*parts) if None not in parts else None
    if (func in _DIRNAME or func in _SAME_PATH) and len(node.args) == 1:
        inner = value(node.args[0])
        return None if inner is None else os.path.dirname(inner) if func in _DIRNAME else inner
    return None


def _config_file_path(text: str, here: str) -> str | None:
    """The settings file Starlette's Config is given in this module, relative to the backend; None when unknown."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    names = {node.targets[0].id: node.value for node in tree.body
             if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] == "Config":
            given = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "env_file"), None)
            found = _path_value(given, names, here) if given is not None else None
            if found is None:
                continue
            found = os.path.normpath(found)
            return None if found.startswith(("/", "..")) else found
    return None


def _calls_random(node: ast.AST) -> str | None:
    for inner in ast.walk(node):
        target = inner.func if isinstance(inner, ast.Call) else inner if isinstance(inner, ast.Attribute) else None
        if target is not None and _RANDOM.match(ast.unparse(target)):
            return ast.unparse(target)
    return None


def _python_random_keys(tree: ast.Module, relative: str) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name, value = ast.unparse(node.targets[0]), node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            name, value = ast.unparse(node.target), node.value
        else:
            continue
        maker = _calls_random(value) if _KEYISH.search(name) else None
        if maker:
            found.append(f"{relative} makes {name} at random ({maker}) in each process")
    return found


# A web framework's route: `@router.post("/data/export")`, `app.mount("/data", ...)`, `APIRouter(prefix="/data")`.
_ROUTE_CALLS = {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket",
                "add_api_route", "add_route", "mount", "Route", "Mount", "WebSocketRoute"}


def _route_paths(tree: ast.Module) -> set[int]:
    """The ids of the string constants that name URL paths, never files: a route call's path, a `prefix=`."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if called in _ROUTE_CALLS and node.args:
            found.add(id(node.args[0]))
        found |= {id(keyword.value) for keyword in node.keywords if keyword.arg in ("prefix", "path", "root_path")}
    return found


def _python_paths(tree: ast.Module, relative: str) -> list[str]:
    routes = _route_paths(tree)
    paths = {m[1] for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in routes and (m := _UNWRITABLE.match(node.value))}
    return [f"{relative} names {path}" for path in sorted(paths)]


def python(backend: Path, workers: int) -> list[str]:
    backend = backend.resolve()
    random_keys, paths = [], []
    for path in backend_reading.source_files(backend, (".py",)):
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        relative = path.relative_to(backend).as_posix()
        random_keys += _python_random_keys(tree, relative)
        paths += _python_paths(tree, relative)
    warnings = []
    if random_keys and workers > 1:
        warnings.append(f"{random_keys[0]}, and workers={workers} gives each worker its own, so what one signs the "
                        "others refuse: read it from a Secret, or keep workers=1")
    warnings += [f"{where}, outside HOME and /app, which uid 1000 can't write on Spaces: use a path under "
                 "HOME or one a Variable sets" for where in paths[:3]]
    return warnings


def fixed_port(text: str) -> str | None:
    """The port a server listens on when the code fixes it: `.listen(3000)`, `{ port: 3000 }`, a name the nearest
    `const port = 3000` before the call gives (nothing but the literal), the default of a variable of its
    own (`process.env.BACKEND_PORT ?? 8080`: Spaces sets PORT, never that one), or @hono/node-server's default
    3000 (`serve(app)`, or options without a port); None when PORT decides."""
    if "@hono/node-server" in text:
        served = HONO_SERVE_APP.search(text)
        given = served and re.search(rf"\b{re.escape(served[1])}\s*=\s*\{{[^{{}}]*\bport\b", text)  # options named
        if (served and not given) or _HONO_SERVE_NO_PORT.search(text):
            return HONO_DEFAULT_PORT
    for match in _JS_FIXED_PORT.finditer(text):
        line = text[text.rfind("\n", 0, match.start()) + 1: text.find("\n", match.end())]
        if "process.env" not in line:
            return match[1] or match[2]
    if match := _JS_LISTEN_ENV_PORT.search(text):
        return match[1] or match[2]
    for match in _JS_PORT_NAMED.finditer(text):
        name = re.escape(match[1] or match[2])
        declared = re.compile(rf"^[ \t]*(?:export\s+)?(?:const|let|var)\s+{name}\s*(?::\s*number\s*)?=(.*)$", re.M)
        # the nearest declaration before the call: a module's, or the bootstrap function's own (NestJS)
        nearest = next(reversed(list(declared.finditer(text, 0, match.start()))), None)
        constant = nearest and re.fullmatch(rf"\s*(?:(\d{{2,5}})|{_JS_ENV_PORT})\s*;?[ \t]*(?://.*)?", nearest[1])
        if constant:
            return constant[1] or constant[2]
    return None


def settings_port(texts: list[str]) -> str | None:
    """The port a server listens on when a settings object holds it, given the texts of the files the entry
    imports: `.listen(config.app.port)` in one, `app: { port: process.env.APP_PORT || "8000" }` (or
    `const config = { port: ... }`) in another; Spaces sets PORT, never that variable, so its default serves."""
    owners = {match[1] for text in texts for match in _JS_LISTEN_SETTING.finditer(text)}
    held = [re.compile(rf"\b{re.escape(owner)}\s*[:=]\s*\{{[^{{}}]{{0,300}}?\bport\s*:\s*{_JS_ENV_PORT}")
            for owner in owners]
    defaults = {match[1] for pattern in held for text in texts for match in pattern.finditer(text)}
    return defaults.pop() if len(defaults) == 1 else None


def _workspace_root(backend: Path) -> tuple[str, Path] | None:
    """The pnpm, npm, Yarn or Bun workspace above the backend: (its tool, its folder)."""
    for parent in list(backend.parents)[:4]:
        listed = "workspaces" in backend_reading.package_json(parent)
        if (parent / "pnpm-workspace.yaml").is_file() or listed:
            lock = next((name for name in dependency_files.NODE_LOCKS if (parent / name).is_file()), "")
            tool = "Yarn" if lock == "yarn.lock" else "Bun" if lock.startswith("bun") else "npm"
            return ("pnpm" if not listed else tool), parent
    return None


def workspace_dependencies(backend: Path) -> list[str]:
    """`workspace:` dependencies name packages of the backend's monorepo, which no registry has: `check` refuses
    them, since the image's install would fail."""
    dependencies = backend_reading.package_json(backend).get("dependencies")
    local = sorted(name for name, spec in (dependencies.items() if isinstance(dependencies, dict) else ())
                   if isinstance(spec, str) and spec.startswith("workspace:"))
    if not local or pnpm_workspace_lock.needs_export(backend) is not None:  # sync ships a pnpm member's packages
        return []
    warning = (f"package.json depends on {', '.join(local)} through workspace:, which only its monorepo has: the image "
               "installs the backend folder alone, so that install fails; depend on a published version instead")
    root = _workspace_root(backend)
    if root:
        tool, folder = root
        warning += f" (the backend is a member of the {tool} workspace at {folder}, whose packages never ship)"
    return [warning]


def outside_dependencies(backend: Path) -> list[str]:
    """`file:` and `link:` dependencies on a folder outside the backend (`file:../shared`): the install links a
    folder the image never has, so `check` refuses them as it does `workspace:`."""
    dependencies = backend_reading.package_json(backend).get("dependencies")
    listed = dependencies.items() if isinstance(dependencies, dict) else ()
    outside = sorted(f"{name} ({spec})" for name, spec in listed if isinstance(spec, str)
                     and re.match(r"(?:file|link):", spec)
                     and not (backend / spec.split(":", 1)[1]).resolve().is_relative_to(backend))
    if not outside:
        return []
    return [f"package.json depends on {', '.join(outside)}, a folder outside the backend, which the image installs "
            "alone, so that package is missing there: depend on a published version, or move the folder into the "
            "backend"]


# A requirements line installing a local folder: `-e ../sdk`, `../sdk`, `name @ file:../sdk`.
_REQUIREMENT_PATH = re.compile(r"^\s*(?:(?:-e|--editable)\s+)?(?:[\w.-]+\s*@\s*)?(?:file:(?://)?)?(?P<path>\.{1,2}/\S*)",
                               re.MULTILINE)


def python_outside_dependencies(backend: Path) -> list[str]:
    """`name (../folder)` for each package the backend's manifest or lock installs from a folder outside it (a uv
    source `{ path = "../sdk" }`, Poetry's `{ path = ... }`, a requirements line): the image holds the backend alone."""
    backend = backend.resolve()
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    tool = pyproject.get("tool") or {}
    found: dict[str, str] = {}
    poetry = (tool.get("poetry") or {}).get("dependencies") or {}
    for name, spec in [*((tool.get("uv") or {}).get("sources") or {}).items(), *poetry.items()]:
        if isinstance(spec, dict) and isinstance(spec.get("path"), str):
            found.setdefault(name, spec["path"])
    for package in backend_reading.toml(backend / "uv.lock").get("package") or []:
        source = package.get("source") or {}
        path = next((source[kind] for kind in ("editable", "directory", "path") if isinstance(source.get(kind), str)),
                    None)
        if path is not None:
            found.setdefault(str(package.get("name")), path)
    for match in _REQUIREMENT_PATH.finditer(backend_reading.text(backend / "requirements.txt")):
        found.setdefault(match["path"], match["path"])
    return [path if name == path else f"{name} ({path})" for name, path in sorted(found.items())
            if not (backend / path).resolve().is_relative_to(backend)]


def node(backend: Path, app_port: object = None) -> list[str]:
    """What would misbehave on Spaces; a fixed port that is app_port (detect answers it) is no hazard."""
    backend = backend.resolve()
    warnings = workspace_dependencies(backend) + outside_dependencies(backend)
    for path in backend_reading.source_files(backend, (".ts", ".mts", ".js", ".mjs")):
        text, relative = backend_reading.text(path), path.relative_to(backend).as_posix()
        port = fixed_port(text)
        if port and port != str(app_port):
            warnings.append(f"{relative} listens on port {port}, not PORT: Spaces routes to app_port, so read "
                            "process.env.PORT")
        warnings += [f"{relative} names {found}, outside HOME and /app, which uid 1000 can't write on Spaces: use a "
                     "path under HOME or one a Variable sets" for found in sorted(set(_JS_STRING.findall(text)))[:2]]
    return warnings
