# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What a backend folder must hold before it becomes a Space, checked before anything is written."""

from __future__ import annotations

import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from . import (
    backend_reading,
    code_imports,
    dependency_files,
    detect_hazards,
    detect_node,
    detect_python,
    detect_variables,
    import_time_names,
    lock_wheels,
    never_ship,
    package_index,
    pnpm_workspace_lock,
    project_command,
    sign_in_checks,
    unlocked_resolution,
)
from .config import SpaceConfig
from .errors import SpaceError
from .version_spec import OFFERED, allows, end_of_life, is_patch, minor, offered_that_satisfy


def check_backend(config: SpaceConfig, folder: Path) -> list[str]:
    """Raise SpaceError naming what is missing; return notes worth printing."""
    if not folder.is_dir():
        raise SpaceError(f"the backend folder {folder} does not exist.")
    if config.runtime == "python":
        return _check_python(config, folder)
    return _check_node(config, folder)


_WRANGLER_CONFIGS = ("wrangler.toml", "wrangler.json", "wrangler.jsonc")  # a Cloudflare Worker's


def _lock_of(folder: Path) -> Path:
    """The Node lock the image installs from, for the command a line names (package-lock.json when it has none)."""
    return folder / next(iter(detect_node.locks(folder)[0]), "package-lock.json")


def _fix_answer(name: str, example: str) -> str:
    return f"fix the backend, or the answer with `copier update --defaults --data {name}={example}`"


