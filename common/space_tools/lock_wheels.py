# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What the image's build would do with each package a lock installs (uv.lock, pylock.toml, poetry.lock,
pdm.lock), read from the lock alone (no download, no build): whether it has a wheel for the image's Python on
Spaces' platform (Linux x86_64, glibc), a source archive the build stage compiles, or neither, so the build
would fail."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from . import backend_reading
from .version_spec import full_version, minor

PLATFORM = "Linux x86_64"
_GLIBC = 41  # Debian trixie's, under the python:*-slim images


@dataclass
class LockVerdict:
    compiled: list[str] = field(default_factory=list)  # "name version": only a source archive
    # compiled ones whose release has Linux x86_64 wheels, for other Pythons only: it predates this one
    linux_elsewhere: set[str] = field(default_factory=set)
    impossible: list[str] = field(default_factory=list)  # neither a usable wheel nor a source archive
    installed: dict[str, str] = field(default_factory=dict)  # every package the image installs: name, version


def _tags(python: str) -> set:
    from packaging.tags import compatible_tags, cpython_tags

    version = tuple(int(part) for part in python.split(".")[:2])
    platforms = [f"manylinux_2_{minor}_x86_64" for minor in range(_GLIBC, 4, -1)]
    platforms += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]
    interpreter = f"cp{version[0]}{version[1]}"
    return set(cpython_tags(version, platforms=platforms)) | set(
        compatible_tags(version, interpreter=interpreter, platforms=platforms))


def _environment(python: str, extras: tuple[str, ...] = ()) -> dict:
    return {"python_version": minor(python), "python_full_version": full_version(python), "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": "",
            "extras": frozenset(extras)}


def _applies(marker: str | None, environment: dict) -> bool:
    from packaging.markers import InvalidMarker, Marker

    try:  # Poetry marks a package an extra installs `extra == "x"`: it holds for the extras asked
        return marker is None or any(Marker(marker).evaluate({**environment, "extra": extra})
                                     for extra in ("", *environment.get("extras", ())))
    except InvalidMarker:
        return True  # a marker this reader doesn't know: count the package, as uv might install it


def _file_names(package: dict) -> list[str]:
    """Every distribution file a lock lists for the package: uv's and pylock's `wheels`, poetry's and pdm's `files`."""
    entries = [*(package.get("wheels") or []), *(package.get("files") or [])]
    return [str(e.get("file") or e.get("name") or e.get("url") or e.get("path") or "").rsplit("/", 1)[-1]
            for e in entries if isinstance(e, dict)]


def _has_sdist(package: dict) -> bool:
    return bool(package.get("sdist")) or any(name.endswith((".tar.gz", ".zip")) for name in _file_names(package))


def _has_wheel(package: dict, tags: set) -> bool:
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    for name in _file_names(package):
        if not name.endswith(".whl"):
            continue
        try:
            if tags & set(parse_wheel_filename(name)[3]):
                return True
        except InvalidWheelFilename:
            continue
    return False


def _judge(package: dict, tags: set, result: LockVerdict) -> None:
    result.installed[_canonical(package.get("name"))] = str(package.get("version") or "")
    if not _has_wheel(package, tags):
        shown = f"{package.get('name')} {package.get('version')}"
        (result.compiled if _has_sdist(package) else result.impossible).append(shown)
        if any(name.endswith(".whl") and "linux" in name and "x86_64" in name for name in _file_names(package)):
            result.linux_elsewhere.add(shown)


def _canonical(name) -> str:
    from packaging.utils import canonicalize_name

    return canonicalize_name(str(name or ""))


def _needed_here(packages: list, environment: dict) -> dict[str, bool]:
    """Poetry's locks name the markers on the edges (`[package.dependencies]`): a package every edge to which has
    a marker that is false here (a Windows-only dependency) is not installed here."""
    needed: dict[str, bool] = {}
    for package in packages:
        edges = package.get("dependencies")
        for name, spec in edges.items() if isinstance(edges, dict) else ():
            specs = spec if isinstance(spec, list) else [spec]
            here = any(not isinstance(one, dict) or _applies(one.get("markers"), environment) for one in specs)
            needed[_canonical(name)] = needed.get(_canonical(name), False) or here
    return needed


