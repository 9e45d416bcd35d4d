"""A backend in one of the shapes teams write, made a Space with only the answers a user types (the runtime and
where the backend is; detect finds the rest), then run as its README says. The shape tests share this, and it
records per shape the answers typed and the seconds to the first healthy answer."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import docker
from tests.conftest import AUTH_SECRET, space_tools
from tests.hub_standin.fixtures import SpaceRepo
from tests.support import figures


@dataclass(frozen=True)
class Shape:
    name: str  # the backend's shape, as the figures name it
    project: Path
    typed: tuple[str, ...]  # the answers a user types for it

    @property
    def settings(self) -> dict:
        return json.loads((self.project / "space.json").read_text())


def write_backend(folder: Path, files: dict[str, str]) -> Path:
    """A backend folder holding these files (path: text), as a team's repository has them."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


def node_backend(folder: Path, package: dict, files: dict[str, str]) -> Path:
    """A Node backend with this package.json and these sources, and the package-lock.json npm writes for it."""
    return npm_lock(write_backend(folder, {"package.json": json.dumps(package, indent=2) + "\n", **files}))


def npm_lock(folder: Path) -> Path:
    """The package-lock.json npm writes for the folder's package.json, as a team commits it (nothing installed)."""
    import subprocess

    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--ignore-scripts"],
                   cwd=folder, check=True, capture_output=True, timeout=300)
    return folder


def detected(project: Path) -> str:
    """What `detect` prints, with runs of spaces made one (the columns' width depends on the longest name)."""
    return "\n".join(" ".join(line.split()) for line in space_tools(project, "detect").stdout.splitlines())


def assert_shows(shown: str, *lines: str) -> None:
    missing = [line for line in lines if line not in shown]
    assert not missing, f"detect did not show {missing} in:\n{shown}"


def make_space(render: Callable[..., Path], runtime: str, backend: Path, shape: str, **answers) -> Shape:
    """Render with the typed answers only (the unique space_name is the test's, not the user's)."""
    project = render(runtime=runtime, backend_path=str(backend), space_name=f"{shape}-{uuid.uuid4().hex[:6]}",
                     **answers)
    return Shape(shape, project, ("runtime", "backend_path", *answers))


@contextmanager
def running(cli, space: Shape, env: dict[str, str] | None = None, port: int | None = None) -> Iterator[str]:
    """detect --write, then `space_tools run` of the Space with a .env of the values the app needs (Better Auth's
    secret, and `env`), on `port` (a free one by default); yields its URL and removes it afterwards."""
    space_tools(space.project, "detect", "--write")
    settings = space.settings
    values = {**({"BETTER_AUTH_SECRET": AUTH_SECRET} if settings["runtime"] == "node" else {}), **(env or {})}
    if values:
        (space.project / ".env").write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    name, port = settings["space_name"], port or docker.free_port()
    try:
        result = cli(SpaceRepo(space.project, f"alice/{name}"), "run", "--network", "host", "--detach", "--port", str(port))
        assert result.returncode == 0, result.output
        healthy = re.search(r"RUNNING: after ([\d.]+) s", result.output)
        figures.record(f"shape {space.name}: {len(space.typed)} answers typed ({', '.join(space.typed)}), "
                       f"first health after {healthy[1] if healthy else '?'} s")
        yield f"http://127.0.0.1:{port}"
    finally:
        docker.docker("rm", "--force", f"{name}-local", check=False)
        docker.docker("rm", "--force", f"{name}-local-sign-in", check=False)  # with hf_oauth
        docker.remove_image(f"{name}:local")


def sign_up(url: str) -> dict:
    """Better Auth's email sign-up, as a browser's fetch sends it; the created user."""
    import urllib.request

    request = urllib.request.Request(
        f"{url}/api/auth/sign-up/email", method="POST",
        headers={"content-type": "application/json", "origin": url},
        data=json.dumps({"email": "ada@example.com", "password": "a-long-password-1", "name": "Ada"}).encode())
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
        return {"user": json.loads(response.read())["user"], "set-cookie": response.headers.get("set-cookie", "")}