def _check_python(config: SpaceConfig, folder: Path) -> list[str]:
    notes: list[str] = []
    prestart = str(config.settings.get("prestart") or "")
    pyproject, lock, requirements = (folder / name for name in ("pyproject.toml", "uv.lock", "requirements.txt"))
    if not pyproject.is_file() and not requirements.is_file():
        raise SpaceError(
            f"{folder} has neither pyproject.toml nor requirements.txt: the image installs the dependencies "
            "from the backend's own manifest; add one."
        )
    if lock.is_file() and not pyproject.is_file():
        raise SpaceError(f"{folder} has uv.lock but no pyproject.toml; uv needs both (run `uv lock` in the backend).")
    if outside := detect_hazards.python_outside_dependencies(folder):
        raise SpaceError(f"the backend installs {', '.join(outside)} from a folder outside it, which the image never "
                         "has, so the install would fail: depend on a published release, or move the folder into "
                         "the backend.")
    module, _, _ = config.settings["asgi_app"].partition(":")
    app_dir = config.app_dir
    module_path = folder.joinpath(app_dir, *module.split("."))
    if not module_path.with_suffix(".py").is_file() and not (module_path / "__init__.py").is_file():
        apps = detect_python.own_apps(detect_python.asgi_apps(folder))
        found = [app for app, _ in apps]
        example = found[0] if found else "package.module:app"
        if apps and (folder_of_first := detect_python.app_folder(*apps[0])) != app_dir:
            example += f" --data app_dir={folder_of_first or chr(39) * 2}"
        hint = f" Found {', '.join(found[:3])} in the backend." if found else (
            " No app in it is the backend's own: name its module-level app, or its app factory as "
            "module:create_app().")
        raise SpaceError(
            f"asgi_app {config.settings['asgi_app']!r} points at {module_path.relative_to(folder)}.py, which is not "
            f"in {folder};{hint} {_fix_answer('asgi_app', example)}."
        )
    extras = tuple(config.extras)
    _refuse_unusable_extras(folder, extras)
    listed = {os.path.normpath(entry.strip()) for entry in config.backend_files}  # `./tests/` is `tests`
    for left_out, importer in code_imports.left_out_imports(folder, config.settings["asgi_app"], app_dir).items():
        if left_out not in listed:
            raise SpaceError(f"{importer} imports {left_out}, a folder the image leaves out unless backend_files "
                             "lists it, so the app would stop at import: run `./space detect --write`, which adds "
                             "it.")
    manifests = " ".join(path.read_text() for path in (pyproject, lock, requirements) if path.is_file())
    python = str(config.settings.get("python_version", ""))
    wanted = detect_python.requires_python(folder)
    for source, spec in wanted:
        if not allows(spec, python):
            fits = offered_that_satisfy([spec for _, spec in wanted])
            fix = (_fix_answer("python_version", fits[-1]) if fits else
                   f"none of the template's Pythons ({', '.join(OFFERED)}) does: widen requires-python")
            raise SpaceError(f"python_version {python} does not satisfy requires-python {spec!r} of {source}; {fix}.")
    if is_patch(python):
        major, series = minor(python).split(".")
        notes.append(f"note: python:{python}-slim is the one patch release requires-python admits: its image never "
                     f"gets the security fixes of later {major}.{series} releases; with a range such as "
                     f">={python},<{major}.{int(series) + 1} there, `./space detect --write` moves the Space to "
                     f"python:{major}.{series}-slim")
    ended = end_of_life(python)
    if ended:
        notes.append(f"note: Python {python} has had no security fixes since {ended}: it is here because the backend's "
                     "pins install on no newer one; with newer pins, `./space detect --write` moves the Space on")
    unnamed = detect_variables.unnamable(folder)
    if unnamed:
        raise SpaceError(f"the code needs {', '.join(unnamed[:3])} from its environment, with no default, and a "
                         "Space's Variables and Secrets are declared in capitals (A-Z, 0-9, _): read an upper-case "
                         "name in the code (config(\"SECRET\")), or give it a default.")
    host = detect_python.alembic_fixed_database(folder) if "alembic" in config.settings.get("prestart", "") else None
    if host:
        raise SpaceError(f"alembic.ini's sqlalchemy.url names a database at host {host}, which the Alembic env.py "
                         "uses as is, and a Space can't reach it, so the pre-start `alembic upgrade head` would fail: "
                         "read the URL from an environment variable in env.py (config.set_main_option(\"sqlalchemy.url\", "
                         "os.environ[\"DATABASE_URL\"])), or answer prestart= without Alembic.")
    own_read = detect_python.own_metadata_read(folder)
    if own_read:
        raise SpaceError(f"{own_read[0]} reads the installed metadata of the backend's own project "
                         f"({own_read[1]}), whose version only its build computes (pyproject.toml states none), and "
                         "the image never builds the project, so the start would fail with PackageNotFoundError: "
                         "state the version in pyproject.toml, or read it from a file or a constant.")
    series = tuple(int(part) for part in minor(python).split(".")) if re.fullmatch(r"\d+\.\d+", minor(python)) else ()
    if series and series < import_time_names.DEFERRED_FROM and (
            unbound := import_time_names.first_unbound(folder, config.settings["asgi_app"], app_dir)):
        where, line, name = unbound
        raise SpaceError(f"{where}:{line} annotates with {name} before the module imports or defines it, and Python "
                         f"{python} evaluates annotations as the module loads, so the start would fail with "
                         f"NameError: import it above that line (or add `from __future__ import annotations`).")
    if not prestart and (own := project_command.launcher(folder, config.settings["asgi_app"], app_dir)):
        fix = ("run `./space detect --write`, which answers prestart with those steps" if own.prestart else
               "answer prestart with those steps (`copier update --defaults --data prestart='mkdir -p ...'`)")
        raise SpaceError(f"the project's own `{own.command}` command ({own.file}) makes folders before it serves "
                         f"{config.settings['asgi_app']}, and the Space's start serves the app alone, so what the app "
                         f"expects of them would be missing: {fix}, or make the app do them.")
    for where, line, module in import_time_names.missing_own_modules(folder, config.settings["asgi_app"], app_dir)[:1]:
        raise SpaceError(f"{where}:{line} imports {module}, a module the backend does not have (not committed? its "
                         "build may write it), so the start would fail with ImportError: add it, or remove the import.")
    notes += _static_folders(folder, str(config.settings["asgi_app"]), app_dir)
    notes += sign_in_checks.check(config.settings, folder, manifests)
    specs = [spec for _, spec in wanted]
    lock = detect_python.installed_lock(folder)
    installed = lock_wheels.verdict(lock[0], python, lock[1], extras).installed if lock is not None else {}
    _refuse_an_uninstalled_prestart_tool(installed, lock[0].name if lock is not None else "", prestart)
    _refuse_a_missing_settings_file(folder, installed, lock[0].name if lock is not None else "", prestart)
    _refuse_an_import_only_an_extra_installs(config, folder, python)
    _refuse_installs_at_start(folder, config.settings["asgi_app"], app_dir, installed)
    if (installed and "uvicorn" not in installed) or not re.search(r"(?i)\buvicorn\b|fastapi\[[^\]]*standard",
                                                                     manifests):
        notes.append("uvicorn is not among the backend's main dependencies: the image serves the app with its own "
                     "(UVICORN_VERSION in the Dockerfile), as a project's Dockerfile that installs it apart does")
    if lock is not None:
        notes += _lock_verdict(lock[0], python, specs, lock[1], extras=extras)
        if lock[1] is None:
            notes.append(f"dependencies: {lock[0].name} ({detect_python.LOCKS[lock[0].name]})")
    else:
        manifest = requirements if requirements.is_file() else pyproject
        if detect_python.pinned_by_sync(folder) is None:  # Poetry's own tables: Poetry installs them
            notes += _unlocked_verdict(manifest, python, specs, prestart, extras)[0]
            notes.append(f"dependencies: {manifest.name} (no lock: run `poetry lock` in the backend to pin them)")
        else:
            verdict, releases = _unlocked_verdict(manifest, python, specs, prestart, extras)
            notes += verdict
            pinned = (f"sync pins {releases}, in ./backend/{unlocked_resolution.PINS_FILE}" if releases
                      else "versions may drift between builds")
            notes.append(f"dependencies: {manifest.name} (no lock: {pinned})")
    return notes


