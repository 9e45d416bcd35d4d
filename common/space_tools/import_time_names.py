# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What the app's modules need as they load: the packages they import at module level, the folders they serve
with StaticFiles (Starlette raises at once on a missing one), and the names their annotations use, which nothing
may bind yet: before Python 3.14 (which defers annotations) a `def f(x: Any)`
evaluates `Any` as the module loads, so a forgotten import stops the app's start with NameError."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

from . import backend_reading

DEFERRED_FROM = (3, 14)  # PEP 649: annotations are evaluated only when something asks for them


def _bound(body: list[ast.stmt]) -> set[str]:
    """Every name a block binds at its own level, inside if/try/with/for blocks too (imports, defs, assignments)."""
    names: set[str] = set()
    for node in body:
        for inner in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) \
                else [node]:
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(inner.name)
            elif isinstance(inner, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in inner.names)
            elif isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                names.add(inner.id)
    return names


def _annotations(node: ast.stmt) -> list[ast.expr]:
    """The annotations a statement evaluates as it runs: a function's arguments and return, a variable's."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs + [
            arg for arg in (node.args.vararg, node.args.kwarg) if arg]
        return [arg.annotation for arg in arguments if arg.annotation] + ([node.returns] if node.returns else [])
    return [node.annotation] if isinstance(node, ast.AnnAssign) else []


def _free_names(annotation: ast.expr) -> list[str]:
    """The names an annotation looks up (strings are never evaluated, so they look up nothing), less those a lambda
    or a comprehension in it binds (Prefect's `Annotated[Path, BeforeValidator(lambda x: Path(x))]`)."""
    nodes = list(ast.walk(annotation))
    local = {arg.arg for node in nodes if isinstance(node, ast.Lambda) for arg in ast.walk(node.args)
             if isinstance(arg, ast.arg)}
    local |= {name.id for node in nodes if isinstance(node, ast.comprehension) for name in ast.walk(node.target)
              if isinstance(name, ast.Name)}
    return [node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
            and node.id not in local]


def _first_unbound(body: list[ast.stmt], known: set[str]) -> tuple[int, str] | None:
    """In the order the block runs: each statement's annotations against what the statements before it bound."""
    known = set(known)
    for node in body:
        for annotation in _annotations(node):
            if missing := next((name for name in _free_names(annotation) if name not in known), None):
                return node.lineno, missing
        if isinstance(node, ast.ClassDef) and (found := _first_unbound(node.body, known)):
            return found
        known |= _bound([node])
    return None


def unbound(path: Path) -> tuple[int, str] | None:
    """(line, name) of the first annotation evaluated at import whose name is not bound yet there; None if none."""
    try:
        tree = ast.parse(backend_reading.text(path))
    except (SyntaxError, ValueError):
        return None
    star = any(isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
               for node in ast.walk(tree))
    deferred = any(isinstance(node, ast.ImportFrom) and node.module == "__future__"
                   and any(alias.name == "annotations" for alias in node.names) for node in tree.body)
    if star or deferred:
        return None
    return _first_unbound(tree.body, set(dir(builtins)) | {"__name__", "__file__", "__doc__"})


def _module_files(backend: Path, module: str) -> list[Path]:
    """The backend's files that importing `module` (a.b.c) runs: each package's __init__.py, then the module."""
    files, folder = [], backend
    for part in module.split("."):
        if (folder / part / "__init__.py").is_file():
            folder = folder / part
            files.append(folder / "__init__.py")
        elif (folder / f"{part}.py").is_file():
            files.append(folder / f"{part}.py")
            break
        else:
            break
    return files


_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def catches(handler: ast.ExceptHandler, names: set[str]) -> bool:
    """Whether an `except` clause catches one of these exceptions (by its last name), or everything (a bare one)."""
    if handler.type is None:
        return True
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return bool({ast.unparse(kind).rpartition(".")[2] for kind in kinds} & names)


def _loaded_statements(tree: ast.Module, optional: bool = True) -> list[ast.stmt]:
    """What runs as the module loads: its top-level statements and those in its if/try/with blocks, no function's;
    without `optional`, not the body of a `try` that goes on when an import fails (`except ImportError:`)."""
    found, pending = [], list(tree.body)
    while pending:
        node = pending.pop(0)
        found.append(node)
        if isinstance(node, (ast.If, ast.Try, ast.With)) or type(node).__name__ == "TryStar":
            handlers = getattr(node, "handlers", [])
            guarded = any(catches(handler, _IMPORT_ERRORS) for handler in handlers)
            pending += [*([] if guarded and not optional else getattr(node, "body", [])), *getattr(node, "orelse", []),
                        *getattr(node, "finalbody", []), *(inner for handler in handlers for inner in handler.body)]
    return found


def _imported_modules(path: Path, root: Path, tree: ast.Module) -> list[str]:
    """Absolute names of the modules a file imports as it loads (relative imports resolved from its package)."""
    package = ".".join(path.relative_to(root).parent.parts)
    names = []
    for node in _loaded_statements(tree, optional=False):  # a module imported under `except ImportError` may fail
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                parts = parts[:len(parts) - node.level + 1] if node.level > 1 else parts
                base = ".".join(part for part in [*parts, base] if part)
            names += [base] + [f"{base}.{alias.name}" for alias in node.names if base]
    return names


def _app_files(backend: Path, asgi_app: str, app_dir: str = "") -> list[Path]:
    """The backend's Python files the ASGI app's module loads (imported from app_dir), following imports that run
    as modules load."""
    root = backend / app_dir if app_dir else backend
    order, pending = [], _module_files(root, asgi_app.partition(":")[0])
    while pending:
        path = pending.pop(0)
        if path in order or not backend_reading.inside(backend, path):
            continue
        order.append(path)
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        pending += [file for name in _imported_modules(path, root, tree) for file in _module_files(root, name)]
    return order


def first_unbound(backend: Path, asgi_app: str, app_dir: str = "") -> tuple[str, int, str] | None:
    """(file, line, name) in the code the ASGI app imports, the first found; None when every annotation resolves."""
    backend = backend.resolve()
    for path in _app_files(backend, asgi_app, app_dir):
        if found := unbound(path):
            return path.relative_to(backend).as_posix(), *found
    return None


def loaded_packages(backend: Path, asgi_app: str, app_dir: str = "") -> dict[str, str]:
    """{top-level module: the file} for what the app's modules import as they load: module-level imports, not
    those under a `try` (an optional import) or inside functions."""
    backend, found = backend.resolve(), {}
    for path in _app_files(backend, asgi_app, app_dir):
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:  # a `try` around an import makes it optional
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                found.setdefault(name.split(".")[0], path.relative_to(backend).as_posix())
    return found


def _parsed(path: Path) -> ast.Module | None:
    """The module, or None where these tools' Python can't parse it (newer syntax: `def f[T]()`): what it binds is
    then not known."""
    try:
        return ast.parse(backend_reading.text(path))
    except (SyntaxError, ValueError):
        return None


def _importable(package: Path, name: str) -> bool:
    """A submodule a package folder holds: a module, a package, a namespace folder or a compiled extension."""
    return bool(_module_files(package, name)) or (package / name).is_dir() or any(package.glob(f"{name}.*.so"))


def _open_ended(body: list[ast.stmt]) -> bool:
    """A package whose names or submodules may come from elsewhere: a star import, a module `__getattr__`, or a
    `__path__` it extends (OpenHands' `pkgutil.extend_path`, reaching the openhands-tools distribution's modules)."""
    return any(isinstance(node, ast.FunctionDef) and node.name == "__getattr__" for node in body) or any(
        (isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names))
        or (isinstance(node, ast.Name) and node.id == "__path__" and isinstance(node.ctx, ast.Store))
        for top in body for node in ast.walk(top))


