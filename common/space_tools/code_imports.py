# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The backend's own files its code imports, followed from the ASGI module or the entry file, so sync ships
what the code needs even when backend_files does not list it (HF's single-file `app.py`, an `auth.ts` beside
the server). Read only inside the backend; whatever is not found this way still comes from backend_files."""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import alembic_config, backend_reading, never_ship

# Specifiers in ESM and CommonJS: `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`; relative ones
# are the backend's own files, and so are bare ones that tsconfig.json's `paths` maps (`@/lib/auth`).
_JS_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](?P<spec>[^"'\n]+)["']"""
)
# Strings (kept) and comments (blanked, each character a space, so offsets hold) of JavaScript, and of tsconfig.json's
# JSON with comments: an import in a comment (`// import { x } from "../old"`, a doc comment's example) is no import.
_JS_NOISE = re.compile(r"""("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|//[^\n]*|/\*.*?\*/""", re.S)


def _without_comments(text: str) -> str:
    return _JS_NOISE.sub(lambda match: match[1] or re.sub(r"[^\n]", " ", match[0]), text)


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


def own_module(root: Path, name: str) -> bool:
    """Whether a top-level module name is the backend's own code (private_gpt in private-gpt), not a dependency."""
    return (root / name / "__init__.py").is_file() or (root / f"{name}.py").is_file()


def module_path(root: Path, module: str) -> Path:
    """The file a dotted module name imports from `root`: a package's __init__.py, else the module's .py."""
    path = root.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _python_entry(backend: Path, name: str) -> str | None:
    """The backend's top-level package folder or module file of that name, if it has one."""
    folder, module = backend / name, backend / f"{name}.py"
    if folder.is_dir() and _shippable(backend, folder):
        return name
    if (module.is_file() or module.is_symlink()) and _shippable(backend, module):
        return module.name
    return None


_PY_IMPORT_LINE = re.compile(
    r"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import\b|import[ \t]+([A-Za-z_]\w*))", re.M)


def _imported_names(path: Path) -> set[str]:
    try:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
    except (UnicodeDecodeError, ValueError, OSError):
        return set()  # the app can't import it either; the build or the start says why
    except SyntaxError:  # newer syntax than this Python parses (the image's may be newer): the import lines as text
        return {match[1] or match[2] for match in _PY_IMPORT_LINE.finditer(text)}
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def python_imports(backend: Path, asgi_app: str, app_dir: str = "") -> list[str]:
    """Top-level packages and modules of the backend that the ASGI app's module needs, itself first (the top folder
    of app_dir, a src/ layout's, whole)."""
    backend = backend.resolve()
    first = app_dir.split("/")[0] if app_dir else _python_entry(backend, asgi_app.partition(":")[0].split(".")[0])
    return _followed(backend, [first] if first else [])


def left_out_imports(backend: Path, asgi_app: str, app_dir: str = "") -> dict[str, str]:
    """{folder: the file of the app's code that imports it} for each top-level folder the image leaves out unless
    backend_files lists it (its tests)."""
    backend, found = backend.resolve(), {}
    followed = python_imports(backend, asgi_app, app_dir)
    for left_out in (name for name in followed if name in never_ship.rules()["image_leaves_out"]):
        for entry in (name for name in followed if name != left_out):
            files = [backend / entry] if entry.endswith(".py") else sorted((backend / entry).rglob("*.py"))
            importer = next((path for path in files if left_out in _imported_names(path)), None)
            if importer:
                found[left_out] = importer.relative_to(backend).as_posix()
                break
    return found


# What a pre-start command runs: shell scripts (`sh scripts/prestart.sh`, `./prestart.sh`), Python files
# (`python app/backend_pre_start.py`) and modules (`python -m app.initial_data`), and Alembic's env.py.
_SHELL_SCRIPT = re.compile(r"(?<![\w/.-])(?:\./)?(?P<path>[\w][\w./-]*\.sh)\b")
_PYTHON_RUN = re.compile(
    r"\bpython[\d.]*\s+(?:-[A-Za-z]+\s+)*(?:-m\s+(?P<module>[\w.]+)|(?:\./)?(?P<file>[\w][\w./-]*\.py)\b)")


_ALEMBIC_HOME = re.compile(r"(?:^|&&)\s*cd\s+(?P<home>[\w][\w./-]*)\s*&&")  # `[touch .env &&] cd src && alembic`