def _unlocked_verdict(manifest: Path, python: str, specs: list[str], prestart: str,
                      extras: tuple[str, ...]) -> tuple[list[str], str | None]:
    """What the build's resolution of an unlocked manifest would compile or fail on, predicted the same way, and
    which releases it pins."""
    with tempfile.TemporaryDirectory(prefix="space-resolve-") as scratch:
        try:
            resolved, why_not, releases = unlocked_resolution.resolve(manifest, python, Path(scratch), extras)
        except unlocked_resolution.Unresolvable as error:
            fits = next((other for other in reversed(offered_that_satisfy(specs)) if other != python
                         and _resolves(manifest, other, Path(scratch), extras)), None)
            fix = _fix_answer("python_version", fits) if fits else "change the pins that conflict"
            raise SpaceError(f"{manifest.name} does not resolve for Python {python} on {lock_wheels.PLATFORM}, so the "
                             f"image's build would fail the same way: {error}; {fix}.") from None
        if resolved is None:
            return [f"note: {manifest.name} not resolved: {why_not}"], None
        found = lock_wheels.verdict(resolved, python)
        _refuse_an_uninstalled_prestart_tool(found.installed, f"{manifest.name} (resolved)", prestart)
        _refuse_a_missing_settings_file(manifest.parent, found.installed, f"{manifest.name} (resolved)", prestart)
        if found.compiled and not found.impossible:  # each Python resolves apart: another may pin releases with wheels
            others = {other: seen for other in reversed(offered_that_satisfy(specs)) if other != python
                      and (seen := unlocked_resolution.resolved_verdict(manifest, other, Path(scratch) / other,
                                                                        extras))
                      is not None
                      and not seen.impossible and set(seen.compiled) < set(found.compiled)}
            better = detect_python.fewest_source_builds(others)
            if better:
                _refuse_source_builds(found.compiled, f"{manifest.name} (resolved)", python, better[0],
                                      others[better[0]].compiled)
        return _lock_verdict(resolved, python, specs, shown=f"{manifest.name} (resolved)"), releases


def _refuse_installs_at_start(folder: Path, asgi_app: str, app_dir: str, installed: dict[str, str]) -> None:
    """The app installs packages as it starts (its plugins' requirements files): the image's packages are fixed at
    its build and read-only to the app, so whatever those files name must be among the dependencies the image
    installs (the app then finds them there); where the lock is not read, nothing is refused."""
    ran = import_time_names.installs_at_import(folder, asgi_app, app_dir) if installed else None
    if ran is None:
        return
    root, missing = folder.resolve(), {}
    packages = code_imports.python_imports(root, asgi_app, app_dir)  # the app's own: not a dev script's, nor a Space's
    for path in sorted(path for package in packages if (root / package).is_dir()
                       for path in (root / package).rglob("requirements*.txt")):
        if not backend_reading.inside(root, path) or never_ship.never(path.relative_to(root).as_posix()):
            continue
        for line in backend_reading.text(path).splitlines():
            name = detect_python.distribution(line.split("#")[0]) if not line.lstrip().startswith("-") else ""
            if name and name not in installed:
                missing.setdefault(path.relative_to(root).as_posix(), []).append(name)
    if missing:
        shown = "; ".join(f"{', '.join(names)} ({where})" for where, names in missing.items())
        raise SpaceError(f"{ran[0]}:{ran[1]} installs packages as the app starts, and the image's packages are fixed "
                         f"at its build, read-only to the app, so the start would fail installing {shown}: add them "
                         "to the backend's dependencies and lock them.")


def _refuse_an_uninstalled_prestart_tool(installed: dict[str, str], shown: str, prestart: str) -> None:
    """A migration tool the pre-start runs that only a development group installs: the start would stop on it."""
    if tool := detect_python.uninstalled_tool(prestart, installed):
        raise SpaceError(f"prestart `{prestart}` runs {tool}, which {shown} does not install in the image (it installs "
                         f"the main dependencies): move {tool} to them, or answer prestart= and run the migrations "
                         "yourself.")


def _static_folders(folder: Path, asgi_app: str, app_dir: str) -> list[str]:
    """Starlette's StaticFiles raises as it is made on a folder that is not there (a frontend's build its toolchain
    writes, a git-ignored folder): refused when the app always makes it, a note when an `if` decides."""
    notes = []
    for where, line, static, conditional in import_time_names.missing_static_folders(folder, asgi_app, app_dir):
        what = (f"{where}:{line} serves {static} with StaticFiles as the module loads, and the backend has no such "
                "folder (its frontend's build, or one git ignores?), so the start")
        if not conditional:
            raise SpaceError(f"{what} would fail with RuntimeError: commit it, create it before the mount, or build "
                             "it in the Dockerfile.")
        notes.append(f"note: {what} fails with RuntimeError unless the condition around it skips the mount")
    return notes


