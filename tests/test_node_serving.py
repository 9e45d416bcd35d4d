"""The Node image's wrapper answers Better Auth's health route itself, as Better Auth answers it (wherever the
backend mounts Better Auth; a health route of the backend's own stays the backend's), and stops quickly in the
middle of a sign-in flood: sign-ins already running finish, those still waiting and every new request get 503
at once, and the process exits 0."""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
import uuid

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET

pytestmark = pytest.mark.docker

HEALTH = "/api/auth/ok"
PASSWORD = "correct horse battery staple"
CLIENTS = 16  # four times the sign-ins the wrapper lets run at once (one per thread of libuv's pool)
FLOOD_SECONDS = 2.0
# Better Auth's production limiter allows 3 sign-ins per 10 s per client address: each request gets its own,
# from RFC 2544's benchmark range (a header value only; the traffic goes to 127.0.0.1).
_CLIENT_NUMBERS = itertools.count(1)  # next() on a count is safe across threads, unlike a generator's


def _client_address() -> str:
    number = next(_CLIENT_NUMBERS)
    return f"198.18.{number // 256 % 256}.{number % 256}"


@pytest.fixture
def server(node_image):
    port = docker.free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"PORT": str(port), "BETTER_AUTH_SECRET": AUTH_SECRET, "BETTER_AUTH_URL": base}
    with docker.run(node_image("sqlite"), env=env) as container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        yield container, port


# A server written by hand: Better Auth under /auth, and a /healthz of its own that says the backend is down.
OWN_SERVER = """\
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";

export const auth = betterAuth({
  basePath: "/auth",
  database: new DatabaseSync(":memory:"),
  emailAndPassword: { enabled: true },
});
const authHandler = toNodeHandler(auth);
createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(503, { "content-type": "text/plain" });
    res.end("from the backend");
  } else if (req.url.startsWith("/auth/")) {
    authHandler(req, res);
  } else {
    res.end("home");
  }
}).listen(Number(process.env.PORT));
"""


@pytest.fixture(scope="module")
def own_server(render_session, built_images):
    """The hand-written server, rendered twice: health on Better Auth's /auth/ok, and on its own /healthz."""

    def image(health_path: str) -> str:
        name = f"own-server-{health_path.strip('/').replace('/', '-')}"
        project = render_session(runtime="node", entry_file="server.mjs", health_path=health_path, space_name=name)
        (project / "backend" / "server.mjs").write_text(OWN_SERVER)
        return built_images(f"node-{name}", project)

    return image


def _run(tag: str, ready_path: str):
    port = docker.free_port()
    base = f"http://127.0.0.1:{port}"
    container = docker.run(tag, env={"PORT": str(port), "BETTER_AUTH_SECRET": AUTH_SECRET, "BETTER_AUTH_URL": base})
    docker.wait_http(base + ready_path, container=container, timeout=30)
    return container, port


def _request(connection: http.client.HTTPConnection, method: str, path: str, body: dict | None = None,
             **headers: str) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    payload = json.dumps(body).encode() if body is not None else None
    connection.request(method, path, body=payload, headers={"content-type": "application/json", **headers})
    response = connection.getresponse()
    return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()


def test_health_is_answered_as_better_auth_answers_it(server):
    _, port = server
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    status, headers, body = _request(connection, "GET", HEALTH)
    assert (status, headers["content-type"], json.loads(body)) == (200, "application/json", {"ok": True})
    assert _request(connection, "GET", HEALTH + "?probe=1")[0] == 200
    status, _, body = _request(connection, "HEAD", HEALTH)
    assert (status, body) == (200, b"")
    assert _request(connection, "POST", HEALTH, {})[0] != 200, "only GET and HEAD are the health check's"


def test_better_auth_under_another_base_path_gets_its_health_answered_and_its_sign_ups_served(own_server):
    container, port = _run(own_server("/auth/ok"), "/auth/ok")
    with container:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        status, _, body = _request(connection, "GET", "/auth/ok")
        assert (status, json.loads(body)) == (200, {"ok": True})
        signed_up = _request(connection, "POST", "/auth/sign-up/email",
                             {"email": "own@example.test", "password": PASSWORD, "name": "Own"},
                             origin=f"http://127.0.0.1:{port}")  # fmt: skip
        assert signed_up[0] == 200, signed_up
        assert _request(connection, "GET", "/")[2] == b"home"


def test_a_health_route_of_the_backends_own_is_left_to_the_backend(own_server):
    container, port = _run(own_server("/healthz"), "/")
    with container:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        status, _, body = _request(connection, "GET", "/healthz")
        assert (status, body) == (503, b"from the backend"), "the wrapper never answers for the backend's own route"


class Flood:
    """CLIENTS keep-alive connections signing in one after another, each noting when it got which answer."""

    def __init__(self, port: int, email: str) -> None:
        self.port, self.email = port, email
        self.answers: list[tuple[float, int, str]] = []  # (monotonic time, status, connection header)
        self.ended = threading.Event()
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]

    def _client(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        origin = f"http://127.0.0.1:{self.port}"
        while not self.ended.is_set():
            try:
                status, headers, _ = _request(connection, "POST", "/api/auth/sign-in/email",
                                              {"email": self.email, "password": PASSWORD}, origin=origin,
                                              **{"x-forwarded-for": _client_address()})  # fmt: skip
            except (ConnectionError, http.client.HTTPException, OSError):
                return  # the server has gone: the flood is over for this client
            self.answers.append((time.monotonic(), status, headers.get("connection", "")))
            if status == 503:
                return

    def __enter__(self) -> Flood:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.ended.set()
        for thread in self.threads:
            thread.join(timeout=30)


def test_a_stop_in_a_sign_in_flood_finishes_running_ones_refuses_the_rest_and_exits_0(server):
    container, port = server
    email = f"flood-{uuid.uuid4().hex[:8]}@example.test"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    signed_up = _request(connection, "POST", "/api/auth/sign-up/email",
                         {"email": email, "password": PASSWORD, "name": "Flood"}, origin=f"http://127.0.0.1:{port}")
    assert signed_up[0] == 200, signed_up  # fmt: skip
    connection.close()
    with Flood(port, email) as flood:
        time.sleep(FLOOD_SECONDS)
        signalled = time.monotonic()
        stop_seconds = container.stop(timeout=10)
    assert container.exit_code() == 0
    assert stop_seconds < 2, f"docker stop took {stop_seconds:.2f} s in a flood (the benchmark measures < 1 s)"
    statuses = {status for _, status, _ in flood.answers}
    assert statuses <= {200, 503}, statuses
    after = [(status, connection) for at, status, connection in flood.answers if at > signalled]
    assert (200, "close") in after, "a sign-in running at the signal finished, and its connection closes after it"
    assert (503, "close") in after, "sign-ins still waiting, and new requests, were refused at once"
    assert "SIGTERM: closing 1 server(s)" in container.logs()