def prestart_files(backend: Path, command: str) -> list[str]:
    """The backend's files a pre-start command runs, and the packages and modules those import; followed as
    the app's imports are, never out of the backend."""
    backend = backend.resolve()
    files, entries, texts = [], [], [command]
    while texts:
        text = texts.pop(0)
        scripts = [match["path"] for match in _SHELL_SCRIPT.finditer(text)]
        runs = [(match["module"], match["file"]) for match in _PYTHON_RUN.finditer(text)]
        home = found["home"] if (found := _ALEMBIC_HOME.search(text)) else ""
        if re.search(r"\balembic\b", text) and _inside(backend, backend / home) and \
                alembic_config.config_file(backend / home) and (folder := alembic_config.migrations(backend / home)):
            env_py = os.path.join(home, folder, "env.py")
            runs.append((None, env_py))
            # env.py's imports from where Alembic runs (prepend_sys_path = .): their folders ship whole
            imported = sorted(_imported_names(backend / env_py)) if home and (backend / env_py).is_file() else []
            files += [os.path.join(home, name) for name in imported
                      if _python_entry(backend / home, name) and not _python_entry(backend, name)]
        for name in scripts:
            path = backend / os.path.normpath(name)
            if name not in files and path.is_file() and _inside(backend, path):
                files.append(os.path.normpath(name))
                texts.append(_read(path))
        for module, name in runs:
            if module and (entry := _python_entry(backend, module.split(".")[0])):
                entries.append(entry)
            path = backend / os.path.normpath(name or "")
            if name and path.is_file() and _inside(backend, path):
                files.append(os.path.normpath(name))
                entries += [entry for entry in map(lambda n: _python_entry(backend, n), sorted(_imported_names(path)))
                            if entry]
    followed = _followed(backend, entries)
    return [*followed, *(name for name in files if not any(name == e or name.startswith(e + "/") for e in followed))]


def import_folder(backend: Path, file: str) -> str | None:
    """The backend's subfolder (often src/) holding a module or package that `file` imports by a top-level name
    the backend's root lacks: the folder its author runs it with on PYTHONPATH. None when every import resolves
    at the root or nowhere in the backend."""
    backend = backend.resolve()
    path = backend / file
    if not path.is_file() or not _inside(backend, path):
        return None
    missing = [name for name in sorted(_imported_names(path)) if not _python_entry(backend, name)]
    for folder in sorted(child for child in backend.iterdir() if child.is_dir() and _inside(backend, child)):
        if any((folder / f"{name}.py").is_file() or (folder / name / "__init__.py").is_file() for name in missing):
            return folder.name
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _followed(backend: Path, firsts: list[str]) -> list[str]:
    """These top-level entries and every one of the backend's packages and modules they import, transitively."""
    found, queue = [], list(firsts)
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


def _resolve_js(backend: Path | None, importer: Path, spec: str) -> Path | None:
    """The file an import names, inside the backend (or anywhere, with no backend)."""
    target = Path(os.path.normpath(importer.parent / spec))
    candidates = [target]
    if target.suffix in _TS_FOR_JS:
        candidates += [target.with_suffix(suffix) for suffix in _TS_FOR_JS[target.suffix]]
    candidates += [target.with_name(target.name + suffix) for suffix in (*_JS_SOURCE, ".json")]
    candidates += [target / f"index{suffix}" for suffix in _JS_SOURCE]
    found = (path for path in candidates if (path.is_file() or path.is_symlink())
             and (backend is None or _shippable(backend, path)))
    return next(found, None)


def _ts_paths(backend: Path) -> list[tuple[str, list[str]]]:
    """tsconfig.json's path aliases as (prefix before `*`, target folders or files), longest prefix first."""
    config = backend / "tsconfig.json"
    if not config.is_file() or not _inside(backend, config):
        return []
    try:
        text = _without_comments(config.read_text(encoding="utf-8"))
        options = json.loads(re.sub(r",\s*([}\]])", r"\1", text)).get("compilerOptions") or {}
    except (OSError, UnicodeDecodeError, ValueError, AttributeError):
        return []
    base = os.path.join(backend, str(options.get("baseUrl") or "."))
    aliases = []
    for pattern, targets in (options.get("paths") or {}).items():
        if isinstance(targets, list):
            aliases.append((pattern.split("*")[0], [os.path.join(base, str(t).split("*")[0]) for t in targets]))
    if options.get("baseUrl"):  # `src/lib/auth` from baseUrl, tried after every other alias (the empty prefix)
        aliases.append(("", [base + os.sep]))
    return aliases


