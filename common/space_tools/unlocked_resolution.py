# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A backend without a lock (requirements.txt, or only pyproject.toml) installs whatever resolves at build time,
so check resolves it the same way first: uv for the image's Python on Spaces' platform, nothing built, its pins
written as a pylock.toml that lock_wheels reads like any lock."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import lock_wheels

_UV_PLATFORM = "x86_64-manylinux_2_40"  # the newest glibc uv names; the image's Debian has 2.41
_UNSATISFIABLE = 1  # uv's exit code for "no solution"; 2 is any other failure (network, bad file)


class Unresolvable(Exception):
    """No set of versions satisfies the manifest on that Python: uv's own reason."""


def resolve(manifest: Path, python: str, into: Path) -> tuple[Path | None, str]:
    """The resolved pins as `into`/pylock.toml, or None and why nothing was predicted (no uv, no index)."""
    uv = shutil.which("uv")
    if uv is None:
        return None, "install uv to have check resolve them for the image's Python before the build"
    command = [uv, "pip", "compile", manifest.name, "--python-version", python, "--python-platform", _UV_PLATFORM,
               "--quiet", "--no-header", "-o", str(into / "pylock.toml")]
    # The cache answers in a second when these pins were resolved before; only then ask the index.
    for extra in (["--offline"], []):
        result = subprocess.run([*command, *extra], cwd=manifest.parent, capture_output=True, text=True, timeout=180)
        if result.returncode == 0:
            return into / "pylock.toml", ""
    reason = next((line.strip() for line in result.stderr.splitlines() if line.strip().startswith("cause:")),
                  (result.stderr.strip().splitlines() or ["no message"])[0]).removeprefix("cause: ").rstrip(".")
    if result.returncode == _UNSATISFIABLE:
        raise Unresolvable(reason)
    return None, f"uv could not resolve them to predict the build ({reason})"


def resolved_verdict(manifest: Path, python: str, scratch: Path) -> lock_wheels.LockVerdict | None:
    """What the build would compile on `python`, from uv's resolution for it; None when it can't be resolved."""
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        resolved = resolve(manifest, python, scratch)[0]
    except Unresolvable:
        return None
    return lock_wheels.verdict(resolved, python) if resolved is not None else None


def verdicts(manifest: Path, pythons: list[str]) -> dict[str, lock_wheels.LockVerdict]:
    """Per Python, what its own resolution would compile (each Python resolves apart: an older one may get
    releases with wheels); one that does not resolve can't be installed; nothing predicted without uv or index."""
    found = {}
    with tempfile.TemporaryDirectory(prefix="space-resolve-") as scratch:
        for python in pythons:
            into = Path(scratch, python)
            into.mkdir()
            try:
                resolved = resolve(manifest, python, into)[0]
            except Unresolvable as error:
                found[python] = lock_wheels.LockVerdict(impossible=[f"{manifest.name} ({error})"])
                continue
            found[python] = lock_wheels.verdict(resolved, python) if resolved is not None else lock_wheels.LockVerdict()
    return found
