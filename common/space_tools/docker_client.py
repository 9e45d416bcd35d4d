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


def csv_option(name: str, *fields: str) -> str:
    """The value of an option docker reads as one CSV record (--mount, --secret): a field holding a comma or a quote
    is quoted, its quotes doubled, so a path stays one field; a line break can't be carried, and is refused."""
    for field in fields:
        if "\n" in field or "\r" in field:
            raise SpaceError(f"docker's {name} can't take {field!r}: it holds a line break (move the folder to a path "
                             "without one).")
    return ",".join(_csv_field(field) for field in fields)


def _csv_field(field: str) -> str:
    return '"' + field.replace('"', '""') + '"' if "," in field or '"' in field else field


def run(args: list[str], *, extra_env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """extra_env: values `--env NAME` passes on by name, so they never show in a process list."""
    return subprocess.run([client(), *args], env={**environment(), **(extra_env or {})}, **kwargs)