def missing_own_modules(backend: Path, asgi_app: str, app_dir: str = "") -> list[tuple[str, int, str]]:
    """(file, line, module) for each module of the backend's own packages that the app's modules import as they load
    and the backend does not have (Prefect's `from . import _build_info`, which its build writes)."""
    backend, found = backend.resolve(), []
    root = backend / app_dir if app_dir else backend
    for path in _app_files(backend, asgi_app, app_dir):
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        package = ".".join(path.relative_to(root).parent.parts)
        for node in _loaded_statements(tree, optional=False):
            if not isinstance(node, ast.ImportFrom):
                continue
            parts = package.split(".") if package else []
            base = ".".join([*parts[:len(parts) - node.level + 1], *([node.module] if node.module else [])]) \
                if node.level else node.module or ""
            folder = root.joinpath(*base.split(".")) if base else None
            if folder is None or not (folder / "__init__.py").is_file():
                continue  # not one of the backend's packages
            # its own __init__ has run up to this import; another package's has run whole
            other = None if folder / "__init__.py" == path else _parsed(folder / "__init__.py")
            init = tree.body[:next((i for i, top in enumerate(tree.body) if node in ast.walk(top)), 0)] \
                if folder / "__init__.py" == path else other.body if other else None
            if init is None or _open_ended(init):
                continue  # Prefect's settings bind their names in a module __getattr__; or unknown: newer syntax
            bound = _bound(init)
            for alias in node.names:
                if alias.name != "*" and alias.name not in bound and not _importable(folder, alias.name):
                    found.append((path.relative_to(backend).as_posix(), node.lineno, f"{base}.{alias.name}"))
    return found


