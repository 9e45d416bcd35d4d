"""The node_version answer (22, 24, 26) picks the base image, and the Space builds and serves on each."""

from __future__ import annotations

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET
from tests.support import figures

pytestmark = pytest.mark.docker


@pytest.mark.parametrize("version", ["22", "26"])  # 24, the default, is built by every other Node test
def test_starter_builds_and_serves_on_each_offered_node(render_session, built_images, version):
    tag = built_images(f"node{version}-starter", render_session(runtime="node", node_version=version))
    port = docker.free_port()
    container = docker.run(tag, env={"PORT": str(port), "BETTER_AUTH_SECRET": AUTH_SECRET})
    with container:
        seconds = docker.wait_http(f"http://127.0.0.1:{port}/api/auth/ok", container=container, timeout=30)
        assert container.exec("node", "--version").stdout.startswith(f"v{version}.")
        figures.record(f"node{version}-starter: first health 200 after {seconds:.2f} s; "
                       f"+{docker.added_size(tag, f'node:{version}-slim') / 1e6:.1f} MB on node:{version}-slim")