def _wanted_by_extras(data: dict, extras: tuple[str, ...]) -> set[str]:
    """poetry.lock's optional packages the asked extras install: those its [extras] lists, and what they need."""
    packages = {_canonical(p.get("name")): p for p in data.get("package") or []}
    queue = [_canonical(re.split(r"[\s\[(<>=!~;]", name, maxsplit=1)[0])
             for extra in extras for name in (data.get("extras") or {}).get(extra, [])]
    wanted: set[str] = set()
    while queue:
        name = queue.pop()
        if name not in wanted:
            wanted.add(name)
            queue += [_canonical(dependency) for dependency in (packages.get(name, {}).get("dependencies") or {})]
    return wanted


def _flat(data: dict, environment: dict, tags: set) -> LockVerdict:
    """pylock.toml, poetry.lock, pdm.lock: every package of the default group (or an asked extra's) whose marker
    holds here."""
    result = LockVerdict()
    extras = tuple(environment["extras"])
    by_extras = _wanted_by_extras(data, extras)
    # Poetry 1.x locks (format 1.1) list each package's files apart from it, under [metadata.files].
    listed_apart = (data.get("metadata") or {}).get("files") or {}
    old_poetry_files = {_canonical(name): files for name, files in listed_apart.items()}
    packages = data.get("packages") or data.get("package") or []
    needed_here = _needed_here(packages, environment)
    for package in packages:
        groups = package.get("groups") or ([package["category"]] if "category" in package else None)
        if groups and not {"main", "default", *extras} & set(groups):
            continue  # a development group (Poetry 1's category "dev"): never installed in the image
        name = _canonical(package.get("name"))
        if (package.get("optional") is True and name not in by_extras) or not needed_here.get(name, True):
            continue  # only for an extra the image does not ask for, or only where another platform needs it
        if "files" not in package and _canonical(package.get("name")) in old_poetry_files:
            package = {**package, "files": old_poetry_files[_canonical(package.get("name"))]}
        marker = package.get("marker") or package.get("markers")
        if isinstance(marker, dict):  # poetry 2: a marker per group
            marker = marker.get("main") or marker.get("default")
        if _applies(marker, environment) and (_file_names(package) or _has_sdist(package)):
            _judge(package, tags, result)
    return result


def verdict(lock: Path, python: str, project: str | None = None, extras: tuple[str, ...] = ()) -> LockVerdict:
    """For uv.lock, walk it from the backend's own project (not its dev groups, with the asked optional extras),
    as `uv sync --no-dev --extra ...` installs it; `project` names it in a workspace's lock, where the root is the
    workspace's own."""
    data = backend_reading.toml(lock)  # the lock's own tool names what is wrong with an unreadable one
    if lock.name != "uv.lock":
        return _sorted(_flat(data, _environment(python, tuple(extras)), _tags(python)))
    packages, result = data.get("package") or [], LockVerdict()
    by_name = defaultdict(list)
    for package in packages:
        by_name[package.get("name")].append(package)
    environment, tags = _environment(python), _tags(python)
    queue = [p for p in packages if p.get("name") == project] if project else [
        p for p in packages if "." in ((p.get("source") or {}).get("virtual"), (p.get("source") or {}).get("editable"))]
    roots = {(p.get("name"), p.get("version")) for p in queue}
    seen: set[tuple[str, str]] = set()
    while queue:
        package = queue.pop()
        key = (package.get("name"), package.get("version"))
        if key in seen:
            continue
        seen.add(key)
        if "registry" in (package.get("source") or {}):
            _judge(package, tags, result)
        edges = list(package.get("dependencies") or [])
        if key in roots:
            edges += [edge for extra in extras for edge in (package.get("optional-dependencies") or {}).get(extra, [])]
        for edge in edges:
            if not _applies(edge.get("marker"), environment):
                continue
            for target in by_name.get(edge.get("name"), []):
                if "version" in edge and target.get("version") != edge["version"]:
                    continue
                queue.append(target)
                for extra in edge.get("extra") or []:
                    for more in (target.get("optional-dependencies") or {}).get(extra, []):
                        if _applies(more.get("marker"), environment):
                            queue += [p for p in by_name.get(more.get("name"), [])
                                      if "version" not in more or p.get("version") == more["version"]]
    return _sorted(result)


def _sorted(result: LockVerdict) -> LockVerdict:
    result.compiled.sort()
    result.impossible.sort()
    return result
