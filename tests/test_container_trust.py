"""What the running container trusts, on both runtimes. Of X-Forwarded-For and X-Forwarded-Proto only the entry
the nearest hop (Spaces' proxy) adds counts: the client's own entries to its left never become its address or
scheme. The health check runs nothing the app can write under /app. On Spaces the server listens on every
interface of the container; a local run on the host's own network listens on loopback only."""

from __future__ import annotations

import http.client
import json
import time
import uuid

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET, TEST_SECRET
from tests.support import listening

pytestmark = pytest.mark.docker

SPOOFED, PROXY_SEEN = "203.0.113.66", "198.51.100.7"  # documentation ranges: header values only
FORWARDED = {"x-forwarded-for": f"{SPOOFED}, {PROXY_SEEN}", "x-forwarded-proto": "http, https"}
PLANTED_MARKER = "/tmp/planted-code-ran"
PASSWORD = "correct horse battery staple"

PYTHON_APP = """\
from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/who")
def who(request: Request):
    return {"client": request.client.host, "scheme": request.url.scheme,
            "forwarded_for": request.headers.get("x-forwarded-for")}
"""

NODE_SERVER = """\
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";

export const auth = betterAuth({
  database: new DatabaseSync(":memory:"),
  emailAndPassword: { enabled: true },
});
const authHandler = toNodeHandler(auth);
createServer((req, res) => {
  if (req.url.startsWith("/api/auth/")) return authHandler(req, res);
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ forwarded_for: req.headers["x-forwarded-for"] ?? null,
                           forwarded_proto: req.headers["x-forwarded-proto"] ?? null }));
}).listen(Number(process.env.PORT));
"""

# What the app (uid 1000) could write where each image's start-up code lives or is looked up: code that
# leaves a mark and says "healthy".
PLANTS = {
    "python": ("mkdir -p /app/space_serve && touch /app/space_serve/__init__.py && "
               f"printf 'open(\"{PLANTED_MARKER}\", \"w\").close()\\n' > /app/space_serve/healthcheck.py"),
    "node": (f"printf 'import {{ writeFileSync }} from \"node:fs\"; writeFileSync(\"{PLANTED_MARKER}\", \"\");\\n' "
             "> /app/healthcheck.mjs"),
}


@pytest.fixture(scope="module")
def images(tmp_path_factory, render_session, built_images) -> dict[str, str]:
    backend = tmp_path_factory.mktemp("who-python")
    (backend / "app.py").write_text(PYTHON_APP)
    (backend / "requirements.txt").write_text("fastapi>=0.110\nuvicorn>=0.30\n")
    python = render_session(runtime="python", space_name="who-python", backend_path=str(backend),
                            asgi_app="app:app", backend_files=["app.py", "requirements.txt"])  # fmt: skip
    node = render_session(runtime="node", entry_file="server.mjs", space_name="who-node")
    (node / "backend" / "server.mjs").write_text(NODE_SERVER)
    return {"python": built_images("who-python", python), "node": built_images("who-node", node)}


def _env(port: int) -> dict[str, str]:
    base = f"http://127.0.0.1:{port}"
    return {"PORT": str(port), "APP_SECRET_KEY": TEST_SECRET, "BETTER_AUTH_SECRET": AUTH_SECRET,
            "BETTER_AUTH_URL": base}


@pytest.fixture
def running(images):
    def start(runtime: str) -> tuple[docker.Container, int]:
        port = docker.free_port()
        container = docker.run(images[runtime], env=_env(port))
        health = "/healthz" if runtime == "python" else "/api/auth/ok"
        docker.wait_http(f"http://127.0.0.1:{port}{health}", container=container, timeout=60)
        return container, port

    return start


def _who(port: int, path: str, headers: dict[str, str]) -> dict:
    status, body = docker.http_get(f"http://127.0.0.1:{port}{path}", headers=headers)
    assert status == 200, body
    return json.loads(body)


def test_python_apps_see_the_nearest_hops_address_and_scheme_never_the_clients_own_entries(running):
    container, port = running("python")
    with container:
        assert _who(port, "/who", FORWARDED) == {"client": PROXY_SEEN, "scheme": "https", "forwarded_for": PROXY_SEEN}
        assert _who(port, "/who", {}) == {"client": "127.0.0.1", "scheme": "http", "forwarded_for": None}


def test_node_servers_and_better_auths_sessions_see_only_the_nearest_hops_entries(running):
    container, port = running("node")
    with container:
        seen = _who(port, "/who", FORWARDED)
        assert seen == {"forwarded_for": PROXY_SEEN, "forwarded_proto": "https"}
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        email = f"hop-{uuid.uuid4().hex[:8]}@example.test"
        connection.request("POST", "/api/auth/sign-up/email", headers={
            "content-type": "application/json", "origin": f"http://127.0.0.1:{port}", **FORWARDED},
            body=json.dumps({"email": email, "password": PASSWORD, "name": "Hop"}))  # fmt: skip
        response = connection.getresponse()
        assert response.status == 200, response.read()
        cookie = response.getheader("set-cookie").split(";", 1)[0]
        response.read()
        connection.request("GET", "/api/auth/get-session", headers={"cookie": cookie})
        session = json.loads(connection.getresponse().read())["session"]
        assert session["ipAddress"] == PROXY_SEEN, "Better Auth's rate limits and sessions key on this address"


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_health_check_runs_nothing_the_app_can_write(running, images, runtime):
    container, _ = running(runtime)
    with container:
        container.exec("sh", "-c", PLANTS[runtime], user="1000")
        health = docker.inspect_image(images[runtime])["Config"]["Healthcheck"]["Test"]
        assert health[0] == "CMD"
        result = container.exec(*health[1:], user="1000", check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        marked = container.exec("sh", "-c", f"test -e {PLANTED_MARKER} && echo planted || echo clean", user="1000")
        assert marked.stdout.strip() == "clean", "the health check imported code the app wrote"


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_on_spaces_the_server_listens_on_every_interface_of_the_container(images, runtime):
    """Spaces' proxy reaches the container from outside it."""
    port = docker.free_port()
    env = {key: value for key, value in _env(port).items() if key != "PORT"}
    assert listening.in_a_container_of_its_own(images[runtime], env, port)[0] & {"0.0.0.0", "::"}
