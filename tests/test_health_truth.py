"""Health tells the truth and required secrets are real, in both start-up wrappers.

The Python middleware is driven in-process by a real ASGI app and real lifespan messages; the rest runs in
images built from small backends written here, called over HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import importlib.util
import json
import re
import time
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import REPO

ASGI_PY = REPO / "template-python-space" / "space_serve" / "asgi.py"
REQUIREMENTS = "fastapi>=0.110\nuvicorn>=0.30\n"
API_KEY = "k3y-0f-the-upstream-api-5d1c9a7e"

# A FastAPI service whose own /healthz says the database is down.
OWN_HEALTH_APP = """\
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/healthz")
def healthz():
    return JSONResponse({"db": "down"}, status_code=503)


@app.get("/")
def home():
    return {"hello": "world"}
"""

# A FastAPI service that loads something for 3 s at start and serves a single-page frontend on every other path.
SLOW_START_APP = """\
import asyncio
import contextlib
import time
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import HTMLResponse


@asynccontextmanager
async def lifespan(app):
    await asyncio.sleep(3)
    print(f"startup complete at {time.time():.3f}", flush=True)
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/api/items")
def items():
    return []


@app.get("/{path:path}", response_class=HTMLResponse)
def frontend(path: str):
    return "<!doctype html><div id=root></div>"
"""


# --- The middleware in-process --------------------------------------------------------------------------------

def _middleware_class():
    spec = importlib.util.spec_from_file_location("space_serve_asgi_under_test", ASGI_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.WithHealthRoute


class SlowStartApp:
    """A plain ASGI app whose lifespan startup waits until `ready` is set (a model or a pool loading)."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.ready.wait()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"from the app"})


async def _call(app, path: str, method: str = "GET") -> tuple[int, bytes]:
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"", "headers": [],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 7860)}
    await app(scope, receive, send)
    return sent[0]["status"], b"".join(message.get("body", b"") for message in sent[1:])


class Lifespan:
    """Runs the lifespan scope as a server does: startup and shutdown messages in, the app's answers out."""

    def __init__(self, app) -> None:
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.sent: list[str] = []

        async def send(message: dict) -> None:
            self.sent.append(message["type"])

        self.task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, self.inbox.get, send))

    async def until_sent(self, message_type: str) -> None:
        async def wait() -> None:
            while message_type not in self.sent:
                await asyncio.sleep(0.001)

        await asyncio.wait_for(wait(), timeout=5)


def test_middleware_answers_503_until_startup_complete_and_from_shutdown_on():
    async def scenario() -> None:
        backend = SlowStartApp()
        app = _middleware_class()(backend, "/healthz")
        lifespan = Lifespan(app)
        await lifespan.inbox.put({"type": "lifespan.startup"})
        await asyncio.sleep(0.05)
        assert await _call(app, "/healthz") == (503, b'{"status": "starting"}')
        assert await _call(app, "/healthz", "HEAD") == (503, b"")
        backend.ready.set()
        await lifespan.until_sent("lifespan.startup.complete")
        assert await _call(app, "/healthz") == (200, b'{"status": "ok"}')
        assert await _call(app, "/other") == (200, b"from the app")
        await lifespan.inbox.put({"type": "lifespan.shutdown"})
        await lifespan.until_sent("lifespan.shutdown.complete")
        await lifespan.task
        assert await _call(app, "/healthz") == (503, b'{"status": "stopping"}')

    asyncio.run(scenario())


async def _refuses_lifespan(scope, receive, send) -> None:
    if scope["type"] != "http":
        raise RuntimeError("this app speaks HTTP only")


async def _ignores_lifespan(scope, receive, send) -> None:
    return None


@pytest.mark.parametrize("backend", [_refuses_lifespan, _ignores_lifespan], ids=["raises", "returns"])
def test_middleware_counts_an_app_without_lifespan_as_started(backend):
    """A server serves such an app at once (uvicorn: "ASGI 'lifespan' protocol appears unsupported")."""

    async def scenario() -> None:
        app = _middleware_class()(backend, "/healthz")
        assert (await _call(app, "/healthz"))[0] == 503
        lifespan = Lifespan(app)
        await lifespan.inbox.put({"type": "lifespan.startup"})
        with contextlib.suppress(RuntimeError):  # the server sees the app's own error, as without the middleware
            await lifespan.task
        assert await _call(app, "/healthz") == (200, b'{"status": "ok"}')

    asyncio.run(scenario())


# --- Built images ---------------------------------------------------------------------------------------------

