"""The Node.js Space's image, built for real from each variant, serves Better Auth as Spaces needs it.

Health, uid 1000, a clean and quick `docker stop`, a checked environment, and users who sign up and in
through Better Auth's own client (run by Node.js 24 on the host) against SQLite and a real PostgreSQL.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET, NODE_BASE, NODE_VARIANTS
from tests.support import figures
from tests.support.postgres import PostgresCluster

pytestmark = pytest.mark.docker

HEALTH = "/api/auth/ok"
PASSWORD = "correct horse battery staple"
SESSION_COOKIE = "better-auth.session_token"
MAX_ADDED_BYTES = 10_000_000  # the bundle and the wrapper on top of node:24-slim


@pytest.fixture(scope="module", params=list(NODE_VARIANTS))
def variant_image(request, node_image) -> tuple[str, str]:
    return request.param, node_image(request.param)


def _database_env(variant: str, postgres_cluster: PostgresCluster) -> dict[str, str]:
    """A fresh database for the postgres variant (the image creates the schema); SQLite needs nothing."""
    return {"DATABASE_URL": postgres_cluster.new_database()} if variant == "postgres" else {}


def _start(tag: str, *, port: int | None = None, volumes: dict[str, str] | None = None,
           **env: str) -> tuple[docker.Container, str]:
    port = port or docker.free_port()
    base = f"http://127.0.0.1:{port}"
    defaults = {"PORT": str(port), "BETTER_AUTH_SECRET": AUTH_SECRET, "BETTER_AUTH_URL": base}
    container = docker.run(
        tag, env={**defaults, **env}, volumes=volumes,
        extra=["--health-interval=1s", "--health-start-period=0s"],  # Docker 20.10 waits a full interval first
    )
    return container, base


def _email() -> str:
    return f"user-{uuid.uuid4().hex[:12]}@example.test"


def _cookie_attributes(set_cookie: str) -> set[str]:
    """`name=value; Path=/; HttpOnly; SameSite=None` -> {"path=/", "httponly", "samesite=none"}."""
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def _session_cookie(report: dict) -> str:
    lines = [line for line in report["setCookiesOfSignIn"] if line.split("=", 1)[0].endswith(SESSION_COOKIE)]
    assert len(lines) == 1, report["setCookiesOfSignIn"]
    return lines[0]


def test_serves_health_as_uid_1000_and_stops_cleanly(variant_image, postgres_cluster):
    variant, tag = variant_image
    container, base = _start(tag, **_database_env(variant, postgres_cluster))
    with container:
        seconds = docker.wait_http(base + HEALTH, container=container, timeout=30)
        total, added = docker.image_size(tag), docker.added_size(tag, NODE_BASE)
        figures.record(f"node-{variant}: first health 200 after {seconds:.2f} s; "
                       f"image {total / 1e6:.1f} MB, +{added / 1e6:.1f} MB on {NODE_BASE}")
        assert added <= MAX_ADDED_BYTES
        assert container.exec("id", "-u").stdout.strip() == "1000"
        docker.wait_healthy(container, timeout=30)
        stop_seconds = container.stop(timeout=10)
        figures.record(f"node-{variant}: docker stop took {stop_seconds:.2f} s")
        assert stop_seconds < 2, "SIGTERM ends the server although the backend's code does not handle it"
        assert container.exit_code() == 0


def test_health_path_is_not_rate_limited_in_production(node_image):
    container, base = _start(node_image("sqlite"))  # NODE_ENV=production: Better Auth's rate limiter is on
    with container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        statuses = {docker.http_get(base + HEALTH)[0] for _ in range(150)}  # the limiter allows 100 per 10 s
        assert statuses == {200}


def test_image_holds_only_the_bundle(node_image):
    tag = node_image("sqlite")
    config = docker.inspect_image(tag)["Config"]
    assert config["User"] == "node"
    assert "NODE_ENV=production" in config["Env"]
    assert config["Cmd"] == ["node", "/home/node/app/start.mjs"], "exec form: node is PID 1 and gets the signals"
    assert config["Healthcheck"]["Test"][:2] == ["CMD", "node"], "the health check needs no curl"
    listing = docker.docker("run", "--rm", "--network", "none", "--entrypoint", "sh", tag, "-c",
                            "find /app/ -type f; ls -a /home/node; ls -ld /app/ /home/node/data").stdout
    files = [line for line in listing.splitlines() if line.startswith("/app/")]
    assert files and all(name.endswith(".mjs") for name in files), files
    assert "node_modules" not in listing and ".npm" not in listing and ".ts" not in listing
    assert listing.count(" node node ") == 2, "the code's folder and the SQLite folder belong to uid 1000"


def test_signs_users_up_and_in_with_better_auth_client(variant_image, postgres_cluster, auth_client):
    variant, tag = variant_image
    container, base = _start(tag, **_database_env(variant, postgres_cluster))
    with container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        email = _email()
        report = auth_client.run("full", baseURL=base, origin=base, email=email, password=PASSWORD, name="Ada")
        assert report["signUp"] == {"ok": True, "status": 200, "code": None, "email": email}
        assert report["sessionAfterSignUp"]["email"] == email, "sign-up starts a session"
        assert report["signOut"]["ok"] and report["sessionAfterSignOut"]["email"] is None
        assert report["signIn"]["ok"] and report["signIn"]["email"] == email
        assert SESSION_COOKIE in report["cookiesAfterSignIn"]
        assert report["session"]["email"] == email, "the session cookie identifies the user"
        assert report["finalSignOut"]["ok"]
        assert report["wrongPassword"] == {"ok": False, "status": 401, "code": "INVALID_EMAIL_OR_PASSWORD", "email": None}
        assert report["cookiesAfterWrongPassword"] == [], "a refused sign-in starts no session"


@pytest.mark.parametrize(("variant", "iframe"), [("iframe", True), ("sqlite", False)])
def test_iframe_answer_decides_the_session_cookie_attributes(node_image, auth_client, variant, iframe):
    container, base = _start(node_image(variant))
    with container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        report = auth_client.run("full", baseURL=base, origin=base, email=_email(), password=PASSWORD, name="Iris")
        attributes = _cookie_attributes(_session_cookie(report))
        if iframe:
            assert {"samesite=none", "secure", "partitioned", "httponly"} <= attributes
        else:
            assert "samesite=lax" in attributes and "partitioned" not in attributes


@pytest.mark.parametrize("variant", ["sqlite", "postgres"])
def test_users_survive_a_container_restart(node_image, postgres_cluster, auth_client, tmp_path, variant):
    tag = node_image(variant)
    volumes: dict[str, str] = {}
    env = _database_env(variant, postgres_cluster)
    if variant == "sqlite":
        data = tmp_path / "data"
        data.mkdir()
        os.chown(data, 1000, 1000)  # as a volume Spaces would mount: owned by the container's uid
        volumes = {str(data): "/home/node/data"}
    port = docker.free_port()
    email = _email()
    first, base = _start(tag, port=port, volumes=volumes, **env)
    with first:
        docker.wait_http(base + HEALTH, container=first, timeout=30)
        assert auth_client.run("full", baseURL=base, origin=base, email=email, password=PASSWORD, name="Max")["signUp"]["ok"]
        first.stop()
    second, _ = _start(tag, port=port, volumes=volumes, **env)
    with second:
        docker.wait_http(base + HEALTH, container=second, timeout=30)
        report = auth_client.run("sign-in", baseURL=base, origin=base, email=email, password=PASSWORD)
        assert report["signIn"]["ok"] and report["session"]["email"] == email
    if variant == "sqlite":
        assert (data / "auth.db").is_file(), "the SQLite file is on the mounted volume"
    else:
        assert postgres_cluster.query(env["DATABASE_URL"], 'select email from "user"') == email


def test_public_url_defaults_to_the_space_host(node_image, auth_client):
    """On Spaces BETTER_AUTH_URL is https://$SPACE_HOST unless set: that origin is trusted, others are not."""
    port = docker.free_port()
    container, base = _start(node_image("sqlite"), port=port, BETTER_AUTH_URL="", SPACE_HOST="someone-auth.hf.space")
    with container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        email = _email()
        report = auth_client.run("full", baseURL=base, origin="https://someone-auth.hf.space", email=email,
                                 password=PASSWORD, name="Sam")
        assert report["signUp"]["ok"] and report["session"]["email"] == email
        assert "__Secure-" + SESSION_COOKIE in report["cookiesAfterSignIn"], "an https URL gives Secure cookies"
        other = auth_client.run("sign-in", baseURL=base, origin="https://elsewhere.example.test", email=email,
                                password=PASSWORD)
        assert (other["signIn"]["status"], other["signIn"]["code"]) == (403, "INVALID_ORIGIN")


