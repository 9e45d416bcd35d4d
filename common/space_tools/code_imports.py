# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The backend's own files its code imports, followed from the ASGI module or the entry file, so sync ships
what the code needs even when backend_files does not list it (HF's single-file `app.py`, an `auth.ts` beside
the server). Read only inside the backend; whatever is not found this way still comes from backend_files."""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from . import never_ship

# Relative specifiers in ESM and CommonJS: `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`.
_JS_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](?P<spec>\.{1,2}/[^"'\n]+)["']"""
)
_JS_SOURCE = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")
# TypeScript lets `./x.js` name `./x.ts`; a bare `./x` may be any source file, JSON, or a folder's index.
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".mjs": (".mts",), ".cjs": (".cts",), ".jsx": (".tsx",)}


def _shippable(backend: Path, path: Path) -> bool:
    """A file or folder the code names inside the backend; sync's own checks then refuse a link out of it."""
    if backend not in path.parents or not (path.exists() or path.is_symlink()):
        return False
    return not never_ship.never(path.relative_to(backend).as_posix(), is_dir=path.is_dir())


def _inside(backend: Path, path: Path) -> bool:
    """Whether the code may be read here: only what really lies inside the backend is."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return False
    return backend in real.parents and not never_ship.never(path.relative_to(backend).as_posix(), is_dir=real.is_dir())


def _python_entry(backend: Path, name: str) -> str | None:
    """The backend's top-level package folder or module file of that name, if it has one."""
    folder, module = backend / name, backend / f"{name}.py"
    if folder.is_dir() and _shippable(backend, folder):
        return name
    if (module.is_file() or module.is_symlink()) and _shippable(backend, module):
        return module.name
    return None


def _imported_names(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return set()  # the app can't import it either; the build or the start says why
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def python_imports(backend: Path, asgi_app: str) -> list[str]:
    """Top-level packages and modules of the backend that the ASGI app's module needs, itself first."""
    backend = backend.resolve()
    first = _python_entry(backend, asgi_app.partition(":")[0].split(".")[0])
    found, queue = [], [first] if first else []
    while queue:
        entry = queue.pop(0)
        if entry in found:
            continue
        found.append(entry)
        files = [backend / entry] if entry.endswith(".py") else sorted((backend / entry).rglob("*.py"))
        for path in files:
            if not _inside(backend, path):
                continue
            for name in sorted(_imported_names(path)):
                child = _python_entry(backend, name)
                if child and child not in found:
                    queue.append(child)
    return found


def _resolve_js(backend: Path, importer: Path, spec: str) -> Path | None:
    target = Path(os.path.normpath(importer.parent / spec))
    candidates = [target]
    if target.suffix in _TS_FOR_JS:
        candidates += [target.with_suffix(suffix) for suffix in _TS_FOR_JS[target.suffix]]
    candidates += [target.with_name(target.name + suffix) for suffix in (*_JS_SOURCE, ".json")]
    candidates += [target / f"index{suffix}" for suffix in _JS_SOURCE]
    found = (path for path in candidates if (path.is_file() or path.is_symlink()) and _shippable(backend, path))
    return next(found, None)


def node_imports(backend: Path, entry_file: str) -> list[str]:
    """The backend's files the entry file imports by relative path, transitively, the entry first."""
    backend = backend.resolve()
    start = backend / entry_file
    if not start.is_file():
        return []
    found, queue = [], [start]
    while queue:
        path = queue.pop(0)
        relative = path.relative_to(backend).as_posix()
        if relative in found:
            continue
        found.append(relative)
        if path.suffix not in _JS_SOURCE or not _inside(backend, path):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for match in _JS_IMPORT.finditer(text):
            resolved = _resolve_js(backend, path, match["spec"].split("?")[0])
            if resolved is not None:
                queue.append(resolved)
    return found