def _fastapi_project(tmp_path_factory, render_session, name: str, code: str, **answers) -> Path:
    backend = tmp_path_factory.mktemp(name)
    (backend / "app.py").write_text(code)
    (backend / "requirements.txt").write_text(REQUIREMENTS)
    return render_session(runtime="python", space_name=name, backend_path=str(backend), asgi_app="app:app",
                          backend_files=["app.py", "requirements.txt"], **answers)


@pytest.fixture(scope="module")
def own_health_image(tmp_path_factory, render_session, built_images) -> str:
    env_vars = {"API_KEY": {"secret": True, "required": True, "help": "Key of the upstream API."}}
    project = _fastapi_project(tmp_path_factory, render_session, "own-health", OWN_HEALTH_APP, env_vars=env_vars)
    return built_images("python-own-health", project)


@pytest.fixture(scope="module")
def slow_start_image(tmp_path_factory, render_session, built_images) -> str:
    project = _fastapi_project(tmp_path_factory, render_session, "slow-start", SLOW_START_APP)
    return built_images("python-slow-start", project)


@pytest.mark.docker
def test_the_apps_own_health_route_answers_and_the_log_says_so(own_health_image):
    port = docker.free_port()
    with docker.run(own_health_image, env={"PORT": str(port), "API_KEY": API_KEY}) as container:
        base = f"http://127.0.0.1:{port}"
        docker.wait_http(base + "/", container=container, timeout=60)
        status, body = docker.http_get(base + "/healthz")
        assert (status, json.loads(body)) == (503, {"db": "down"})
        assert container.logs().count("space: health path /healthz is served by the app's own route") == 1


@pytest.mark.docker
def test_health_is_never_200_before_the_app_logged_startup_complete(slow_start_image):
    port = docker.free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    with docker.run(slow_start_image, env={"PORT": str(port)}) as container:
        answers_before = set()
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = docker.http_get(url, timeout=2)
            except (OSError, http.client.HTTPException):
                status, body = None, b""
            answered_at = time.time()
            if status == 200:
                break
            answers_before.add((status, body))
            assert time.monotonic() < deadline and container.running(), container.logs()
            time.sleep(0.02)
        logged = re.search(r"startup complete at ([0-9.]+)", container.logs())
        assert logged, container.logs()
        assert float(logged[1]) <= answered_at, "health answered 200 before the app's startup completed"
        assert time.monotonic() - container.started_at >= 3
        assert answers_before <= {(None, b""), (503, b'{"status": "starting"}')}
        assert json.loads(body) == {"status": "ok"}, "the wrapper answers, not the app's catch-all frontend page"
        status, body = docker.http_get(url.replace("/healthz", "/some/page"))
        assert status == 200 and b"id=root" in body


def _refused(tag: str, env: dict[str, str], name: str, value: str, kind: str) -> None:
    with docker.run(tag, env={"PORT": str(docker.free_port()), **env}) as container:
        code = container.wait_exit(timeout=20)
        logs = container.logs()
    lines = logs.strip().splitlines()
    assert code == 78, logs
    assert len(lines) == 1 and lines[0].startswith("space: ") and name in lines[0], logs
    assert kind in lines[0], logs
    if value.strip():
        assert value.strip().lower() not in logs.lower(), "the value is never printed"


BLANK_AND_PLACEHOLDERS = [
    ("   ", "missing required"),
    ("changeme", "placeholder"),
    (" Your-Secret-Here ", "placeholder"),
    ("<paste the output of openssl rand -base64 32>", "placeholder"),
    ("x" * 40, "placeholder"),
]


@pytest.mark.docker
@pytest.mark.parametrize(("value", "kind"), BLANK_AND_PLACEHOLDERS, ids=["blank", "changeme", "your-secret-here",
                                                                         "angle-brackets", "xxx"])
def test_python_refuses_a_blank_or_placeholder_required_secret(own_health_image, value, kind):
    _refused(own_health_image, {"API_KEY": value}, "API_KEY", value, kind)


@pytest.mark.docker
@pytest.mark.parametrize(("value", "kind"), [(" " * 40, "missing required"), *BLANK_AND_PLACEHOLDERS[1:]],
                         ids=["blank-40", "changeme", "your-secret-here", "angle-brackets", "xxx"])
def test_node_refuses_a_blank_or_placeholder_auth_secret(node_image, value, kind):
    _refused(node_image("sqlite"), {"BETTER_AUTH_SECRET": value}, "BETTER_AUTH_SECRET", value, kind)
