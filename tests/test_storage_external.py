"""storage=external: the database lives elsewhere, reached the way a Space reaches it (ports 80, 443, 8080 only).

A real PostgreSQL behind a relay on 127.0.0.1:8080 stands in for a provider's endpoint on a reachable port.
"""

from __future__ import annotations

import pytest

from harness import docker
from tests.conftest import TEST_SECRET, python_example_answers
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.docker

PASSWORD = "correct-horse-battery-staple"
HEALTH = "/api/auth/ok"
REACHABLE = 8080  # one of the ports a Space may connect out to


def _via(url: str, port: int) -> str:
    head, _, tail = url.rpartition(":")
    return f"{head}:{port}/{tail.split('/', 1)[1]}"


def test_users_live_in_postgres_on_port_8080_across_containers(node_image, postgres_cluster, auth_client):
    tag = node_image("postgres")  # database=postgres: storage is external by default
    direct = postgres_cluster.new_database()
    email = "kept@example.test"
    with TcpProxy(REACHABLE, postgres_cluster.port) as edge:
        url = _via(direct, REACHABLE)
        for step in ("sign up", "sign in"):
            port = docker.free_port()
            base = f"http://127.0.0.1:{port}"
            container = docker.run(tag, env={"PORT": str(port), "BETTER_AUTH_SECRET": "s" * 40,
                                             "BETTER_AUTH_URL": base, "DATABASE_URL": url, "SPACE_ID": "alice/auth"})
            with container:
                docker.wait_http(base + HEALTH, container=container, timeout=30)
                if step == "sign up":
                    report = auth_client.run("full", baseURL=base, origin=base, email=email, password=PASSWORD,
                                             name="Kay")
                else:
                    report = auth_client.run("sign-in", baseURL=base, origin=base, email=email, password=PASSWORD)
                assert report["signIn"]["ok"], report
                said = container.logs()
            assert "space: storage: external database at 127.0.0.1, port 8080 (DATABASE_URL)" in said
            assert "warning" not in said
        assert edge.connections > 0, "the containers reached PostgreSQL through port 8080"
    assert postgres_cluster.query(direct, "SELECT count(*) FROM \"user\"") == "1"


def test_a_database_url_on_a_port_spaces_blocks_is_named_at_start(node_image, postgres_cluster):
    tag = node_image("postgres")
    url = postgres_cluster.new_database()
    port = docker.free_port()
    container = docker.run(tag, env={"PORT": str(port), "BETTER_AUTH_SECRET": "s" * 40, "DATABASE_URL": url,
                                     "BETTER_AUTH_URL": f"http://127.0.0.1:{port}", "SPACE_ID": "alice/auth"})
    with container:
        docker.wait_http(f"http://127.0.0.1:{port}{HEALTH}", container=container, timeout=30)
        said = container.logs()
    assert (f"space: storage: warning: DATABASE_URL names port {postgres_cluster.port}, which a Space can't reach "
            "(only 80, 443 and 8080 are open)") in said


def test_the_python_space_asks_for_database_url_and_names_where_it_points(render_session, python_backends,
                                                                           built_images):
    project = render_session(**python_example_answers(python_backends["uv-lock"], storage="external"))
    tag = built_images("python-external", project)
    port = docker.free_port()
    env = {"PORT": str(port), "APP_SECRET_KEY": TEST_SECRET}
    missing = docker.run(tag, env=env)
    with missing:
        assert missing.wait_exit(30) == 78
        assert "missing required environment variable(s): DATABASE_URL" in missing.logs()
    container = docker.run(tag, env={**env, "SPACE_ID": "alice/notes",
                                     "DATABASE_URL": "postgresql://app:pw@db.example.test/notes"})
    with container:
        docker.wait_http(f"http://127.0.0.1:{port}/healthz", container=container, timeout=30)
        said = container.logs()
    assert "space: storage: external database at db.example.test, port 5432 (DATABASE_URL)" in said
    assert "DATABASE_URL names port 5432, which a Space can't reach" in said
    assert "app:pw" not in said, "never the credentials"