def missing_static_folders(backend: Path, asgi_app: str, app_dir: str = "") -> list[tuple[str, int, str, bool]]:
    """(file, line, folder, conditional) for each `StaticFiles(directory="folder")` the app's modules make as they load
    on a folder the backend lacks; conditional when an `if` decides whether that statement runs."""
    backend, found = backend.resolve(), []
    for path in _app_files(backend, asgi_app, app_dir):
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        top, created = {id(node) for node in tree.body}, False
        for statement in _loaded_statements(tree):
            calls = [node for node in _own_nodes(statement) if isinstance(node, ast.Call)]
            # a module that makes folders as it loads (hng's `os.makedirs("static/profile_images")`) may make this one
            created = created or any(ast.unparse(call.func).rpartition(".")[2] in ("makedirs", "mkdir")
                                     for call in calls)
            for call in calls:
                folder = _static_folder(call)
                if folder and not created and not (backend / folder).is_dir():
                    found.append((path.relative_to(backend).as_posix(), call.lineno, folder, id(statement) not in top))
    return found


def _own_nodes(statement: ast.stmt) -> list[ast.AST]:
    """A statement's own expressions, not those of the statements its blocks hold (`_loaded_statements` lists them)."""
    found, pending = [], list(ast.iter_child_nodes(statement))
    while pending:
        node = pending.pop()
        if isinstance(node, ast.stmt) or isinstance(node, (ast.FunctionDef, ast.Lambda)):
            continue
        found.append(node)
        pending += ast.iter_child_nodes(node)
    return found


def _static_folder(call: ast.Call) -> str | None:
    """The literal folder a StaticFiles (or a subclass named so) is made on, when it checks that folder (the
    default); None for anything else."""
    name = ast.unparse(call.func).rpartition(".")[2]
    if not name.endswith("StaticFiles") or any(keyword.arg == "check_dir" for keyword in call.keywords):
        return None
    given = next((keyword.value for keyword in call.keywords if keyword.arg == "directory"),
                 call.args[0] if call.args else None)
    if isinstance(given, ast.Constant) and isinstance(given.value, str) and given.value.strip():
        folder = given.value.strip().removeprefix("./").rstrip("/")
        return folder if folder and not folder.startswith("/") and ".." not in folder.split("/") else None
    return None


# A package installer's command: ["uv", "pip", "install", ...], [sys.executable, "-m", "pip", "install", ...],
# "pip install ..." (for os.system or a shell).
_INSTALLER = re.compile(r"""["'](?:uv|pip3?)["']\s*,\s*(?:["']pip["']\s*,\s*)?["']install["']"""
                        r"""|["']-m["']\s*,\s*["']pip["']\s*,\s*["']install["']|["'](?:uv\s+)?pip3?\s+install\b""")


def _called(node: ast.AST) -> set[str]:
    """The names a piece of code calls: `f()`, `module.f()`."""
    return {call.func.id if isinstance(call.func, ast.Name) else call.func.attr for call in ast.walk(node)
            if isinstance(call, ast.Call) and isinstance(call.func, (ast.Name, ast.Attribute))}


def installs_at_import(backend: Path, asgi_app: str, app_dir: str = "") -> tuple[str, int] | None:
    """(file, line) of a package installer the app's modules run as they load, directly or through their functions
    (fastapi_best_architecture's main.py installs its plugins' requirements with `uv pip install`); None if none."""
    backend = backend.resolve()
    texts, trees = {}, {}
    for path in _app_files(backend, asgi_app, app_dir):
        if (tree := _parsed(path)) is not None:
            texts[path], trees[path] = backend_reading.text(path), tree
    functions = [(path, node) for path, tree in trees.items() for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    installing = {node.name: (path, node.lineno) for path, node in functions
                  if _INSTALLER.search(ast.get_source_segment(texts[path], node) or "")}
    while grown := {node.name: installing[next(iter(_called(node) & installing.keys()))] for _, node in functions
                    if node.name not in installing and _called(node) & installing.keys()}:
        installing |= grown
    for path, tree in trees.items():
        script_only = {id(inner) for node in tree.body if isinstance(node, ast.If)  # `if __name__ == "__main__":`
                       and "__main__" in ast.unparse(node.test) for inner in ast.walk(node)}
        for statement in _loaded_statements(tree):
            if id(statement) in script_only or isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                      ast.ClassDef)):
                continue
            if isinstance(statement, (ast.If, ast.Try, ast.With)):
                continue  # their bodies are loaded statements of their own
            if _INSTALLER.search(ast.get_source_segment(texts[path], statement) or ""):
                return path.relative_to(backend).as_posix(), statement.lineno
            if called := _called(statement) & installing.keys():
                where, line = installing[sorted(called)[0]]
                return where.relative_to(backend).as_posix(), line
    return None
