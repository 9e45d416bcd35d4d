# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The docker command line, as this machine has it: `DOCKER` names the client, BuildKit always on."""

from __future__ import annotations

import os
import shutil
import subprocess

from .errors import SpaceError


def client() -> str:
    name = os.environ.get("DOCKER", "docker")
    path = shutil.which(name)
    if path is None:
        raise SpaceError(f"docker client {name!r} not found: install Docker, or set DOCKER to the client's path.")
    return path


def environment() -> dict[str, str]:
    return {**os.environ, "DOCKER_BUILDKIT": "1"}


def run(args: list[str], *, extra_env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """extra_env: values `--env NAME` passes on by name, so they never show in a process list."""
    return subprocess.run([client(), *args], env={**environment(), **(extra_env or {})}, **kwargs)
