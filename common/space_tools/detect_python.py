# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A Python backend's ASGI app, Python version and dependency manifest, read from its own files."""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path, PurePosixPath

from . import (
    alembic_config,
    backend_reading,
    code_imports,
    dependency_files,
    detect_hazards,
    import_time_names,
    lock_wheels,
    never_ship,
    project_command,
    unlocked_resolution,
    workspace_lock,
)
from .findings import Findings
from .version_spec import OFFERED, allows, is_patch, offered_that_satisfy

_ASGI_CLASSES = {"FastAPI", "Starlette", "Quart", "Litestar", "Sanic", "Falcon", "App"}
_CONVENTIONAL = ("app", "application", "api")
_FACTORIES = re.compile(r"^(create_app|make_app|get_app|build_app|get_application|create_application)$")
# Objects named like an app that no ASGI server can serve: CLIs, task queues, WSGI apps, routers.
_NOT_ASGI = {"Typer", "Click", "Group", "group", "ArgumentParser", "Celery", "Dramatiq", "Flask", "Bottle",
             "Blueprint", "APIRouter", "Router", "Dash", "Gradio", "Blocks"}


_ASGI_LINE = re.compile(rf"^([A-Za-z_]\w*)\s*(?::[^=\n]+)?=\s*({'|'.join(sorted(_ASGI_CLASSES))})\(", re.M)


def _runs_on_import(node: ast.If) -> list[ast.stmt]:
    """The branch of a module-level `if` that an import runs: never the `if __name__ == "__main__":` body (OpenHands
    makes a FastAPI() there, for `python -m` only), both branches of any other test."""
    test = node.test
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and ast.unparse(test.left) == "__name__"
            and ast.unparse(test.comparators[0]).strip("'\"") == "__main__"):
        equal, unequal = isinstance(test.ops[0], ast.Eq), isinstance(test.ops[0], ast.NotEq)
        return node.orelse if equal else node.body if unequal else []
    return [*node.body, *node.orelse]


def _asgi_assignments(tree: ast.Module) -> list[tuple[str, str]]:
    """Module-level `x = FastAPI(...)` (or another ASGI class, or an app factory call): (name, how); also under a
    module-level `if` (`if __name__ != "__main__": app = create_app()`), which runs on import too."""
    found = []
    statements = [*tree.body, *(inner for node in tree.body if isinstance(node, ast.If)
                                for inner in _runs_on_import(node))]
    for node in statements:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        if not isinstance(value, ast.Call) or not targets or not isinstance(targets[0], ast.Name):
            continue
        func = value.func
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        name = targets[0].id
        if called in _NOT_ASGI or called.endswith("Typer"):  # Typer's subclasses too (Prefect's PrefectTyper)
            continue
        if called in _ASGI_CLASSES or _FACTORIES.match(called) or (name in _CONVENTIONAL and called):
            found.append((name, f"{name} = {called}(...)"))
    return found


# A module that serves a mock or a side answer (AgentGPT's stream_mock, private-gpt's worker health check, the
# login callback of Prefect's CLI), never the app the backend is.
_SIDE_APP = re.compile(r"(?i)(?:^|[._])(?:mocks?|stubs?|fakes?|healthchecks?|examples?|demos?|cli)(?:$|[._])")


# An app factory the project's own launch names: `uvicorn --factory pkg.mod:make` in a script or Dockerfile,
# `"--factory", "pkg.mod:make"` in a command list; `uvicorn.run("pkg.mod:make", factory=True)` is read from the code.
_TARGET = r"([A-Za-z_][\w.]*:[A-Za-z_]\w*)"
_LAUNCHED_FACTORY = re.compile(rf"""--factory\b[\s"',\\]*{_TARGET}|{_TARGET}["']?[\s,\\]*["']?--factory\b""")
_RUN_FACTORY = re.compile(rf"""\brun\(\s*(?:app\s*=\s*)?["']{_TARGET}["'](?:[^()]|\([^()]*\))*?\bfactory\s*=\s*True""")
_LAUNCH_FILES = (".sh", ".toml", ".yml", ".yaml", "Procfile", "Dockerfile", "Makefile")


def _factory_defs(tree: ast.Module) -> dict[str, str]:
    """Module-level functions that make an ASGI app and take no required argument: {name: how}."""
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):  # uvicorn's factory mode calls it and awaits nothing
            continue
        arguments = node.args
        if len(arguments.defaults) < len(arguments.posonlyargs + arguments.args) or None in arguments.kw_defaults:
            continue
        returned = ast.unparse(node.returns).rsplit(".", 1)[-1].strip("'\"") if node.returns else ""
        made = {call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
                for call in ast.walk(node) if isinstance(call, ast.Call)}
        cls = returned if returned in _ASGI_CLASSES else next(iter(sorted(made & _ASGI_CLASSES)), "")
        if cls and cls != "App":
            found[node.name] = f"def {node.name}() -> {cls}"
    return found


def _launched_factories(backend: Path, texts: list[str]) -> set[str]:
    """`module:function` targets the backend's own scripts, Dockerfiles or code serve with uvicorn's factory mode."""
    scripts = [path for pattern in ("*", "*/*") for path in backend.glob(pattern)  # launch files sit near the top
               if path.name.endswith(_LAUNCH_FILES) and path.is_file() and backend_reading.inside(backend, path)]
    launched = set()
    for text in [*texts, *map(backend_reading.text, scripts)]:
        if "factory" in text:
            launched |= {next(filter(None, match.groups())) for pattern in (_LAUNCHED_FACTORY, _RUN_FACTORY)
                         for match in pattern.finditer(text)}
    return launched


