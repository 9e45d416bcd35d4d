"""The images compared, per template: ours (rendered from the template) and the baseline a user would write,
and the steps both examples share to prepare them.

Everything is prepared in a scratch folder: a copy of examples/backend (edits never touch the repository),
the Space rendered from it with Copier, and the baseline's build context holding the same backend files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import edits
from bench.load import Request
from harness import docker

REPO = Path(__file__).resolve().parents[1]
BASELINES = Path(__file__).parent / "baselines"
EXAMPLE_BACKEND = REPO / "examples" / "backend"
# Never a real secret: long enough for the example apps' checks.
BENCH_SECRET = "benchmark-secret-0123456789abcdef"
# Loopback requests never go through a proxy, whatever the environment says.
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))
JUNK = shutil.ignore_patterns("node_modules", ".venv", "__pycache__", "*.db", "*.db-*", ".pytest_cache")


@dataclass
class Subject:
    """One image under test: how to build it from its folder and how to start it on a given port."""

    runtime: str
    kind: str  # "ours" or "baseline"
    source: Path  # the folder the edits change: the backend copy (ours) or the build context (baseline)
    health_path: str
    base_image: str
    build: Callable[[str], docker.BuildResult]  # tag -> the user's build command timed, with its log
    env: Callable[[int], dict[str, str]]  # port -> environment of `docker run`
    command: Callable[[int], list[str]] | None = None  # port -> command, when the image's own CMD can't be told a port
    volumes: Callable[[str], dict[str, str]] | None = None  # image -> host folder: container path, fresh per container
    versions: Callable[[str], dict[str, str]] | None = None  # image -> what serves in it: name -> version

    @property
    def name(self) -> str:
        return f"{self.runtime}-{self.kind}"


@dataclass
class Pair:
    """A template's two subjects on the example backend, and what both are measured on."""

    runtime: str
    ours: Subject
    baseline: Subject
    code_file: str  # relative to each subject's source
    comment: str  # the language's line comment, for the code edit
    dependency: edits.DependencyAdded
    route: Request
    seed: Callable[[str], None]  # prepares data on a fresh container (base URL), before the route is loaded
    notes: list[str] = field(default_factory=list)
    health_rotates_ips: bool = False  # when the health path is rate-limited per client IP too
    # Ours served again with each value of one environment variable (the image's own value reuses the main runs).
    variable: str = ""
    values: tuple[str, ...] = ()
    variable_title: str = ""
    shipped: str = ""  # the variable's value when unset, if not in the image's ENV (space.json's default)

    def health(self, subject: Subject) -> Request:
        return Request(subject.health_path, rotate_ips=self.health_rotates_ips)

    @property
    def subjects(self) -> tuple[Subject, Subject]:
        return (self.ours, self.baseline)


def template_ready(runtime: str) -> bool:
    return (REPO / f"template-{runtime}-space" / "Dockerfile.jinja").exists() and (
        REPO / "examples" / "answers" / f"{runtime}.yml"
    ).exists()


def require_template(runtime: str) -> None:
    if not template_ready(runtime):
        raise SystemExit(
            f"bench: the {runtime} template is not there yet (template-{runtime}-space/Dockerfile.jinja and "
            f"examples/answers/{runtime}.yml); run with --only for the other one."
        )


def copy_backend(dest: Path) -> Path:
    shutil.copytree(EXAMPLE_BACKEND, dest, ignore=JUNK)
    return dest


def render(runtime: str, backend: Path, dest: Path, **more) -> dict:
    """Render the Space from the working tree (Copier includes uncommitted changes at HEAD), with `more` answers on
    top of the example's; its settings."""
    answers_file = REPO / "examples" / "answers" / f"{runtime}.yml"
    values = {name: value if isinstance(value, str) else json.dumps(value) for name, value in more.items()}
    extra = [arg for name, value in values.items() for arg in ("--data", f"{name}={value}")]
    subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--quiet", "--defaults", "--overwrite", "--vcs-ref", "HEAD",
         "--data-file", str(answers_file), "--data", f"backend_path={backend}", *extra, str(REPO), str(dest)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    settings: dict = json.loads((dest / "space.json").read_text())
    return settings


def space_tools_build(space: Path) -> Callable[[str], docker.BuildResult]:
    """The generated repo's own build command, as its README tells users to run it."""

    def build(tag: str) -> docker.BuildResult:
        # --verbose: BuildKit's own log, whose CACHED lines tell a warm rebuild from a cold one.
        command = [sys.executable, "-m", "space_tools", "build", "--network", "host", "--verbose", "--tag", tag]
        started = time.monotonic()
        result = subprocess.run(
            command, cwd=space, capture_output=True, text=True,
            env={**os.environ, "DOCKER": docker.client()}, timeout=1200, check=False,
        )  # fmt: skip
        seconds, log = time.monotonic() - started, result.stdout + result.stderr
        if result.returncode != 0:
            raise docker.BuildFailed(
                f"`{' '.join(command)}` in {space} failed:\n{log[-4000:]}", command=command, log=log
            )
        return docker.BuildResult(tag=tag, seconds=seconds, log=log)

    return build


def docker_build(context: Path) -> Callable[[str], docker.BuildResult]:
    """Plain `docker build .`, as the baseline's user runs it."""

    def build(tag: str) -> docker.BuildResult:
        return docker.build(context, tag, timeout=1200)

    return build


def baseline_context(runtime: str, space: Path, dest: Path) -> Path:
    """The baseline's build context: the backend files ours ships (what sync puts in ./backend), and the
    baseline Dockerfile."""
    subprocess.run([sys.executable, "-m", "space_tools", "sync"], cwd=space, check=True, capture_output=True)
    shutil.copytree(space / "backend", dest, ignore=JUNK)
    shutil.copy2(BASELINES / runtime / "Dockerfile", dest / "Dockerfile")
    return dest


def versions_in(image: str, *command: str) -> dict[str, str]:
    """The JSON object `command` prints inside `image` (no network, the image's own user)."""
    done = docker.docker("run", "--rm", "--network", "none", "--entrypoint", command[0], image, *command[1:], timeout=120)
    versions: dict[str, str] = json.loads(done.stdout)
    return versions


def post_json(url: str, payload: dict, headers: dict[str, str] | None = None) -> int:
    assert url.startswith("http://127.0.0.1:"), url
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"content-type": "application/json", **(headers or {})}
    )
    try:
        with _LOOPBACK.open(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
