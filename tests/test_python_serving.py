"""The Python image serves with uvloop and httptools, kept outside the backend's environment, and the app
behaves as it does without them: its own test suite passes inside the image with them importable; a backend
that pins its own uvloop keeps it; where no wheel exists for the platform, the build says so and the image
serves with what remains (asyncio, h11); a backend with nest_asyncio, which can't patch uvloop's loop, is served
on asyncio's. A backend that keeps uvicorn for development only (its own Dockerfile
installs it apart) is served by the image's own uvicorn, in the same layer."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from harness import docker
from tests.conftest import REPO, TEST_SECRET, python_example_answers, space_tools

pytestmark = pytest.mark.docker

DOCKERFILE = (REPO / "template-python-space" / "Dockerfile.jinja").read_text()
IMAGE_HTTPTOOLS = re.search(r"HTTPTOOLS_VERSION=(\S+)", DOCKERFILE).group(1)
IMAGE_UVICORN = re.search(r"UVICORN_VERSION=(\S+)", DOCKERFILE).group(1)
SERVING = re.compile(r"space: serving with (\S+ ?[\d.]*) and (\S+ ?[\d.]*)")
OWN_UVLOOP = "0.21.0"  # older than the image's, with wheels for Python 3.13
NO_WHEEL_UVLOOP = "0.17.0"  # wheels up to Python 3.11 only: what a platform without a wheel looks like
# What the example's dev group adds for its tests, without their dependencies: the app's own stay as locked.
TEST_TOOLS = "pytest iniconfig pluggy packaging pygments httpx httpcore certifi"
PINNED_APP = """\
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def root():
    return {"hello": "world"}
"""


# zylon-ai/private-gpt's lifespan patches the running loop with nest_asyncio (its own launch asks uvicorn for
# asyncio's); its lock has uvloop too, through uvicorn[standard].
NESTED_APP = """\
from contextlib import asynccontextmanager

import nest_asyncio
from fastapi import FastAPI


@asynccontextmanager
async def lifespan(app: FastAPI):
    nest_asyncio.apply()
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/")
def root():
    return {"hello": "world"}
