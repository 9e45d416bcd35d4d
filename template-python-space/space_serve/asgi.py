"""The backend's ASGI app, unchanged, behind a health route that answers before the app is involved."""

from __future__ import annotations

import json

from uvicorn.importer import import_from_string

from . import settings

_HEALTH_BODY = json.dumps({"status": "ok"}).encode()
_HEALTH_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]


class WithHealthRoute:
    """ASGI middleware: GET/HEAD on the health path answers 200; everything else goes to the app."""

    def __init__(self, app, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["path"] == self.path and scope["method"] in ("GET", "HEAD"):
            await send({"type": "http.response.start", "status": 200, "headers": _HEALTH_HEADERS})
            body = b"" if scope["method"] == "HEAD" else _HEALTH_BODY
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)


app = WithHealthRoute(import_from_string(settings.ASGI_APP), settings.HEALTH_PATH)