def _refuse_unusable_extras(folder: Path, extras: tuple[str, ...]) -> None:
    """The answer `extras` names optional extras of pyproject.toml, which only a lock of one (uv, Poetry, PDM) or
    pyproject.toml itself can install."""
    if not extras:
        return
    lock = detect_python.installed_lock(folder)
    manifest = lock[0].name if lock is not None else (detect_python.unlocked_manifest(folder) or folder).name
    if manifest in ("pylock.toml", "requirements.txt"):
        raise SpaceError(f"extras names {', '.join(extras)}, and the image installs {manifest}, which installs what it "
                         f"lists: list their packages in {manifest}, or answer `extras=[]`.")
    defined = detect_python.extra_names(folder)
    unknown = [extra for extra in extras if extra not in defined]
    if unknown:
        raise SpaceError(f"extras names {', '.join(unknown)}, which pyproject.toml does not define (its extras: "
                         f"{', '.join(defined) or 'none'}): fix the answer with `copier update --defaults --data "
                         f"'extras={json.dumps(defined[:1])}'` (or run `./space detect --write`).")
    if manifest == "pdm.lock":
        locked = (backend_reading.toml(lock[0]).get("metadata") or {}).get("groups") or []
        unlocked = [extra for extra in extras if extra not in locked]
        if unlocked:
            raise SpaceError(f"extras names {', '.join(unlocked)}, which pdm.lock was locked without, so `pdm sync` "
                             f"would refuse it: lock them too (`pdm lock {' '.join('-G ' + x for x in unlocked)}`) "
                             "and commit pdm.lock.")


def _refuse_an_import_only_an_extra_installs(config: SpaceConfig, folder: Path, python: str) -> None:
    """A package the app imports as it loads that only an optional extra installs (letta imports asyncpg, in its
    `postgres` extra) and the answer `extras` leaves out: the start would stop on ModuleNotFoundError."""
    loaded = detect_python.loaded_from_extras(folder, config.settings["asgi_app"], config.app_dir, python,
                                              tuple(config.extras))
    for module, (where, extra) in list(loaded.items())[:1]:
        raise SpaceError(f"{where} imports {module}, which only the backend's `{extra}` extra installs, and "
                         "the image installs the main dependencies and the extras answered, so the start would "
                         f"fail with ModuleNotFoundError: run `./space detect --write`, which answers extras, or "
                         f"move {module} to the main dependencies.")


def _refuse_a_missing_settings_file(folder: Path, installed: dict[str, str], shown: str, prestart: str) -> None:
    """Starlette 0.36 raises when its Config's file is missing, and the image never holds a .env: the pre-start
    must create it empty (detect answers so), since its values arrive as environment variables."""
    version = installed.get("starlette", "")
    reader = detect_hazards.starlette_settings_file(folder) if version.startswith(detect_hazards.STARLETTE_RAISING) \
        else None
    touch = detect_hazards.touch_settings_file(reader[1]) if reader and reader[1] else None
    if reader is None or (touch and touch in (step.strip() for step in prestart.split("&&"))):
        return
    fix = (f"answer prestart=`{touch}` before what it runs (`./space detect --write` does)" if touch
           else "call Config() without a file when none exists")
    raise SpaceError(f"{reader[0]} gives Starlette's Config a settings file, and Starlette {version}, from {shown}, "
                     "stops the start when that file is missing, as a .env always is in the image (a Space gets its "
                     f"values as environment variables): upgrade Starlette to 0.37 or later, which only warns, or {fix}.")


def _resolves(manifest: Path, python: str, scratch: Path, extras: tuple[str, ...]) -> bool:
    try:
        return unlocked_resolution.resolve(manifest, python, scratch, extras).lock is not None
    except unlocked_resolution.Unresolvable:
        return False