@pytest.mark.parametrize(("secret", "message"), [
    (None, "space: missing required environment variable(s): BETTER_AUTH_SECRET. "
           "Set them as Space Secrets/Variables, or in .env for local runs (see .env.example)."),
    ("too-short-secret", "space: BETTER_AUTH_SECRET has 16 characters; Better Auth needs at least 32. "
                         "Set a longer Secret, e.g. the output of `openssl rand -base64 32`."),
], ids=["missing", "short"])
def test_missing_or_short_secret_stops_with_one_clear_line(node_image, secret, message):
    env = {"PORT": str(docker.free_port()), **({"BETTER_AUTH_SECRET": secret} if secret else {})}
    container = docker.run(node_image("sqlite"), env=env)
    with container:
        code = container.wait_exit(timeout=10)
        assert time.monotonic() - container.started_at < 2
        assert code == 78
        assert container.logs().strip().splitlines() == [message]


def test_postgres_variant_needs_a_database_url(node_image):
    container = docker.run(node_image("postgres"), env={"PORT": str(docker.free_port()), "BETTER_AUTH_SECRET": AUTH_SECRET})
    with container:
        assert container.wait_exit(timeout=10) == 78
        assert "missing required environment variable(s): DATABASE_URL." in container.logs()


def test_unreachable_database_stops_the_start_with_one_line(node_image):
    """Like a Postgres on 5432 seen from a Space: the start fails at once, naming the cause, never serves 500s."""
    nowhere = f"postgresql://postgres@127.0.0.1:{docker.free_port()}/postgres"
    container, _ = _start(node_image("postgres"), DATABASE_URL=nowhere)
    with container:
        assert container.wait_exit(timeout=20) == 78
        last = container.logs().strip().splitlines()[-1]
        assert last.startswith("space: could not create or migrate the database schema: ")
        assert "only ports 80, 443 and 8080 are reachable" in last