"""


@pytest.fixture(scope="module")
def example_image(render_session, python_backends, built_images) -> str:
    return built_images("python-uv-lock", render_session(**python_example_answers(python_backends["uv-lock"])))


@pytest.fixture(scope="module")
def pinned_project(tmp_path_factory, render_session):
    backend = tmp_path_factory.mktemp("pins-uvloop")
    (backend / "app.py").write_text(PINNED_APP)
    (backend / "requirements.txt").write_text(f"fastapi>=0.110\nuvicorn>=0.30\nuvloop=={OWN_UVLOOP}\n")
    return render_session(runtime="python", space_name="pins-uvloop", backend_path=str(backend), asgi_app="app:app",
                          backend_files=["app.py", "requirements.txt"])  # fmt: skip


def _serving_line(tag: str, **env: str) -> tuple[str, str]:
    """What the image's start names as uvicorn's loop and HTTP parser, once health answers."""
    port = docker.free_port()
    with docker.run(tag, env={"PORT": str(port), **env}) as container:
        docker.wait_http(f"http://127.0.0.1:{port}/healthz", container=container, timeout=60)
        found = SERVING.search(container.logs())
    assert found, "the start names what serves"
    return found.group(1), found.group(2)


def test_the_example_is_served_with_uvloop_and_httptools(example_image):
    loop, parser = _serving_line(example_image, APP_SECRET_KEY=TEST_SECRET)
    assert loop.startswith("uvloop ") and parser.startswith("httptools ")


def test_the_backends_environment_is_left_as_its_lock_says(example_image):
    code = "import importlib.util as u; print(u.find_spec('uvloop'), u.find_spec('httptools'))"
    result = docker.docker("run", "--rm", "--network", "none", "--entrypoint", "python", example_image, "-c", code)
    assert result.stdout.strip() == "None None", "only the serving layer sees them, not the app's environment"


def test_the_backends_own_tests_pass_inside_the_image_with_them(example_image):
    """examples/backend/tests, run in the image by its Python: TestClient tests and a real uvicorn server."""
    script = " && ".join([
        f"/usr/local/bin/python -m pip install --quiet --no-deps --target /tmp/tools {TEST_TOOLS}",
        "export PYTHONPATH=/opt/space:/opt/serving:/tmp/tools",  # the server test's uvicorn gets them too
        "python -c 'import uvloop, httptools; print(\"serving libraries importable\")'",
        "python -m pytest tests -q -p no:cacheprovider",
    ])  # fmt: skip
    result = docker.docker(
        "run", "--rm", "--network", "host", "--volume", f"{REPO / 'examples' / 'backend' / 'tests'}:/app/tests:ro",
        "--env", f"APP_SECRET_KEY={TEST_SECRET}", "--entrypoint", "sh", example_image, "-c", script,
        timeout=600, check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "serving libraries importable" in output and re.search(r"\d+ passed", output), output[-1000:]
    assert not re.search(r"\d+ (failed|errors?)\b", output), output[-1000:]


def test_a_backend_that_pins_its_own_uvloop_keeps_it(pinned_project, built_images):
    tag = built_images("python-pins-uvloop", pinned_project)
    assert _serving_line(tag) == (f"uvloop {OWN_UVLOOP}", f"httptools {IMAGE_HTTPTOOLS}")


def test_without_a_wheel_for_the_platform_the_build_says_so_and_serves_without(pinned_project):
    space_tools(pinned_project, "sync")
    tag = docker.unique_tag("space-no-serving-wheel")
    try:
        built = docker.build(pinned_project, tag, build_args={"UVLOOP_VERSION": NO_WHEEL_UVLOOP})
        assert "space: no uvloop/httptools wheel for this platform" in built.log, built.log[-2000:]
        assert _serving_line(tag) == (f"uvloop {OWN_UVLOOP}", "h11"), "the backend's own uvloop still serves"
    finally:
        docker.remove_image(tag)



def test_a_backend_with_uvicorn_only_for_development_is_served_by_the_images_own(render, tmp_path):
    """rafsaf's minimal FastAPI template: uvicorn in the dev group, `pip install uvicorn[standard]` in its Dockerfile."""
    backend = tmp_path / "backend"
    (backend / "app").mkdir(parents=True)
    (backend / "app" / "__init__.py").write_text("")
    (backend / "app" / "main.py").write_text(PINNED_APP)
    (backend / "pyproject.toml").write_text('[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
                                            'dependencies = ["fastapi>=0.115"]\n\n[dependency-groups]\n'
                                            'dev = ["uvicorn[standard]>=0.30", "pytest>=8"]\n')
    subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet"], cwd=backend, check=True, capture_output=True,
                   timeout=300)
    project = render(runtime="python", backend_path=str(backend))
    checked = space_tools(project, "check").stdout
    assert "uvicorn is not among the backend's main dependencies: the image serves the app with its own" in checked
    space_tools(project, "sync")
    tag = docker.unique_tag("space-dev-uvicorn")
    try:
        built = docker.build(project, tag)
        assert f"serving with uvicorn {IMAGE_UVICORN}" in built.log, built.log[-2000:]
        port = docker.free_port()
        with docker.run(tag, env={"PORT": str(port)}) as container:
            docker.wait_http(f"http://127.0.0.1:{port}/healthz", container=container, timeout=60)
            assert docker.http_get(f"http://127.0.0.1:{port}/") == (200, b'{"hello":"world"}')
    finally:
        docker.remove_image(tag)


def test_a_backend_with_nest_asyncio_is_served_on_asyncios_loop_even_with_its_own_uvloop(render, tmp_path,
                                                                                         built_images):
    backend = tmp_path / "nested"
    backend.mkdir()
    (backend / "main.py").write_text(NESTED_APP)
    (backend / "requirements.txt").write_text(f"fastapi>=0.110\nuvicorn>=0.30\nuvloop=={OWN_UVLOOP}\n"
                                              "nest_asyncio==1.6.0\n")
    project = render(runtime="python", space_name="nested-loop", backend_path=str(backend), asgi_app="main:app")
    tag = built_images("python-nested-loop", project)
    assert _serving_line(tag) == ("asyncio", f"httptools {IMAGE_HTTPTOOLS}")