def _lock_verdict(lock: Path, python: str, specs: list[str], project: str | None = None,
                  shown: str = "", extras: tuple[str, ...] = ()) -> list[str]:
    """Refuse a lock the build could not install on this Python; say which packages it would compile."""
    shown = shown or lock.name
    found = lock_wheels.verdict(lock, python, project, extras)
    if not found.impossible and not found.compiled:
        return []
    others = [(other, lock_wheels.verdict(lock, other, project, extras))
              for other in reversed(offered_that_satisfy(specs))]
    where = f"Python {python} on {lock_wheels.PLATFORM}"
    if found.impossible:
        fits = next((other for other, seen in others if not seen.impossible), None)
        fix = _fix_answer("python_version", fits) if fits else "pick versions of them that publish wheels for Linux"
        raise SpaceError(f"{', '.join(found.impossible)} in {shown} {'has' if len(found.impossible) == 1 else 'have'} "
                         f"no wheel for {where} and no source to build, so the image's build would fail; {fix}.")
    better = detect_python.fewest_source_builds({other: seen for other, seen in others
                                                  if not seen.impossible and set(seen.compiled) < set(found.compiled)})
    if better:
        _refuse_source_builds(found.compiled, shown, python, better[0], dict(others)[better[0]].compiled)
    beyond = [f"{package} ({_CANT_COMPILE[_name(package)]})" for package in found.compiled
              if _name(package) in _CANT_COMPILE]
    if beyond:
        raise SpaceError(f"{', '.join(beyond)} in {shown} {'has' if len(beyond) == 1 else 'have'} no wheel for "
                         f"{where} or any other offered Python, and compiling needs what the build stage lacks, so the "
                         "image's build would fail: pin a release that publishes wheels for Linux and a Python the "
                         "template offers.")
    dated = [package for package in found.compiled if _name(package) in source_builds()
             and (package in found.linux_elsewhere or package_index.publishes_linux_wheels(*package.split(" ", 1)))]
    if dated:
        it, verb, release = ("it", "publishes", "that release predates") if len(dated) == 1 else (
            "them", "publish", "those releases predate")
        raise SpaceError(f"{', '.join(dated)} in {shown} {verb} Linux wheels for other Pythons but not for Python "
                         f"{python}, so {release} it, and compiling {it} there can fail (C code older than the "
                         f"Python's API): upgrade {it} to a release with wheels for Python {python}.")
    headers = sorted({package for name in map(_name, found.compiled) for package in source_builds().get(name, ())})
    return [f"builds from source: {', '.join(found.compiled)} (no wheel for {where} or any other offered Python): "
            "the image's build stage compiles with a C toolchain"
            f"{' and ' + ', '.join(headers) if headers else ''}, which takes longer"]


def _refuse_source_builds(compiled: list[str], shown: str, python: str, other: str, other_compiles: list[str]) -> None:
    """Another offered Python compiles only some of what `python` would (a source build can fail in ways no lock
    shows: a C-API change, missing headers): refuse, naming it."""
    one = len(compiled) == 1
    has = "all" if not other_compiles else f"all but {', '.join(other_compiles)}"
    raise SpaceError(f"{', '.join(compiled)} in {shown} {'has' if one else 'have'} no wheel for Python {python} on "
                     f"{lock_wheels.PLATFORM}, so the image's build would compile {'it' if one else 'them'} from "
                     f"source, which may fail; python_version={other} has wheels for {has}: "
                     f"{_fix_answer('python_version', other)}.")


# Packages whose source build needs more than the build stage installs (a Rust toolchain, a BLAS): with no wheel,
# it can't compile them. Those that need only system headers are in space_serve/source_builds.txt.
_CANT_COMPILE = {
    "cryptography": "needs a Rust toolchain", "pydantic-core": "needs a Rust toolchain",
    "orjson": "needs a Rust toolchain", "scipy": "needs gfortran and a BLAS", "numpy": "needs a BLAS and a long build",
}


@lru_cache(maxsize=1)
def source_builds() -> dict[str, tuple[str, ...]]:
    """space_serve/source_builds.txt, which the Dockerfile reads too: package -> the Debian packages its build needs."""
    table = Path(__file__).parent.parent / "space_serve" / "source_builds.txt"
    rows = [line.split("#")[0].split() for line in table.read_text(encoding="utf-8").splitlines()]
    return {row[0]: tuple(row[1:]) for row in rows if len(row) > 1}


def _name(shown_package: str) -> str:
    """`Pillow 9.0.1` -> pillow."""
    return shown_package.split(" ")[0].lower().replace("_", "-")