def test_sqlite_folder_that_is_not_writable_is_named(node_image, tmp_path):
    data = tmp_path / "root-owned"
    data.mkdir(mode=0o755)  # owned by root: uid 1000 can't write there
    container, _ = _start(node_image("sqlite"), volumes={str(data): "/home/node/data"})
    with container:
        assert container.wait_exit(timeout=10) == 78
        assert "DATABASE_PATH=/home/node/data/auth.db: the folder /home/node/data is not writable by uid 1000" in (
            container.logs())


def test_invalid_port_is_refused_clearly(node_image):
    container = docker.run(node_image("sqlite"), env={"PORT": "http", "BETTER_AUTH_SECRET": AUTH_SECRET})
    with container:
        assert container.wait_exit(timeout=10) == 78
        assert "PORT='http' is not a whole number" in container.logs()


def test_rendered_dockerfile_builds_without_space_tools(render, tmp_path):
    """Spaces runs plain `docker build` on the repo: the starter needs nothing else (no sync step)."""
    project: Path = render(runtime="node", app_port=7861)
    tag = docker.unique_tag("node-plain-build")
    try:
        result = docker.build(project, tag)
        figures.record(f"node-starter: plain docker build took {result.seconds:.1f} s (warm dependency cache)")
        assert docker.image_exists(tag)
    finally:
        docker.remove_image(tag)