def _configured_roots(pyproject: dict) -> list[tuple[str, str]]:
    """(folder, where) for the folders the project's build backend takes its packages from."""
    tool = pyproject.get("tool") or {}
    hatch = ((tool.get("hatch") or {}).get("build") or {})
    setuptools, poetry = tool.get("setuptools") or {}, tool.get("poetry") or {}
    uv_build = pyproject.get("build-system", {}).get("build-backend") == "uv_build"
    found = [(posixpath.dirname(str(package).strip("/")), "[tool.hatch] packages")
             for package in [*(hatch.get("targets", {}).get("wheel", {}).get("packages") or []),
                             *(hatch.get("packages") or [])]]
    found += [(str((setuptools.get("package-dir") or {}).get("", "")), "[tool.setuptools] package-dir")]
    found += [(str(where), "[tool.setuptools.packages.find] where")
              for where in ((setuptools.get("packages") or {}) if isinstance(setuptools.get("packages"), dict)
                            else {}).get("find", {}).get("where") or []]
    found += [(str(package.get("from", "")), "[tool.poetry] packages from") for package in poetry.get("packages") or []
              if isinstance(package, dict)]
    found += [(str((tool.get("uv") or {}).get("build-backend", {}).get("module-root", "src")), "uv_build's module-root")
              ] if uv_build else []
    pdm = ((tool.get("pdm") or {}).get("build") or {}).get("package-dir", "")
    found += [(str(pdm), "[tool.pdm.build] package-dir")]
    return [(posixpath.normpath(folder), where) for folder, where in found if folder.strip("./")]


def source_roots(backend: Path) -> dict[str, str]:
    """{folder: why} for the backend's folders its packages are imported from (a src/ layout), as an installed
    project has them: where its build backend takes them from, else src/ when a package in it imports itself by its
    own name (`from api.routes import ...` in src/api/main.py) and none by `src.`."""
    backend = backend.resolve()
    roots = {folder: f"pyproject.toml {where}"
             for folder, where in _configured_roots(backend_reading.toml(backend / "pyproject.toml"))
             if not folder.startswith("..") and (backend / folder).is_dir()
             and backend_reading.inside(backend, backend / folder) and not (backend / folder / "__init__.py").is_file()}
    src = backend / "src"
    if roots or not src.is_dir() or (src / "__init__.py").is_file() or not backend_reading.inside(backend, src):
        return roots
    packages = [child.name for child in sorted(src.iterdir()) if (child / "__init__.py").is_file()]
    texts = [backend_reading.text(path) for path in backend_reading.source_files(src, (".py",))]
    by_own_name = any(re.search(rf"^\s*(?:from|import)\s+{re.escape(name)}\b", text, re.M)
                      for name in packages for text in texts)
    if by_own_name and not any(re.search(r"^\s*(?:from|import)\s+src\.", text, re.M) for text in texts):
        return {"src": "src/ layout: its packages import themselves by their own names"}
    return {}


def app_folder(app: str, source: str) -> str:
    """The folder an asgi_apps() candidate is imported from: its file's path less its module's ('' for the root)."""
    parts = PurePosixPath(source.split(": ", 1)[0]).with_suffix("").parts
    parts = parts[:-1] if parts and parts[-1] == "__init__" else parts
    return "/".join(parts[:len(parts) - len(app.partition(":")[0].split("."))])