def _check_node(config: SpaceConfig, folder: Path) -> list[str]:
    package = folder / "package.json"
    if not package.is_file():
        raise SpaceError(f"{folder} has no package.json: the image installs the dependencies from it.")
    try:
        manifest = json.loads(package.read_text())
    except ValueError as error:
        raise SpaceError(f"{package} is not valid JSON: {error}.") from None
    entry = config.settings.get("entry_file", "")
    if not (folder / entry).is_file():
        found = detect_node.entry_file(folder)
        worker = next((name for name in _WRANGLER_CONFIGS if (folder / name).is_file()), "")
        if not found and worker:
            raise SpaceError(f"{worker} makes the backend a Cloudflare Worker, which workerd runs with its bindings "
                             "and no file of it starts a server: a Space runs a server that listens on PORT (with "
                             "Hono, serve() from @hono/node-server in a file of its own), then answer entry_file with "
                             "it.")
        if not found:
            raise SpaceError(f"entry_file {entry!r} is not in {folder}, and no file there starts a server (listen(), "
                             "serve()): answer entry_file with the one that does (`copier update --defaults --data "
                             "entry_file=<its path in the backend>`).")
        raise SpaceError(f"entry_file {entry!r} is not in {folder}; {found} starts the server; "
                         f"{_fix_answer('entry_file', found)}.")
    if "better-auth" not in (manifest.get("dependencies") or {}):
        where = "is only in devDependencies" if "better-auth" in (manifest.get("devDependencies") or {}) else "is not"
        raise SpaceError(
            f"better-auth {where} among the dependencies in {package}; the image installs only `dependencies` "
            "and the Space's start-up imports better-auth: run `npm install --save-prod better-auth` in the backend."
        )
    resolved = folder.resolve()
    workspace = detect_hazards.workspace_dependencies(resolved) + detect_hazards.outside_dependencies(resolved)
    js_runtime = config.settings.get("js_runtime", "node")
    problem = workspace[0] if workspace else detect_node.unsupported(folder, js_runtime)
    if problem:
        raise SpaceError(f"{problem}.")
    if js_runtime == "bun":
        _check_bun(config, folder)
    elif detect_node.bun_served(folder, manifest, entry):
        raise SpaceError(f"{entry}'s default export is its server, which Bun serves when a package.json script runs it "
                         "and Node.js never starts: run it on Bun with `copier update --defaults --data "
                         "js_runtime=bun` (`./space detect --write` answers it).")
    imports = code_imports.node_import_graph(folder, entry)
    # Prisma's generate step writes code the imports may name (`../generated/prisma`): the build makes it.
    if imports.missing and not config.settings.get("prisma_schema"):
        more = f" (and {len(imports.missing) - 1} more)" if len(imports.missing) > 1 else ""
        if schema := detect_node.prisma_schema(folder, "devDependencies"):
            raise SpaceError(f"{imports.missing[0]}{more}, which `prisma generate` may write from {schema}, but "
                             "@prisma/client is only in devDependencies, so the image never generates it: move it "
                             f"there (`{detect_node.add_command(_lock_of(folder), '@prisma/client')}` in the backend).")
        raise SpaceError(f"{imports.missing[0]}{more}, a file the backend does not have (not committed?), so the "
                         "build can't bundle the server: add it, or remove the import.")
    if imports.outside:
        more = f" (and {len(imports.outside) - 1} more)" if len(imports.outside) > 1 else ""
        raise SpaceError(f"{imports.outside[0]}{more}: code outside the backend, which the image can't have; move it "
                         "into the backend, or publish it as a package the backend depends on.")
    prestart_problem = detect_node.dev_only_prestart(manifest, str(config.settings.get("prestart") or ""))
    if prestart_problem:
        raise SpaceError(f"prestart `{config.settings['prestart']}` can't run in the image: {prestart_problem}; or "
                         "answer prestart= and run it yourself.")
    prisma = _check_prisma(config, folder)
    used = detect_node.adapter(folder)
    if used and config.settings.get("migrate_on_start"):
        raise SpaceError(f"migrate_on_start can't create the schema: {used[0]} gives Better Auth {used[1]}(), which "
                         "its migration can't drive; migrate with the ORM's own tool as prestart and answer "
                         "migrate_on_start=false (`copier update --defaults --data migrate_on_start=false`).")
    locks = detect_node.locks(folder)[0]
    workspace = None if locks else pnpm_workspace_lock.needs_export(folder)
    if workspace is not None:
        with tempfile.TemporaryDirectory(prefix="space-lock-") as scratch:
            lock = Path(scratch) / pnpm_workspace_lock.LOCK
            install = pnpm_workspace_lock.export(folder, workspace)
            lock.write_bytes(install.lock)
            _check_pnpm_workspace(config, install.folders)
            _check_lock_matches(manifest, lock, shown=workspace / pnpm_workspace_lock.LOCK)
            _check_packages(manifest, folder, imports, lock)
            _check_reaches_better_auth(config, folder, imports)
            better_auth = _check_better_auth(lock, folder)
        shown = (f"dependencies: the pnpm workspace's {workspace / lock.name}, its entry for the backend written by "
                 f"sync as the backend's own {lock.name} ({detect_node.install_command(lock)})")
        return [*better_auth, *prisma, *sign_in_checks.check(config.settings, folder), *_unmigrated(config, used), shown]
    if not locks:
        raise SpaceError(
            f"{folder} has no lock file ({dependency_files.NODE_LOCK_NAMES}), so the build can't "
            "install exactly what you tested: run `npm install --package-lock-only` in the backend and commit the lock."
        )
    managers = {detect_node.LOCKS[name].split()[0]: name for name in locks}  # bun.lock and bun.lockb: one tool
    if len(managers) > 1:
        named = " and ".join(managers.values())
        raise SpaceError(f"{folder} has {named}, locks of different package managers, and the image installs only "
                         f"{locks[0]} ({detect_node.install_command(folder / locks[0])}): delete the lock your team "
                         "no longer uses (a stale one fails or installs other versions).")
    lock = folder / locks[0]
    _check_pnpm_workspace(config, [])
    _check_berry(manifest, lock)
    if lock.name in ("package-lock.json", "pnpm-lock.yaml"):
        _check_lock_matches(manifest, lock)
    _check_packages(manifest, folder, imports, lock)
    _check_reaches_better_auth(config, folder, imports)
    return [*_check_better_auth(lock, folder), *prisma, *sign_in_checks.check(config.settings, folder),
            *_unmigrated(config, used), f"dependencies: {lock.name} ({detect_node.install_command(lock)})"]


