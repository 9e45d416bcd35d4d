# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A backend without a lock (requirements.txt, or only pyproject.toml) gets its pins here: uv resolves it for the
image's Python on every platform, nothing built, to the releases of the manifest's last commit (what its author
installed then) when those resolve, else the newest; check predicts the build from that pylock.toml and sync ships
it, so the image installs exactly what check saw."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

from . import git_source, lock_wheels

PINS_FILE = "pylock.toml"  # what sync ships in the build context, which the image installs first
_UNSATISFIABLE = 1  # uv's exit code for "no solution"; 2 is any other failure (network, bad file)


class Unresolvable(Exception):
    """No set of versions satisfies the manifest on that Python: uv's own reason."""


class Resolution(NamedTuple):
    """The pins as a pylock.toml (None when nothing was resolved, and why), and which releases they are."""
    lock: Path | None
    why_not: str = ""
    releases: str = ""


def resolve(manifest: Path, python: str, into: Path, extras: tuple[str, ...] = ()) -> Resolution:
    """The manifest's pins (with pyproject.toml's asked optional extras) as `into`/pylock.toml: as of its last commit
    when that resolves, else the newest."""
    when = git_source.last_committed(manifest)
    if when is None:
        return _compile(manifest, python, into, None, "the newest releases (it is not committed as it is)", extras)
    try:
        found = _compile(manifest, python, into, when, f"the releases of its last commit, {when[:10]}", extras)
    except Unresolvable:  # releases older than every offered Python, or than a build tool they need
        found = Resolution(None)
    if found.lock is not None:
        return found
    return _compile(manifest, python, into, None,
                    f"the newest releases (those of its last commit, {when[:10]}, don't resolve for Python {python})",
                    extras)


# What uv answered, per manifest (and its mtime), Python and date: `check` resolves before sync does, in one process.
_ANSWERED: dict[tuple, tuple[bytes | None, str, bool]] = {}


def _compile(manifest: Path, python: str, into: Path, as_of: str | None, releases: str,
             extras: tuple[str, ...]) -> Resolution:
    key = (str(manifest.resolve()), manifest.stat().st_mtime_ns, python, as_of, tuple(extras))
    if key not in _ANSWERED:
        _ANSWERED[key] = _uv_compile(manifest, python, as_of, extras)
    pins, why_not, unsatisfiable = _ANSWERED[key]
    if unsatisfiable:
        raise Unresolvable(why_not)
    if pins is None:
        return Resolution(None, why_not)
    (into / PINS_FILE).write_bytes(pins)
    return Resolution(into / PINS_FILE, "", releases)


def _uv_compile(manifest: Path, python: str, as_of: str | None,
                extras: tuple[str, ...]) -> tuple[bytes | None, str, bool]:
    """uv's pins as pylock.toml's bytes, or None and why, and whether no set of versions satisfies the manifest."""
    uv = shutil.which("uv")
    if uv is None:
        return None, "install uv to have check resolve them for the image's Python before the build", False
    with tempfile.TemporaryDirectory(prefix="space-resolve-") as scratch:
        output = Path(scratch) / PINS_FILE
        # Universal, like uv.lock: the pins hold wheels for every platform, so a local build on an arm64 machine
        # installs them too; lock_wheels reads Spaces' (Linux x86_64) from them.
        command = [uv, "pip", "compile", manifest.name, "--python-version", python, "--universal",
                   "--quiet", "--no-header", "-o", str(output), *(["--exclude-newer", as_of] if as_of else []),
                   *(f"--extra={extra}" for extra in extras if manifest.name == "pyproject.toml")]
        # Never offline: uv would settle for the releases whose metadata it happens to have cached (pydantic 1.10
        # over the 2.5.3 of the day). Never a Python download either: the target version is all it needs, and a
        # download it can't make costs a minute of retries.
        result = subprocess.run(command, cwd=manifest.parent, capture_output=True, text=True, timeout=180,
                                env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
        if result.returncode == 0:
            return _paths_from_backend(output, manifest.parent), "", False
    reason = next((line.strip() for line in result.stderr.splitlines() if line.strip().startswith("cause:")),
                  (result.stderr.strip().splitlines() or ["no message"])[0]).removeprefix("cause: ").rstrip(".")
    if result.returncode == _UNSATISFIABLE:
        return None, reason, True
    return None, f"uv could not resolve them to predict the build ({reason})", False


# A local requirement (`.`, `-e ./lib`) in uv's pylock.toml: its path, relative to where that file was written.
_LOCAL_PATH = re.compile(r'(\b(?:directory|archive|editable)\s*=\s*\{\s*path\s*=\s*")([^"]+)(")')


def _paths_from_backend(output: Path, backend: Path) -> bytes:
    """The pins with each local requirement's path relative to the backend, where sync puts pylock.toml: uv wrote
    them relative to the scratch folder, which names this machine's folders."""
    root = backend.resolve()

    def moved(match: re.Match) -> str:
        target = (output.parent / match[2]).resolve()
        return f"{match[1]}{Path(os.path.relpath(target, root)).as_posix()}{match[3]}"

    return _LOCAL_PATH.sub(moved, output.read_text(encoding="utf-8")).encode("utf-8")


def resolved_verdict(manifest: Path, python: str, scratch: Path,
                     extras: tuple[str, ...] = ()) -> lock_wheels.LockVerdict | None:
    """What the build would compile on `python`, from uv's resolution for it; None when it can't be resolved."""
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        resolved = resolve(manifest, python, scratch, extras).lock
    except Unresolvable:
        return None
    return lock_wheels.verdict(resolved, python) if resolved is not None else None


def verdicts(manifest: Path, pythons: list[str], extras: tuple[str, ...] = ()) -> dict[str, lock_wheels.LockVerdict]:
    """Per Python, what its own resolution would compile (each Python resolves apart: an older one may get
    releases with wheels); one that does not resolve can't be installed; nothing predicted without uv or index."""
    found = {}
    with tempfile.TemporaryDirectory(prefix="space-resolve-") as scratch:
        for python in pythons:
            into = Path(scratch, python)
            into.mkdir()
            try:
                resolved = resolve(manifest, python, into, extras).lock
            except Unresolvable as error:
                found[python] = lock_wheels.LockVerdict(impossible=[f"{manifest.name} ({error})"])
                continue
            found[python] = lock_wheels.verdict(resolved, python) if resolved is not None else lock_wheels.LockVerdict()
    return found
