"""Fixtures shared by the suite: rendering the templates, the example backend's variants, built images."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from harness import docker
from harness.images import NODE_IMAGE
from tests.support import figures

# The stand-in Hub's fixtures (hub, make_space, cli) for every module that deploys or runs a Space.
pytest_plugins = ["tests.hub_standin.fixtures"]

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EXAMPLE_BACKEND = EXAMPLES / "backend"
PYTHON_BACKEND_FILES = ("app", "pyproject.toml", "uv.lock")
# A secret long enough for the example app (it asks for 16+ characters); never a real one.
TEST_SECRET = "test-secret-0123456789abcdef"


def example_answers(runtime: str) -> dict:
    return yaml.safe_load((EXAMPLES / "answers" / f"{runtime}.yml").read_text())


def _renderer(copie) -> Callable[..., Path]:
    """Render the template with these answers (defaults otherwise) and return the project folder."""

    def _render(**answers) -> Path:
        result = copie.copy(extra_answers=answers)
        assert result.exception is None, f"rendering failed: {result.exception}"
        return result.project_dir

    return _render


@pytest.fixture
def render(copie) -> Callable[..., Path]:
    return _renderer(copie)


@pytest.fixture(scope="session")
def render_session(copie_session) -> Callable[..., Path]:
    return _renderer(copie_session)


def _copy_python_backend(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in PYTHON_BACKEND_FILES:
        source = EXAMPLE_BACKEND / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
        else:
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture(scope="session")
def python_backends(tmp_path_factory) -> dict[str, Path]:
    """The example FastAPI backend as a user might have it: with uv.lock, pyproject only, requirements only."""
    root = tmp_path_factory.mktemp("backends")
    locked = _copy_python_backend(root / "uv-lock")
    pyproject_only = _copy_python_backend(root / "pyproject")
    (pyproject_only / "uv.lock").unlink()
    requirements_only = _copy_python_backend(root / "requirements")
    subprocess.run(
        [sys.executable, "-m", "uv", "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project",
         "--output-file", "requirements.txt"],
        cwd=requirements_only, check=True, capture_output=True,
    )
    (requirements_only / "pyproject.toml").unlink()
    (requirements_only / "uv.lock").unlink()
    return {"uv-lock": locked, "pyproject": pyproject_only, "requirements": requirements_only}


def python_example_answers(backend: Path, **more) -> dict:
    return {**example_answers("python"), "backend_path": str(backend), **more}


def space_tools(project: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the generated repo's own `python -m space_tools` inside it."""
    result = subprocess.run(
        [sys.executable, "-m", "space_tools", *args], cwd=project, capture_output=True, text=True,
        env={**os.environ, "DOCKER": docker.client()},
    )
    if check and result.returncode != 0:
        raise AssertionError(f"space_tools {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_images(tmp_path_factory):
    """Build each rendered project once per session: {key: image tag}; images removed at the end."""
    built: dict[str, str] = {}

    def _build(key: str, project: Path) -> str:
        if key not in built:
            tag = docker.unique_tag(f"space-{key}")
            started = time.monotonic()
            space_tools(project, "build", "--network", "host", "--tag", tag)
            figures.record(f"{key}: built in {time.monotonic() - started:.1f} s (warm dependency cache)")
            built[key] = tag
        return built[key]

    yield _build
    for tag in built.values():
        docker.remove_image(tag)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items) -> None:
    """With pytest-xdist (tools/test runs two workers), every Docker test goes to one worker, in turn: one
    engine builds one image at a time, while the other worker renders and checks."""
    for item in items:
        if item.get_closest_marker("docker"):
            item.add_marker(pytest.mark.xdist_group("docker"))
    # The benchmark's cold builds empty BuildKit's cache: run last, they leave no other build to start cold.
    items.sort(key=lambda item: item.path.name == "test_bench_smoke.py")


def pytest_sessionfinish(session) -> None:
    """An xdist worker hands its figures to the controller, which prints them."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["figures"] = figures.FIGURES


def pytest_testnodedown(node, error) -> None:
    figures.FIGURES.extend(getattr(node, "workeroutput", {}).get("figures", []))


def pytest_terminal_summary(terminalreporter) -> None:
    """Print what the run measured (image sizes, seconds to health, stop times) after the results."""
    if figures.FIGURES:
        terminalreporter.section("figures")
        for line in figures.FIGURES:
            terminalreporter.write_line(line)


# --- The Node.js (Better Auth) Space -------------------------------------------------------------------------

from tests.support import node as node_support  # noqa: E402
from tests.support.mariadb import MariaDBServer  # noqa: E402
from tests.support.postgres import PostgresCluster  # noqa: E402

NODE_BACKEND_FILES = ("auth-server.ts", "package.json", "package-lock.json", "tsconfig.json")
NODE_BASE = NODE_IMAGE
# Better Auth wants 32+ characters; never a real one.
AUTH_SECRET = "test-auth-secret-0123456789abcdefghijkl"


def copy_node_backend(dest: Path) -> Path:
    """The example's Better Auth server as a user has it (its own tests left out)."""
    dest.mkdir(parents=True)
    for name in NODE_BACKEND_FILES:
        shutil.copy2(EXAMPLE_BACKEND / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def node_backend(tmp_path_factory) -> Path:
    return copy_node_backend(tmp_path_factory.mktemp("node-backend") / "backend")


def node_example_answers(backend: Path, **more) -> dict:
    return {**example_answers("node"), "backend_path": str(backend), **more}


# The Node variants the image tests build: answers on top of examples/answers/node.yml (None: the starter).
NODE_VARIANTS: dict[str, dict | None] = {
    "sqlite": {},
    "postgres": {"database": "postgres"},
    "iframe": {"iframe": True},
    "starter": None,
}


@pytest.fixture(scope="session")
def node_image(render_session, node_backend, built_images) -> Callable[[str], str]:
    """Build a Node variant once per session: node_image("sqlite") -> image tag."""

    def _image(variant: str) -> str:
        answers = NODE_VARIANTS[variant]
        project = render_session(runtime="node") if answers is None else render_session(
            **node_example_answers(node_backend, **answers))
        return built_images(f"node-{variant}", project)

    return _image


@pytest.fixture(scope="session")
def node24() -> Path:
    """Node.js 24's bin folder on the host (tools/node/install-node.sh)."""
    return node_support.install_node()


@pytest.fixture(scope="session")
def auth_client(node24) -> node_support.AuthClient:
    """Better Auth's own client (tests/auth_client), run from Node on the host."""
    return node_support.prepare_auth_client(node24)


@pytest.fixture(scope="session")
def postgres_cluster() -> PostgresCluster:
    """A throwaway PostgreSQL cluster (Debian's server) on a free loopback port, for the whole session."""
    cluster = PostgresCluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def mariadb_server() -> MariaDBServer:
    """A throwaway MariaDB server (Debian's), MySQL's protocol on a free loopback port, for the whole session."""
    server = MariaDBServer()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def example_node_project(tmp_path_factory, node24) -> Path:
    """The example's Better Auth server with its own tests and all its locked dependencies (the Better Auth CLI
    among them), installed by Node 24's npm in a temporary folder: never node_modules in the repository."""
    dest = copy_node_backend(tmp_path_factory.mktemp("node-example") / "backend")
    shutil.copytree(EXAMPLE_BACKEND / "tests" / "auth", dest / "tests" / "auth")
    node_support.npm_ci(dest, node24)
    return dest