def _check_packages(manifest: dict, folder: Path, imports: code_imports.NodeImportGraph, lock: Path) -> None:
    """The packages the server's code imports must be among those the lock installs for production: not a
    devDependency (unless a production dependency needs it too, as a peer), nor a package only a workspace's root
    package.json lists. Where the lock can't tell (Yarn, bun), nothing is refused."""
    installed = detect_node.production_packages(lock)
    if installed is None:
        return
    root = pnpm_workspace_lock.workspace_root(folder)
    listed = backend_reading.package_json(root) if root else {}
    for package, importer in imports.packages.items():
        if package in installed or package in (manifest.get("dependencies") or {}):
            continue
        if package in (manifest.get("devDependencies") or {}):
            raise SpaceError(f"{importer} imports {package}, which is only in devDependencies, and the image installs "
                             f"dependencies only: move it there (`{detect_node.add_command(lock, package)}` in the "
                             "backend).")
        if root and any(package in (listed.get(kind) or {}) for kind in ("dependencies", "devDependencies")):
            raise SpaceError(f"{importer} imports {package}, which only the workspace's {root / 'package.json'} "
                                 "lists, and the image installs the backend's own dependencies: add it to the "
                                 f"backend's (`pnpm add {package}` in the backend).")


def _check_pnpm_workspace(config: SpaceConfig, found: list[str]) -> None:
    """The Dockerfile installs and builds the share of the pnpm workspace sync writes (`found`), as pnpm_workspace
    names it."""
    answered = list(config.settings.get("pnpm_workspace") or [])
    if found != answered:
        needs = (f"needs {json.dumps(found)} (the workspace's catalogs and the packages it depends on)" if found
                 else "needs none")
        raise SpaceError(f"pnpm_workspace answers {json.dumps(answered)}, and the backend's share of its pnpm "
                         f"workspace {needs}, so the image's install would not match what sync writes: run `./space "
                         "detect --write` (or `copier update --defaults --data 'pnpm_workspace=" + json.dumps(found)
                         + "'`).")


def _unmigrated(config: SpaceConfig, used: tuple[str, str] | None) -> list[str]:
    return [f"note: nothing creates the schema {used[1]}() expects: give its ORM's migrate command as prestart "
            "(it must be a production dependency)"] if used and not config.settings.get("prestart") else []


def _check_prisma(config: SpaceConfig, folder: Path) -> list[str]:
    """The schema the build generates the Prisma client from is the one Prisma itself would read."""
    found, answered = detect_node.prisma_schema(folder), str(config.settings.get("prisma_schema") or "")
    if found != (answered or None):
        fix = f"`copier update --defaults --data prisma_schema={found or ''}` (or `./space detect --write`)"
        raise SpaceError(f"the backend's Prisma schema is {found}, and prisma_schema answers {answered!r}: the build "
                         f"generates the client from that answer, so answer it with {fix}." if found else
                         f"prisma_schema answers {answered!r}, which is not a Prisma schema of a backend that depends "
                         f"on @prisma/client: answer it with {fix}.")
    return [f"prisma generate: the build writes the Prisma client from {found}"] if found else []


def _check_berry(manifest: dict, lock: Path) -> None:
    """A Yarn 2+ lock installs as it is only with the Yarn that wrote it and without local patch files."""
    version = detect_node.berry_lock_version(lock)
    if version is None:
        return
    if version < 8 and not str(manifest.get("packageManager") or "").startswith("yarn@"):
        raise SpaceError(
            f"{lock} was written by Yarn 2 or 3 (lock format {version}) and package.json names no packageManager, "
            "so the image's Yarn 4 would rewrite it: add the Yarn you use, e.g. `yarn set version 3.8.7`, and commit."
        )
    if ".yarn/patches/" in backend_reading.text(lock):
        raise SpaceError(
            f"{lock} applies patches from .yarn/patches, which the image doesn't copy yet: depend on a release "
            "that has the fix instead of the patch: protocol, and run `yarn install`."
        )


