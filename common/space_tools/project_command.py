# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The project's own command that serves the app (lnbits' `lnbits`): the folders it makes before serving, which a
Space that serves the app alone must make in its pre-start."""

from __future__ import annotations

import ast
import shlex
from dataclasses import dataclass
from pathlib import Path

from . import backend_reading, code_imports

_MAKES_FOLDERS = ("mkdir", "makedirs")


@dataclass(frozen=True)
class Launcher:
    command: str  # the script's name in pyproject.toml
    file: str  # where its function is, relative to the backend
    prestart: str  # its folder-making steps as one shell command; "" when they can't be lifted out whole


def _makes_folders(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and ast.unparse(node.func).rpartition(".")[2] in _MAKES_FOLDERS


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> ast.ImportFrom:
    """`from .settings import x` as the same import from the package's root, since `python -c` has no package."""
    if not node.level:
        return node
    parts = module.split(".") if is_package else module.split(".")[:-1]
    base = parts[: len(parts) - (node.level - 1)]
    return ast.ImportFrom(module=".".join([*base, *([node.module] if node.module else [])]), names=node.names, level=0)


def _lifted(tree: ast.Module, function: ast.FunctionDef, module: str, is_package: bool) -> str:
    """The function's folder-making statements, with the module's imports they use, as a `python -c` command; ""
    when one sits inside a block, or uses a name no import gives (a local variable, a helper of the module)."""
    steps = [stmt for stmt in function.body if isinstance(stmt, ast.Expr) and _makes_folders(stmt.value)]
    if len(steps) != sum(1 for node in ast.walk(function) if _makes_folders(node)):
        return ""
    used = {node.id for step in steps for node in ast.walk(step) if isinstance(node, ast.Name)}
    imports: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bound = (alias.asname or alias.name).partition(".")[0]
                if bound in used:  # one import per name used: `from x import settings`, not all x gives
                    one = (_absolute(ast.ImportFrom(module=node.module, names=[alias], level=node.level), module,
                                     is_package) if isinstance(node, ast.ImportFrom) else ast.Import(names=[alias]))
                    imports[bound] = ast.unparse(one)
    if not used <= imports.keys():
        return ""
    code = "; ".join([imports[name] for name in sorted(used)] + [ast.unparse(step) for step in steps])
    # ast writes strings in single quotes: double quotes keep the command readable where nothing needs escaping
    return f'python -c "{code}"' if not set(code) & set('"$`\\!') else "python -c " + shlex.quote(code)


def launcher(backend: Path, asgi_app: str, app_dir: str = "") -> Launcher | None:
    """A command of the project's own ([project.scripts], Poetry's scripts) that makes folders and serves the very
    app the Space serves (lnbits' makes the extensions folder its app lists as it starts); None when none does."""
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    scripts = {**(pyproject.get("project", {}).get("scripts") or {}),
               **(((pyproject.get("tool") or {}).get("poetry") or {}).get("scripts") or {})}
    root, served = backend / app_dir if app_dir else backend, asgi_app.removesuffix("()")
    for command, entry in scripts.items():
        module, _, function = str(entry).partition(":")
        path = code_imports.module_path(root, module.strip())
        try:
            tree = ast.parse(backend_reading.text(path))
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name != function.strip():
                continue
            inner = list(ast.walk(node))
            serves = any(isinstance(n, ast.Constant) and n.value == served for n in inner)
            if serves and any(_makes_folders(n) for n in inner):
                prestart = _lifted(tree, node, module.strip(), path.name == "__init__.py")
                return Launcher(command, path.relative_to(backend).as_posix(), prestart)
    return None
