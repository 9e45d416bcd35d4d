# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Names a module's annotations use at import that nothing binds: before Python 3.14 (which defers annotations) a
`def f(x: Any)` evaluates `Any` as the module loads, so a forgotten import stops the app's start with NameError."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

from . import backend_reading, code_imports

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
    """The names an annotation looks up (strings are never evaluated, so they look up nothing)."""
    return [node.id for node in ast.walk(annotation) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)]


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


def first_unbound(backend: Path, asgi_app: str) -> tuple[str, int, str] | None:
    """(file, line, name) in the code the ASGI app imports, the first found; None when every annotation resolves."""
    backend = backend.resolve()
    for entry in code_imports.python_imports(backend, asgi_app):
        files = [backend / entry] if entry.endswith(".py") else sorted((backend / entry).rglob("*.py"))
        for path in files:
            if backend_reading.TEST_FILE.search(path.name) or not backend_reading.inside(backend, path):
                continue
            if found := unbound(path):
                return path.relative_to(backend).as_posix(), *found
    return None
