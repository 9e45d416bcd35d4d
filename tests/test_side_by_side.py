"""The Python and the Node.js Spaces run at the same time on one host, each on its own port, independently."""

from __future__ import annotations

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET, TEST_SECRET, python_example_answers

pytestmark = pytest.mark.docker

PYTHON_HEALTH = "/healthz"
NODE_HEALTH = "/api/auth/ok"


@pytest.fixture(scope="module")
def python_tag(render_session, python_backends, built_images) -> str:
    return built_images("python-uv-lock", render_session(**python_example_answers(python_backends["uv-lock"])))


@pytest.mark.parametrize("stopped", ["python", "node"])
def test_stopping_one_space_leaves_the_other_answering(python_tag, node_image, stopped):
    python_port, node_port = docker.free_port(), docker.free_port()
    python = docker.run(python_tag, env={"PORT": str(python_port), "APP_SECRET_KEY": TEST_SECRET})
    with python, docker.run(node_image("sqlite"), env={"PORT": str(node_port), "BETTER_AUTH_SECRET": AUTH_SECRET}) as node:
        python_url, node_url = f"http://127.0.0.1:{python_port}{PYTHON_HEALTH}", f"http://127.0.0.1:{node_port}{NODE_HEALTH}"
        docker.wait_http(python_url, container=python, timeout=60)
        docker.wait_http(node_url, container=node, timeout=30)

        (python if stopped == "python" else node).stop(timeout=10)
        survivor, url = (node, node_url) if stopped == "python" else (python, python_url)
        status, _ = docker.http_get(url)
        assert status == 200, f"the {stopped} Space's stop left the other one answering"
        assert survivor.running()
        refused = python_url if stopped == "python" else node_url
        with pytest.raises(OSError):
            docker.http_get(refused, timeout=2)