def _installed(lock: Path, package: str) -> str:
    """The version of `package` the lock installs, as each package manager writes it."""
    text = lock.read_text(encoding="utf-8", errors="replace") if lock.suffix != ".lockb" else ""
    if lock.name == "package-lock.json":
        return str(((json.loads(text).get("packages") or {}).get(f"node_modules/{package}") or {}).get("version") or "")
    patterns = {
        "pnpm-lock.yaml": rf"^\s+['\"]?{re.escape(package)}['\"]?:\n\s+specifier: .*\n\s+version: (\d+\.\d+\.\d+)",
        "yarn.lock": rf"^\"?{re.escape(package)}@[^\n]*:\n\s+version:? \"?(\d+\.\d+\.\d+)",
        "bun.lock": rf"\"{re.escape(package)}@(\d+\.\d+\.\d+)\"",
    }
    match = re.search(patterns.get(lock.name, "$^"), text, re.M)
    return match[1] if match else ""


# The better-auth minors the start-up wrapper is tested with, oldest and newest, and the first to keep its data
# in node:sqlite (1.2's migration fails on it).
BETTER_AUTH_SUPPORTED = ((1, 2), (1, 7))
BETTER_AUTH_NODE_SQLITE = (1, 3)


def _check_better_auth(lock: Path, folder: Path) -> list[str]:
    version = _installed(lock, "better-auth")
    match = re.match(r"^(\d+)\.(\d+)\.", version)
    if not match:
        return []
    (oldest, newest), minor = BETTER_AUTH_SUPPORTED, (int(match[1]), int(match[2]))
    supported = f"{oldest[0]}.{oldest[1]} to {newest[0]}.{newest[1]}"
    if minor < oldest:
        raise SpaceError(f"better-auth {version} is older than the Space's start-up supports ({supported}): "
                         "run `npm install better-auth@latest` in the backend and commit the lock file.")
    if minor < BETTER_AUTH_NODE_SQLITE and (where := detect_node.node_sqlite_user(folder)):
        raise SpaceError(f"better-auth {version} can't keep its data in node:sqlite, which {where} uses (1.3 added "
                         "it): run `npm install better-auth@latest` in the backend and commit the lock file.")
    if minor > newest:
        return [f"note: better-auth {version} is newer than the versions the start-up is tested with ({supported})"]
    return [f"better-auth {version} (supported: {supported})"]


def _check_reaches_better_auth(config: SpaceConfig, folder: Path, imports: code_imports.NodeImportGraph) -> None:
    """The start-up finds Better Auth among what the entry loads: its health answer, schema and cookies need it."""
    health = str(config.settings.get("health_path", ""))
    if "better-auth" in imports.packages or not health.endswith("/ok"):
        return
    if any("better-auth" in backend_reading.text(folder / name) for name in imports.files):
        return  # imported another way (a dynamic import()): the start-up says if it never made an instance
    raise SpaceError(f"{config.settings.get('entry_file')} never imports better-auth, nor does any file it imports, so "
                     f"nothing answers the health path {health}: import the module that calls betterAuth() from the "
                     "server, or answer health_path with a route the server answers "
                     "(`copier update --defaults --data health_path=/healthz`).")


def _check_bun(config: SpaceConfig, folder: Path) -> None:
    """What the Bun image (js_runtime=bun) can't build: it installs with bun from bun.lock, and has no npm."""
    if not any((folder / name).is_file() for name in ("bun.lock", "bun.lockb")):
        raise SpaceError(f"js_runtime is bun, and {folder} has no bun.lock, which the image installs from (`bun "
                         "install --frozen-lockfile`): run `bun install` in the backend and commit bun.lock.")
    if config.settings.get("prisma_schema"):
        manifest = backend_reading.package_json(folder)
        only_bun = detect_node.bun_api(folder) or detect_node.bun_served(folder, manifest,
                                                                          str(config.settings.get("entry_file")))
        fix = ("the template can't build a Prisma client for a server only Bun runs yet" if only_bun else
               "run the server on Node.js (`copier update --defaults --data js_runtime=node`)")
        raise SpaceError(f"js_runtime is bun, and the image's build writes Prisma's client with npm, which the Bun "
                         f"image lacks: {fix}.")


def _check_lock_matches(manifest: dict, lock: Path, shown: Path | None = None) -> None:
    """The lock's own copy of package.json's dependency lists: npm ci and pnpm's frozen install refuse a lock that
    differs. `shown` names the workspace lock a member's own lock is written from."""
    tool = "pnpm" if lock.name == "pnpm-lock.yaml" else "npm"
    try:
        drift = detect_node.lock_drift(manifest, lock)
    except ValueError as error:
        raise SpaceError(f"{lock} can't be read ({error}): run `{tool} install` in the backend and commit it.") from None
    if drift:
        installer = "`pnpm install --frozen-lockfile`" if tool == "pnpm" else "`npm ci`"
        where = "the backend" if shown is None else "the workspace"
        raise SpaceError(f"{shown or lock} is out of date with package.json ({drift}), so {installer} would refuse it: "
                         f"run `{tool} install` in {where} and commit the lock file.")
