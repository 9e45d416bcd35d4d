# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The backend's ASGI app, unchanged, behind a health route that says whether the app has started."""

from __future__ import annotations

import json
import sys
import uuid

_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]
_BODIES = {state: json.dumps({"status": state}).encode() for state in ("ok", "starting", "stopping", "failed")}


class WithHealthRoute:
    """ASGI middleware: GET/HEAD on the health path answers 200 once the app's lifespan startup is complete
    (503 before it and from shutdown on); everything else, and lifespan itself, goes to the app."""

    def __init__(self, app, path: str) -> None:
        self.app = app
        self.path = path
        self.state = "starting"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
        elif scope["type"] == "http" and scope["path"] == self.path and scope["method"] in ("GET", "HEAD"):
            status = 200 if self.state == "ok" else 503
            await send({"type": "http.response.start", "status": status, "headers": _HEADERS})
            body = b"" if scope["method"] == "HEAD" else _BODIES[self.state]
            await send({"type": "http.response.body", "body": body})
        else:
            await self.app(scope, receive, send)

    async def _lifespan(self, scope, receive, send) -> None:
        async def watched_receive():
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                self.state = "stopping"
            return message

        async def watched_send(message) -> None:
            if message["type"] == "lifespan.startup.complete":
                self.state = "ok"
            elif message["type"] == "lifespan.startup.failed":
                self.state = "failed"
            await send(message)

        try:
            await self.app(scope, watched_receive, watched_send)
        finally:
            # An app without lifespan support raises or returns at once, and the server then serves it anyway.
            if self.state == "starting":
                self.state = "ok"


def _request(path: str) -> dict:
    return {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "root_path": "",
            "query_string": b"", "headers": [], "scheme": "http", "server": None, "client": None}


def _matches(routes, scope: dict, probe: dict, match_none) -> bool:
    """Whether a route serves this path itself; one that also takes a random sibling path is a catch-all."""
    for route in routes:
        match, child = route.matches(scope)
        if match == match_none:
            continue
        probe_match, probe_child = route.matches(probe)
        if probe_match == match_none:
            return True
        inner = getattr(route, "routes", None)  # a Mount of a router: ask its own routes
        if inner and _matches(inner, {**scope, **child}, {**probe, **probe_child}, match_none):
            return True
    return False


def app_serves(app, path: str) -> bool:
    """Whether a Starlette/FastAPI app has its own route for `path` (FULL or PARTIAL match; not a catch-all)."""
    routes = getattr(app, "routes", None) or getattr(getattr(app, "router", None), "routes", None)
    if not routes:
        return False
    try:
        from starlette.routing import Match
    except ImportError:
        return False
    sibling = f"{path.rstrip('/').rsplit('/', 1)[0]}/space-{uuid.uuid4().hex}"
    try:
        return _matches(routes, _request(path), _request(sibling), Match.NONE)
    except Exception:  # a route that can't match a bare scope is not the app's health route
        return False


def create_app():
    """What uvicorn serves (factory=True): the backend's app, with the health route unless the app has its own."""
    from uvicorn.importer import import_from_string

    from . import settings, sign_in
    from .forwarded import NearestHopForwarded

    backend = import_from_string(settings.ASGI_APP.removesuffix("()"))
    if settings.ASGI_APP.endswith("()"):  # the backend's own app factory, called as `uvicorn --factory` calls it
        backend = backend()
    if settings.HF_OAUTH:
        sign_in.attach(backend, app_serves)
    if app_serves(backend, settings.HEALTH_PATH):
        print(f"space: health path {settings.HEALTH_PATH} is served by the app's own route", file=sys.stderr,
              flush=True)
        return NearestHopForwarded(backend)
    return NearestHopForwarded(WithHealthRoute(backend, settings.HEALTH_PATH))