def _package_imports(backend: Path) -> list[tuple[str, list[str]]]:
    """package.json's `imports` (`"#lib/*": "./src/lib/*"`, Node's own aliases) in the shape of tsconfig's paths."""
    aliases = []
    for pattern, target in (backend_reading.package_json(backend).get("imports") or {}).items():
        while isinstance(target, dict):  # conditions: what Node.js itself picks, else the first
            target = next((target[key] for key in ("node", "import", "default") if key in target),
                          next(iter(target.values()), None))
        if isinstance(pattern, str) and isinstance(target, str) and target.startswith("./"):
            aliases.append((pattern.split("*")[0], [os.path.join(backend, target.split("*")[0])]))
    return aliases


def _aliased(aliases: list[tuple[str, list[str]]], spec: str) -> list[Path]:
    for prefix, targets in aliases:
        if spec.startswith(prefix):
            return [Path(os.path.normpath(target + spec[len(prefix):])) for target in targets]
    return []


def node_imports(backend: Path, entry_file: str) -> list[str]:
    """The backend's files the entry file imports by relative path, transitively, the entry first."""
    return node_import_graph(backend, entry_file).files


@dataclass
class NodeImportGraph:
    files: list[str] = field(default_factory=list)  # the backend's files the entry reaches, the entry first
    outside: list[str] = field(default_factory=list)  # `src/a.ts imports @shared/b.ts (../shared/src/b.ts)`
    missing: list[str] = field(default_factory=list)  # `src/main.ts imports ./init`: a relative path to no file
    packages: dict[str, str] = field(default_factory=dict)  # package -> the first file importing it statically


def node_import_graph(backend: Path, entry_file: str) -> NodeImportGraph:
    """What the entry file imports, transitively: the backend's files, code outside the backend (which can't
    ship), and packages. Type-only imports never reach the bundle, and dynamic ones may be guarded: neither
    counts as outside or as a package."""
    backend = backend.resolve()
    start, graph = backend / entry_file, NodeImportGraph()
    queue = [start] if start.is_file() else []
    aliases = sorted([*_ts_paths(backend), *_package_imports(backend)], key=lambda alias: -len(alias[0]))
    while queue:
        path = queue.pop(0)
        relative = path.relative_to(backend).as_posix()
        if relative in graph.files:
            continue
        graph.files.append(relative)
        if path.suffix not in _JS_SOURCE or not _inside(backend, path):
            continue
        try:
            text = _without_comments(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        for match in _JS_IMPORT.finditer(text):
            spec = match["spec"].split("?")[0]
            # `@/lib/auth` through tsconfig's paths or package.json's imports; a package name maps to nothing
            targets = ([Path(os.path.normpath(path.parent / spec))] if spec.startswith(("./", "../"))
                       else _aliased(aliases, spec))
            resolved = next((found for target in targets if (found := _resolve_js(backend, target, f"./{target.name}"))),
                            None)
            if resolved is not None:
                queue.append(resolved)
                continue
            if _type_only(text, match.start()) or re.match(r"import\s*\(", match[0]):
                continue
            elsewhere = next((found for target in targets if (found := _resolve_js(None, target, f"./{target.name}"))),
                             None)
            if elsewhere is not None:
                graph.outside.append(f"{relative} imports {spec} ({os.path.relpath(elsewhere, backend)})")
            elif spec.startswith(("./", "../")):
                graph.missing.append(f"{relative} imports {spec}")
            elif spec.startswith("#") and targets:  # package.json's `imports`, which Node.js resolves to that file only
                graph.missing.append(f"{relative} imports {spec} ({os.path.relpath(targets[0], backend)})")
            elif not spec.startswith(("#", "node:", "/", ".")):
                graph.packages.setdefault("/".join(spec.split("/")[:2 if spec.startswith("@") else 1]), relative)
    return graph


def _type_only(text: str, at: int) -> bool:
    """Whether the import at this offset is `import type` / `export type`, which TypeScript and esbuild erase."""
    statement = text[text.rfind("\n", 0, at) + 1:at]
    return bool(re.match(r"\s*(import|export)\s+type\b", statement))
