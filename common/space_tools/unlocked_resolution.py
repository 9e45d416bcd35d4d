# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A backend without a lock (requirements.txt, or only pyproject.toml) installs whatever resolves at build time,
so check resolves it the same way first: uv for the image's Python on Spaces' platform, nothing built, its pins
written as a pylock.toml that lock_wheels reads like any lock."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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