def asgi_apps(backend: Path) -> list[tuple[str, str]]:
    """`module:attribute` candidates with their evidence, the likeliest first (a FastAPI `app` near the top; an app
    that wraps another, as OpenHands' socketio.ASGIApp wraps its FastAPI app, before the one it wraps); then app
    factories as `module:function()`, the ones the project's own launch names first (AgentGPT's `get_app`)."""
    backend = backend.resolve()
    candidates, texts, factories = [], {}, []
    roots = sorted(source_roots(backend), key=len, reverse=True)
    for path in backend_reading.source_files(backend, (".py",)):
        relative = path.relative_to(backend)
        if backend_reading.in_a_project_of_its_own(backend, relative):
            continue
        text = backend_reading.text(path)
        root = next((root for root in roots if relative.as_posix().startswith(root + "/")), "")
        module = ".".join((relative.relative_to(root) if root else relative).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        if not all(part.isidentifier() for part in module.split(".")):
            continue  # no import reaches it (scripts/proxy-test/server.py): never an answer asgi_app accepts
        try:
            tree = ast.parse(text)
            found = _asgi_assignments(tree)
            factories += [(module, name, how, relative) for name, how in _factory_defs(tree).items()]
        except SyntaxError:  # newer syntax than this Python parses: the module-level assignment as text
            found = [(m[1], f"{m[1]} = {m[2]}(...)") for m in _ASGI_LINE.finditer(text)]
        except ValueError:
            continue
        texts[module] = text
        candidates += [(module, name, how, relative) for name, how in found]
    wrapped = {(module, name) for module, name, _, _ in candidates for other, text in texts.items() if other != module
               and re.search(rf"^from\s+{re.escape(module)}\s+import\s+[^\n]*\b{re.escape(name)}\b", text, re.M)}
    ranked = sorted(((name != "app", bool(_SIDE_APP.search(module)), (module, name) in wrapped,
                      "FastAPI" not in how and "Starlette" not in how, len(relative.parts)),
                     f"{module}:{name}", f"{relative.as_posix()}: {how}") for module, name, how, relative in candidates)
    launched = _launched_factories(backend, list(texts.values()))
    called = {how.partition(" = ")[2].removesuffix("(...)") for _, _, how, _ in candidates}  # app = create_app()
    made = sorted(((f"{module}:{name}" not in launched, bool(_SIDE_APP.search(module)), len(relative.parts)),
                   f"{module}:{name}()", f"{relative.as_posix()}: {how}"
                   + (", served with uvicorn's factory mode by the project" if f"{module}:{name}" in launched else ""))
                  for module, name, how, relative in factories
                  if (f"{module}:{name}" in launched or _FACTORIES.match(name)) and name not in called)
    return [(app, source) for _, app, source in ranked + made]


def own_apps(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The candidates that may be the backend's own app: never a mock's, a health check's or a CLI's."""
    return [(app, source) for app, source in found if not _SIDE_APP.search(app.partition(":")[0])]


def _poetry_constraint(text: str) -> str | None:
    """Poetry's python constraint (`^3.10`, `~3.11`, `>=3.9 <3.13`, `3.11.*`) in PEP 440; None for `*` or an `||`."""
    parts = [part.strip() for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", text.strip()) if part.strip()]
    if not parts or "||" in text or "*" == text.strip():
        return None
    specs = []
    for part in parts:
        caret, tilde = re.fullmatch(r"\^(\d+)(?:\.(\d+))?.*", part), re.fullmatch(r"~(\d+)\.(\d+).*", part)
        if caret:
            specs += [f">={part[1:]}", f"<{int(caret[1]) + 1}" if caret[1] != "0" else f"<0.{int(caret[2] or 0) + 1}"]
        elif tilde and not part.startswith("~="):
            specs += [f">={part[1:]}", f"<{tilde[1]}.{int(tilde[2]) + 1}"]
        else:
            specs.append(part if re.match(r"[<>=!~]", part) else f"=={part}")
    return ",".join(specs)


def requires_python(backend: Path) -> list[tuple[str, str]]:
    """(file, spec) for each requires-python the backend states."""
    found = []
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    project = pyproject.get("project", {}).get("requires-python")
    if project:
        found.append(("pyproject.toml", project))
    poetry = ((pyproject.get("tool") or {}).get("poetry") or {}).get("dependencies", {}).get("python")
    if not project and isinstance(poetry, str) and (spec := _poetry_constraint(poetry)):
        found.append(("pyproject.toml [tool.poetry]", spec))
    locked = backend_reading.toml(backend / "uv.lock").get("requires-python")
    if locked:
        found.append(("uv.lock", locked))
    return found


def installed_lock(backend: Path) -> tuple[Path, str | None] | None:
    """The lock the image installs from (the backend's own, else its uv workspace's) and, in a workspace, the
    member's project name; None when the backend pins nothing."""
    own = next((backend / name for name in LOCKS if (backend / name).is_file()), None)
    if own is not None:
        return own, None
    root = workspace_lock.needs_export(backend)
    return (root / "uv.lock", workspace_lock.member_name(backend)) if root is not None else None


def fewest_source_builds(verdicts: dict[str, lock_wheels.LockVerdict]) -> list[str]:
    """Of the Pythons the lock installs on, those no other one beats: where it compiles only some of what they
    compile (every package a wheel, when one Python has them all)."""
    installable = {python: set(seen.compiled) for python, seen in verdicts.items() if not seen.impossible}
    return [python for python, compiled in installable.items()
            if not any(other < compiled for other in installable.values())]


def unlocked_manifest(backend: Path) -> Path | None:
    """What the build resolves when nothing is locked: requirements.txt, else pyproject.toml."""
    return next((backend / name for name in ("requirements.txt", "pyproject.toml") if (backend / name).is_file()), None)


def pinned_by_sync(backend: Path) -> Path | None:
    """The manifest sync resolves into pylock.toml when nothing is locked: requirements.txt, or a pyproject.toml
    with a [project] table; None when the backend has a lock, or only Poetry's own tables (Poetry installs them)."""
    manifest = unlocked_manifest(backend)
    if manifest is None or installed_lock(backend) is not None or (manifest.name == "pyproject.toml"
                                                                     and poetry_only(backend)):
        return None
    return manifest


def _lock_verdicts(backend: Path, candidates: list[str],
                   extras: tuple[str, ...]) -> dict[str, lock_wheels.LockVerdict]:
    """Per candidate Python, what the build would compile (with the optional extras asked): from the lock, else
    from resolving the manifest for it the way check does."""
    lock = installed_lock(backend)
    if lock is not None:
        return {python: lock_wheels.verdict(lock[0], python, lock[1], extras) for python in candidates}
    manifest = unlocked_manifest(backend)
    if manifest is None:
        return {python: lock_wheels.LockVerdict() for python in candidates}
    return unlocked_resolution.verdicts(manifest, candidates, extras)


def _python_version(backend: Path, findings: Findings, current: str, extras: tuple[str, ...]) -> None:
    """The Python the lock installs best: .python-version's pin when no other offered Python compiles less, else
    the answer or the newest offered inside requires-python that compiles least (nothing, when one has wheels for
    every package)."""
    pinned = backend_reading.first_line(backend, ".python-version")
    match = re.search(r"(\d+)\.(\d+)", pinned)
    specs = requires_python(backend)
    fits = offered_that_satisfy([spec for _, spec in specs])
    verdicts = _lock_verdicts(backend, fits, extras)
    best = fewest_source_builds(verdicts)
    installable = [python for python, seen in verdicts.items() if not seen.impossible]
    lock = installed_lock(backend)
    manifest = None if lock else unlocked_manifest(backend)
    lock_name = lock[0].name if lock else f"{manifest.name} (resolved)" if manifest else "the lock"
    predicted = lock is not None or any(seen.installed or seen.impossible for seen in verdicts.values())
    if match:
        minor = f"{match[1]}.{match[2]}"
        conflicts = [f"{spec} ({source})" for source, spec in specs if not allows(spec, minor)]
        if minor in best or pinned in best:  # the series, unless requires-python pins this one patch release
            return findings.add("python_version", minor if minor in best else pinned, f".python-version: {pinned}")
        why = (f"requires-python {conflicts[0]} excludes it" if conflicts else
               f"the template offers {', '.join(OFFERED)}" if minor not in OFFERED else
               f"{lock_name} has packages with no wheel for it" if minor in installable else
               f"{lock_name} can't be installed on it")
        findings.notes.append(f".python-version asks for {pinned}, but {why}")
    if not specs and best == list(OFFERED):
        return
    shown = ", ".join(f"{spec} ({source})" for source, spec in specs) or lock_name
    source = f"requires-python {shown}" if specs else f"{lock_name}'s wheels"
    if not best:
        return findings.add("python_version", None, source,
                            f"none of the template's Pythons ({', '.join(OFFERED)}) satisfies it: widen requires-python"
                            if not fits else f"{lock_name} has packages with no wheel or source for any offered Python")
    chosen = current if current in best else best[-1]
    compiled = verdicts[chosen].compiled
    wheels = ("" if not predicted else f"{lock_name} has wheels for every package" if not compiled else
              f"{lock_name} has wheels for all but {', '.join(compiled)}, which no offered Python has")
    how = ("" if chosen == current else f"the one patch release it admits, python:{chosen}-slim" if is_patch(chosen)
           else "the newest offered that fits" if chosen == fits[-1] else
           "the newest offered with the fewest source builds")
    findings.add("python_version", chosen, ": ".join(part for part in (source, "; ".join(
        part for part in (how, wheels) if part)) if part))


# The backend's own distribution metadata read at run time: importlib.metadata's version()/metadata()/
# distribution(), importlib_metadata's, pkg_resources' get_distribution() and require().
_METADATA_CALL = re.compile(
    r"""\b(?:version|metadata|distribution|files|requires|get_distribution|require)"""
    r"""\(\s*["'](?P<name>[\w.-]+)["']\s*\)""")


def distribution(text: object) -> str:
    """The distribution a name or a requirement names, PEP 503 normalized (`psycopg2_binary==2.9`: psycopg2-binary)."""
    return re.sub(r"[-_.]+", "-", re.match(r"\s*([A-Za-z0-9._-]*)", str(text or ""))[1]).lower()


def project_name(backend: Path) -> str:
    """The backend's own distribution name (PEP 503 normalized): [project] name, else Poetry's."""
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    return distribution(pyproject.get("project", {}).get("name")
                        or ((pyproject.get("tool") or {}).get("poetry") or {}).get("name"))


def project_version(backend: Path) -> str:
    """The version pyproject.toml states for the project, which the image records as installed
    (space_serve/project_metadata.py); '' for one its build computes (dynamic, from git tags or a file)."""
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    version = pyproject.get("project", {}).get("version") or (
        ((pyproject.get("tool") or {}).get("poetry") or {}).get("version"))
    return version if isinstance(version, str) else ""


def _extra_groups(backend: Path) -> dict[str, list]:
    """The project's optional extras, from [project.optional-dependencies] and Poetry's [tool.poetry.extras]."""
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    groups = dict(pyproject.get("project", {}).get("optional-dependencies") or {})
    groups.update(((pyproject.get("tool") or {}).get("poetry") or {}).get("extras") or {})
    return groups


def extra_names(backend: Path) -> list[str]:
    return sorted(_extra_groups(backend))


def extra_listing(backend: Path) -> dict[str, str]:
    """{distribution (normalized): the optional extra that lists it}."""
    found: dict[str, str] = {}
    for extra, requirements in _extra_groups(backend).items():
        for requirement in requirements if isinstance(requirements, list) else []:
            if name := distribution(requirement):
                found.setdefault(name, extra)
    return found


def loaded_from_extras(backend: Path, asgi_app: str, app_dir: str, python: str,
                       answered: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """{module: (the file importing it, the extra installing it)} for the packages the app imports as it loads that
    the lock installs only with an optional extra (listed by it, or needed by what it lists: private-gpt imports
    httpx2, which its mcp needs), and not with the main dependencies and the extras answered; the smallest extra."""
    lock, names, listing = installed_lock(backend), extra_names(backend), extra_listing(backend)
    if lock is None or not names:
        return {}
    installed = lock_wheels.verdict(lock[0], python, lock[1], answered).installed
    by_extra: dict[str, dict] = {}
    found = {}
    for module, where in import_time_names.loaded_packages(backend, asgi_app, app_dir).items():
        name = distribution(module)
        if name in installed or code_imports.own_module(backend / app_dir, module):
            continue
        by_extra = by_extra or {extra: lock_wheels.verdict(lock[0], python, lock[1], (extra,)).installed
                                for extra in names}
        offering = sorted((len(packages), extra) for extra, packages in by_extra.items() if name in packages)
        if offering or name in listing:  # listed by one the lock left out (pdm locks the default group alone)
            found[module] = (where, offering[0][1] if offering else listing[name])
    return found


def poetry_only(backend: Path) -> bool:
    """A pyproject.toml with Poetry's own tables and no [project]: the image installs it unlocked with Poetry."""
    pyproject = backend_reading.toml(backend / "pyproject.toml")
    return "project" not in pyproject and "dependencies" in ((pyproject.get("tool") or {}).get("poetry") or {})


def own_metadata_read(backend: Path) -> tuple[str, str] | None:
    """(file, call) where the code reads its own project's installed metadata, which the image records only for a
    version pyproject.toml states; None when it doesn't read it, or the image has it."""
    own = project_name(backend)
    if not own or project_version(backend):
        return None
    root = backend.resolve()
    for path in backend_reading.source_files(root, (".py",)):
        text = backend_reading.text(path)
        if "metadata" not in text and "pkg_resources" not in text:
            continue
        for match in _METADATA_CALL.finditer(text):
            if distribution(match["name"]) == own and not _read_with_a_fallback(text, match["name"]):
                return path.relative_to(root).as_posix(), match[0]
    return None


# What a missing distribution raises: importlib.metadata's, pkg_resources', and what catches them.
_NOT_FOUND = {"PackageNotFoundError", "DistributionNotFound", "Exception", "BaseException", "ImportError"}


def _read_with_a_fallback(text: str, name: str) -> bool:
    """Every read of the distribution sits in a `try` whose handler catches its absence and goes on without
    raising (`except PackageNotFoundError: __version__ = "0.16.7"`, as letta's); a file that doesn't parse has none."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    reads = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args
             and isinstance(node.args[0], ast.Constant) and node.args[0].value == name]
    guarded = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_falls_back(handler) for handler in node.handlers):
            guarded |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    return bool(reads) and all(id(read) in guarded for read in reads)


def _falls_back(handler: ast.ExceptHandler) -> bool:
    return import_time_names.catches(handler, _NOT_FOUND) and not any(
        isinstance(inner, ast.Raise) for statement in handler.body for inner in ast.walk(statement))


LOCKS = dependency_files.PYTHON_LOCKS  # installed exactly, in the order the image's build prefers them


def manifest(backend: Path) -> str:
    """Which of the backend's files pins its dependencies, in words the summary and `check` print."""
    lock = next((name for name in LOCKS if (backend / name).is_file()), None)
    if lock:
        return f"{lock} ({LOCKS[lock]})"
    root = workspace_lock.needs_export(backend)
    if root is not None:
        return f"uv workspace member: its pins in {root / 'uv.lock'}, exported by sync to {workspace_lock.EXPORT_FILE}"
    if (backend / "requirements.txt").is_file():
        return (f"requirements.txt (no lock: sync pins what uv resolves, as of its last commit when that resolves, "
                f"in {unlocked_resolution.PINS_FILE})")
    return "pyproject.toml without a lock" if (backend / "pyproject.toml").is_file() else "none"


# What in Alembic's env.py puts another URL in place of alembic.ini's: an environment variable, the app's settings.
_URL_FROM_ELSEWHERE = re.compile(r"set_main_option|environ|getenv|settings|DATABASE|create_(?:async_)?engine\(")


def alembic_fixed_database(backend: Path) -> str | None:
    """The host of a server database that alembic.ini's sqlalchemy.url names and env.py uses as is (a compose
    service's name, the author's localhost), which no Space reaches; None when env.py reads one from elsewhere."""
    home = alembic_config.home(backend)
    folder = alembic_config.migrations(backend / home) if home is not None else None
    if folder is None:
        return None
    url = alembic_config.setting(backend / home, "sqlalchemy.url") or ""
    host = re.match(r"^[\w+]+://(?:[^@/]*@)?(?P<host>[^:/?]+)", url)
    env_py = backend_reading.text(backend / home / folder / "env.py")
    if not host or url.startswith("sqlite") or _URL_FROM_ELSEWHERE.search(env_py):
        return None
    return host["host"]


def _alembic_prestart(backend: Path) -> tuple[str, list[str]] | None:
    """`alembic upgrade head` where alembic.ini is (from its folder: paths in it are relative to where Alembic
    runs), with the PYTHONPATH env.py's imports need, and the files it reads; None without Alembic."""
    home = alembic_config.home(backend)
    folder = alembic_config.migrations(backend / home) if home is not None else None
    if folder is None:
        return None
    here = posixpath.join(home, folder)
    settings = alembic_config.config_file(backend / home) or "alembic.ini"
    command, needs = "alembic upgrade head", [posixpath.join(home, settings), here]
    path = code_imports.import_folder(backend, f"{here}/env.py")  # env.py imports `config` from src/
    if path and path != home:
        command, needs = f"PYTHONPATH={posixpath.relpath(path, home or '.')}:$PYTHONPATH {command}", [*needs, path]
    return (f"cd {home} && {command}" if home else command), needs


def uninstalled_tool(prestart: str, installed: dict[str, str]) -> str | None:
    """The migration tool a pre-start command runs (`alembic upgrade head`) when the image doesn't install it (a
    development group holds it); None when it does, or when what the image installs is not known."""
    ran = re.search(r"(?:^|&&|;|\s)(alembic|aerich)\s", prestart)
    return ran[1] if ran and installed and ran[1] not in installed else None


def _prestart(backend: Path, findings: Findings, settings: dict, installed: dict[str, str]) -> None:
    """A prestart script, or Alembic's migrations: the command and the files it needs that no import brings;
    first, an empty settings file where the code needs one to exist (`installed`: the packages the image gets)."""
    needs: list[str] = []
    command = source = ""
    if alembic := _alembic_prestart(backend):
        command, needs = alembic
        source = needs[0]  # alembic.ini (or pyproject.toml), where it is
        if uninstalled_tool(command, installed):
            findings.notes.append(f"{source}: its migrations need alembic, which the backend's main dependencies "
                                  "lack (a development group has it): run them against the Space's database "
                                  "yourself, or move alembic to the main dependencies")
            command, needs, source = "", [], ""
    for script in ("prestart.sh", "scripts/prestart.sh"):
        if (backend / script).is_file() and backend_reading.inside(backend.resolve(), backend / script):
            command, source, needs = f"sh {script}", script, [script, *needs]
            break
    needed = f"{source} runs before the start and needs {', '.join(needs)}"
    answers = {**settings, **findings.answers()}
    own = project_command.launcher(backend, str(answers.get("asgi_app") or ""), str(answers.get("app_dir") or ""))
    if own and own.prestart:
        command = f"{own.prestart} && {command}" if command else own.prestart
        why = f"the project's own `{own.command}` command ({own.file}) makes these folders before it serves the app"
        source = f"{why}; {source}" if source else why
    reader = detect_hazards.starlette_settings_file(backend)
    if reader and reader[1] and installed.get("starlette", "").startswith(detect_hazards.STARLETTE_RAISING):
        touch = detect_hazards.touch_settings_file(reader[1])
        command = f"{touch} && {command}" if command else touch
        why = f"{reader[0]} gives Starlette {installed['starlette']}'s Config {reader[1]}, which must exist"
        source = f"{source}; {why}" if source else why
    if not command:
        return
    findings.add("prestart", command, source)
    findings.need_files(settings, needs, needed)


# Files and folders the app opens by name, relative to where it runs (the backend's folder): Starlette's and
# FastAPI's StaticFiles(directory=...), Jinja2Templates(directory=...), Jinja's FileSystemLoader(...), and a path
# given to open() or Path() (a data file read at import). Read as text: the backend's Python may be newer than
# the one running these tools, whose parser would refuse its syntax.
_OPENED = re.compile(r"""\b(?:(?P<folder>StaticFiles|Jinja2Templates|FileSystemLoader)|open|Path|PurePath)\(\s*"""
                     r"""(?:(?:directory|searchpath|file)\s*=\s*)?[rbf]?["'](?P<name>[^"'\n{}]+)["']""")


def _opened_by_name(root: Path, name: str, folder: bool) -> bool:
    """A relative path inside the backend that exists: a folder, or (for open() and Path()) also a file."""
    name = name.removeprefix("./").rstrip("/")
    wanted = root / name
    if name in ("", ".") or name.startswith("/") or ".." in name.split("/") or not backend_reading.inside(root, wanted):
        return False  # Path(".") is the working folder, never a file the app needs (Prefect's filesystems)
    if (wanted / "__init__.py").is_file():
        return False  # a package of the code: shipped as code already
    return wanted.is_dir() or (not folder and wanted.is_file())


# Any other literal relative path with a folder in it that the backend holds (ImageFont.truetype("./data/a.otf")):
# a data file or a folder of data, never one of code.
_PATH_LITERAL = re.compile(r"""[rbf]?["'](?P<name>(?:\./)?[\w@.-]+(?:/[\w@.-]+)+/?)["']""")
# A path built from literal parts: `Path.cwd() / "assets" / "font" / "Arial.ttf"`, `os.path.join(BASE, "a", "b")`.
_PATH_PARTS = re.compile(r"""(?:/\s*["'][\w@.-]+["']\s*){2,}|\bos\.path\.join\((?P<joined>[^()]*)\)""")
_PART = re.compile(r"""["']([\w@.-]+)["']""")
# A settings or data file at the backend's root named alone (private-gpt's `"settings.yaml"`, looked for in folders
# its code lists): only in the app's own code, only a file the backend holds.
_ROOT_DATA_FILE = re.compile(r"""["']([\w-]+(?:\.[\w-]+)*\.(?:ya?ml|json|toml|ini|cfg|conf|csv))["']""")


# A path built from the module's own file: `Path(__file__).parent / "dist"`, `Path(__file__).resolve().parent.parent
# / "static" / "css"`, `os.path.join(os.path.dirname(__file__), "templates")`: relative to that file's folder.
_FROM_FILE = re.compile(
    r"""__file__\s*\)(?:\s*\.\s*(?:resolve|absolute)\(\s*\))?(?P<ups>(?:\s*\.\s*parent\b)+)"""
    r"""(?P<parts>(?:\s*/\s*["'][\w@.-]+["'])+)"""
    r"""|os\.path\.join\(\s*(?P<dirs>(?:os\.path\.dirname\(\s*)+)(?:os\.path\.(?:abspath|realpath)\(\s*)?__file__"""
    r"""\s*\)+\s*,(?P<joined>[^()]*)\)""")


def _built_from_files(root: Path, path: Path, text: str) -> list[str]:
    """The paths, relative to the backend, that the module builds from its own file's folder (or one above it)."""
    found = []
    for match in _FROM_FILE.finditer(text):
        ups = match["ups"].count("parent") if match["ups"] else match["dirs"].count("dirname")
        base = path
        for _ in range(ups):
            base = base.parent
        parts = _PART.findall(match["parts"] or match["joined"])
        if parts:
            found.append(posixpath.relpath((base / "/".join(parts)).as_posix(), root.as_posix()))
    return found


# A module-level name bound to a folder from the module's own file (`ROOT = Path(__file__).parents[1]`, `BASE_DIR =
# Path(__file__).resolve().parent.parent`), read to its statement's end; and a path built on it (`ROOT / "ui"`).
_FOLDER_NAME = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?P<value>[^\n]*(?:\n[ \t)\]][^\n]*)*)", re.M)
_FILE_UPS = re.compile(r"__file__\s*\)+(?:\s*\.\s*(?:resolve|absolute)\(\s*\))?"
                       r"(?:(?P<ups>(?:\s*\.\s*parent\b)+)|\s*\.\s*parents\s*\[\s*(?P<index>\d+)\s*\])")


def _built_on_named_folders(root: Path, files: list[Path]) -> dict[str, str]:
    """{path relative to the backend: the file building it} for `NAME / "part"` in these files, where a module of
    them binds NAME to a folder from its own file's: private-gpt's `PROJECT_ROOT_PATH / "ui"`."""
    folders: dict[str, set[Path]] = {}
    texts = {path: backend_reading.text(path) for path in files}
    for path, text in texts.items():
        for match in _FOLDER_NAME.finditer(text):
            if ups := _FILE_UPS.search(match["value"]):
                count = ups["ups"].count("parent") if ups["ups"] else int(ups["index"]) + 1
                folders.setdefault(match["name"], set()).add(path.parents[count - 1] if count <= len(path.parents)
                                                             else path.parents[-1])
    found: dict[str, str] = {}
    for name, bases in folders.items():
        use = re.compile(rf"\b{name}\s*/\s*[\"']([\w@.-]+(?:/[\w@.-]+)*)[\"']")
        for path, text in texts.items():
            for part in use.findall(text):
                for base in bases:
                    found.setdefault(posixpath.relpath((base / part).as_posix(), root.as_posix()),
                                     path.relative_to(root).as_posix())
    return found


def _data_path(root: Path, name: str) -> bool:
    """A file or folder of the backend that is data, not code (no Python in it), and may ship."""
    return (_opened_by_name(root, name, folder=False) and not never_ship.never(name)
            and not any(backend_reading.source_files(root / name, (".py",)) if (root / name).is_dir()
                        else [name.endswith(".py")]))


def _opened_folders(backend: Path, findings: Findings, settings: dict) -> None:
    root, found = backend.resolve(), {}
    asgi_app = findings.get("asgi_app")
    app = str(asgi_app.value if asgi_app is not None and asgi_app.value else settings.get("asgi_app", ""))
    answered = findings.get("app_dir")
    imported_from = str(answered.value if answered else settings.get("app_dir") or "")
    served = set(code_imports.python_imports(root, app, imported_from)) if ":" in app else set()
    sources = backend_reading.source_files(root, (".py",))
    for name, where in _built_on_named_folders(root, [path for path in sources
                                                      if path.relative_to(root).parts[0] in served]).items():
        # inside a package that ships whole as code, only build output (dist/) and .env.example need listing
        if _data_path(root, name) and (name.split("/")[0] not in served or never_ship.kept(name)
                                       or never_ship.local_only(name, is_dir=(root / name).is_dir())):
            found.setdefault(name, where)
    for path in sources:
        text = backend_reading.text(path)
        for match in _OPENED.finditer(text):
            name = match["name"].removeprefix("./").rstrip("/")
            if _opened_by_name(root, name, folder=bool(match["folder"])):
                found.setdefault(name, path.relative_to(root).as_posix())
        named = [match["name"] for match in _PATH_LITERAL.finditer(text)]
        if path.relative_to(root).parts[0] in served:  # the app's own code: not a dev script's generated files
            named += ["/".join(_PART.findall(match[0])) for match in _PATH_PARTS.finditer(text)
                      if "__file__" not in text[text.rfind("\n", 0, match.start()) + 1: match.start()]]
            # a package ships whole as code: only the build output in it (dist/) needs listing
            named += [name for name in _built_from_files(root, path, text)
                      if name.split("/")[0] not in served or never_ship.kept(name)
                      or never_ship.local_only(name, is_dir=(root / name).is_dir())]
            named += [name for name in _ROOT_DATA_FILE.findall(text)
                      if (root / name).is_file() and name not in dependency_files.all_files("python")]
        for name in named:
            name = name.removeprefix("./").rstrip("/")
            if name and _data_path(root, name):
                found.setdefault(name, path.relative_to(root).as_posix())
    if found:
        shown = ", ".join(f"{name} ({where})" for name, where in found.items())
        findings.need_files(settings, list(found), f"the app opens these by name: {shown}")
    for left_out, importer in (code_imports.left_out_imports(root, app, imported_from) if ":" in app else {}).items():
        findings.need_files(settings, [left_out], f"{importer} imports {left_out}, which the image leaves out "
                                                  "unless backend_files lists it")


# The page each framework serves its API's docs on by default; "" for none (the Space then opens its root).
_DOCS_PAGE = {"FastAPI": "/docs", "Litestar": "/schema"}


def _first_page(backend: Path, asgi_app: str, app_dir: str = "") -> tuple[str, str] | None:
    """(page, why) for the Space's base_path: the app's docs page (FastAPI's docs_url=, else its framework's
    default), or the root for a framework with none; None when the module can't say (a factory, settings)."""
    module, _, name = asgi_app.partition(":")
    path = code_imports.module_path(backend / app_dir, module)
    try:
        tree = ast.parse(backend_reading.text(path))
    except (SyntaxError, ValueError):
        return None
    strings: dict[str, str] = {}  # module-level names bound to strings so far: `version_prefix = f"/api/{version}"`
    for node in tree.body:
        value = getattr(node, "value", None)
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        text = _string(value, strings) if value is not None else None
        if text is not None:
            strings.update((target.id, text) for target in targets if isinstance(target, ast.Name))
        if not isinstance(value, ast.Call) or not any(isinstance(t, ast.Name) and t.id == name for t in targets):
            continue
        called = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        if called not in _ASGI_CLASSES:
            return None
        docs = next((keyword.value for keyword in value.keywords if keyword.arg == "docs_url"), None)
        where = path.relative_to(backend).as_posix()
        if docs is None:
            page = _DOCS_PAGE.get(called, "")
            return page, f"{where}: {called} serves {f'its docs at {page}' if page else 'no docs page'}"
        if isinstance(docs, ast.Constant) and docs.value is None:
            return "", f"{where}: docs_url=None"
        page = _string(docs, strings)
        return (page, f"{where}: docs_url={page!r}") if page is not None else None
    return None


def _string(node: ast.expr, strings: dict[str, str]) -> str | None:
    """A string literal, a name bound to one, or an f-string of those; None for anything else."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        return strings.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = [_string(part.value if isinstance(part, ast.FormattedValue) and part.conversion == -1
                         and part.format_spec is None else part, strings) for part in node.values]
        return "".join(parts) if all(part is not None for part in parts) else None
    return None


# The extras a backend's own Dockerfile installs: `--extra X`, `-E X`, `--extras "X Y"`, `.[X,Y]`, or the default of a
# build argument named like EXTRAS that its install reads (private-gpt's `ARG EXTRAS="core"`, `--extra $extra`).
_DOCKERFILE_EXTRAS = re.compile(r"""(?:--extra|-E|--extras|-G)[ =]["']?(?P<flag>[\w.\- ]+)"""
                                r"""|\.\[(?P<bracket>[\w.,\- ]+)\]"""
                                r"""|^\s*(?:ARG|ENV)\s+\w*EXTRAS\w*[ =]["']?(?P<default>[\w.\- ]+)""", re.M)


def _own_image_extras(backend: Path) -> list[str]:
    """The extras pyproject.toml defines that the backend's own Dockerfile installs."""
    text = backend_reading.text(backend / "Dockerfile") if (backend / "Dockerfile").is_file() else ""
    defined, found = set(extra_names(backend)), []
    for match in _DOCKERFILE_EXTRAS.finditer(text):
        words = re.split(r"[\s,]+", match["flag"] or match["bracket"] or match["default"])
        found += [word for word in words if word in defined and word not in found]
    return found


def _extras(backend: Path, findings: Findings, settings: dict) -> tuple[str, ...]:
    """The optional extras the image installs: those answered, those the backend's own Dockerfile installs, and
    those installing a package the app imports as it loads that the main dependencies leave out (letta's asyncpg,
    in its `postgres` extra)."""
    answered = tuple(settings.get("extras") or [])
    app = findings.answers().get("asgi_app") or str(settings.get("asgi_app", ""))
    if ":" not in app:
        return answered
    app_dir = str(findings.answers().get("app_dir", settings.get("app_dir") or ""))
    python = str(settings.get("python_version") or OFFERED[-1])
    own = _own_image_extras(backend)
    needed = {extra: "the backend's own Dockerfile installs it" for extra in own}
    for module, (where, extra) in loaded_from_extras(backend, app, app_dir, python, (*answered, *own)).items():
        needed.setdefault(extra, f"{where} imports {module}")
    if not set(needed) - set(answered):
        return answered
    chosen = tuple(sorted(set(answered) | set(needed)))
    findings.add("extras", list(chosen), "; ".join(f"{extra}: {why}" for extra, why in needed.items()))
    return chosen


def find(backend: Path, findings: Findings, settings: dict) -> None:
    found = asgi_apps(backend)
    apps = own_apps(found)
    if found and not apps:  # only side answers (a mock, a CLI's helper): the backend's own app is made elsewhere
        findings.notes.append("ASGI apps found, none the backend's own (a mock's, a health check's or a CLI's): "
                              + ", ".join(app for app, _ in found[:4]))
    if apps:
        findings.add("asgi_app", apps[0][0], apps[0][1])
        folder = app_folder(*apps[0])
        if folder or settings.get("app_dir"):
            findings.add("app_dir", folder, source_roots(backend).get(folder, "the app's module is at the root"))
        if page := _first_page(backend, apps[0][0], folder):
            findings.add("base_path", *page)
        if len(apps) > 1:
            findings.notes.append("other ASGI apps: " + ", ".join(app for app, _ in apps[1:4]))
    else:
        findings.add("asgi_app", None,
                     "no module-level FastAPI(), Starlette(), app = ...() or app factory in the backend",
                     "answer asgi_app with `copier update --defaults --data asgi_app=package.module:app`")
    asked = _extras(backend, findings, settings)
    _python_version(backend, findings, str(settings.get("python_version", "")), asked)
    python = findings.answers().get("python_version") or str(settings.get("python_version", ""))
    _prestart(backend, findings, settings, _lock_verdicts(backend, [python], asked)[python].installed)
    _opened_folders(backend, findings, settings)
    findings.notes.append(f"dependencies: {manifest(backend)}")
