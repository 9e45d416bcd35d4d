"""The Python Space's image, built for real from each kind of backend, behaves as Spaces needs."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from harness import docker
from harness.images import PYTHON_IMAGE
from tests.conftest import TEST_SECRET, python_example_answers
from tests.support import figures

pytestmark = pytest.mark.docker

BASE = PYTHON_IMAGE
EXAMPLE_VARIANTS = ["uv-lock", "pyproject", "requirements"]


def _image(variant, render_session, python_backends, built_images) -> tuple[str, str]:
    if variant == "starter":
        project = render_session(runtime="python")
    else:
        project = render_session(**python_example_answers(python_backends[variant]))
    return variant, built_images(f"python-{variant}", project)


@pytest.fixture(scope="module", params=[*EXAMPLE_VARIANTS, "starter"])
def image(request, render_session, python_backends, built_images) -> tuple[str, str]:
    return _image(request.param, render_session, python_backends, built_images)


@pytest.fixture(scope="module", params=EXAMPLE_VARIANTS)
def example_image(request, render_session, python_backends, built_images) -> tuple[str, str]:
    """The example app, which requires APP_SECRET_KEY and builds URLs from the request."""
    return _image(request.param, render_session, python_backends, built_images)


def _start(tag: str, **env: str) -> tuple[docker.Container, int]:
    port = docker.free_port()
    container = docker.run(
        tag,
        env={"PORT": str(port), "APP_SECRET_KEY": TEST_SECRET, **env},
        extra=["--health-interval=1s", "--health-start-period=0s"],  # Docker 20.10 waits a full interval first
    )
    return container, port


def _post_json(url: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), headers={"content-type": "application/json"})
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_serves_health_and_real_routes_as_uid_1000(image):
    variant, tag = image
    container, port = _start(tag)
    with container:
        seconds = docker.wait_http(f"http://127.0.0.1:{port}/healthz", container=container, timeout=60)
        figures.record(f"python-{variant}: first health 200 after {seconds:.2f} s; image "
                       f"{docker.image_size(tag) / 1e6:.1f} MB, +{docker.added_size(tag, BASE) / 1e6:.1f} MB on {BASE}")
        base = f"http://127.0.0.1:{port}"
        if variant == "starter":
            status, body = docker.http_get(f"{base}/echo/space?times=2")
            assert (status, json.loads(body)) == (200, {"words": ["space", "space"]})
        else:
            status, note = _post_json(f"{base}/notes", {"title": "Hello", "body": "from a container test"})
            assert status == 201
            status, body = docker.http_get(f"{base}/notes/{note['id']}")
            assert status == 200 and json.loads(body)["title"] == "Hello"
        status, _ = docker.http_get(f"{base}/docs")
        assert status == 200, "OpenAPI docs are served"
        assert container.exec("id", "-u").stdout.strip() == "1000"
        assert container.exec("sh", "-c", 'touch "$HOME/probe" && echo ok').stdout.strip() == "ok"
        assert container.exec("sh", "-c", "touch /app/probe && echo ok").stdout.strip() == "ok", "code dir writable"
        docker.wait_healthy(container, timeout=30)
        stop_seconds = container.stop(timeout=10)
        figures.record(f"python-{variant}: docker stop took {stop_seconds:.2f} s")
        assert stop_seconds < 5
        assert container.exit_code() == 0


def test_proxy_headers_are_trusted_as_behind_spaces_proxy(example_image):
    _, tag = example_image
    container, port = _start(tag)
    with container:
        docker.wait_http(f"http://127.0.0.1:{port}/healthz", container=container)
        _, note = _post_json(f"http://127.0.0.1:{port}/notes", {"title": "t", "body": "b"})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/notes/{note['id']}/share", data=b"", method="POST",
            headers={"x-forwarded-proto": "https", "host": "owner-name.hf.space"},
        )
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
            assert json.loads(response.read())["url"].startswith("https://owner-name.hf.space/")


def test_missing_required_secret_stops_with_one_clear_line(example_image):
    _, tag = example_image
    container = docker.run(tag, env={"PORT": str(docker.free_port())})
    with container:
        started = time.monotonic()
        code = container.wait_exit(timeout=10)
        assert time.monotonic() - started < 2
        assert code != 0
        logs = container.logs().strip()
        assert logs.splitlines() == [
            "space: missing required environment variable(s): APP_SECRET_KEY. "
            "Set them as Space Secrets/Variables, or in .env for local runs (see .env.example)."
        ]


def test_invalid_port_is_refused_clearly(image):
    _, tag = image
    container = docker.run(tag, env={"PORT": "http", "APP_SECRET_KEY": TEST_SECRET})
    with container:
        assert container.wait_exit(timeout=10) != 0
        assert "PORT='http' is not a whole number" in container.logs()
