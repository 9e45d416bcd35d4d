# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The client's address and scheme as Spaces' proxy, the nearest hop, forwards them: the last entry of
X-Forwarded-For and X-Forwarded-Proto, the one that proxy adds. Entries to its left come from the client, who
can write anything there, so they never become the client address (rate limits, allow-lists, logs)."""

from __future__ import annotations

_FOR, _PROTO = b"x-forwarded-for", b"x-forwarded-proto"
_SCHEMES = {"http": {"http": "http", "https": "https"}, "websocket": {"http": "ws", "https": "wss"}}


def nearest_hop(headers: list[tuple[bytes, bytes]], name: bytes) -> str:
    """The rightmost entry of every `name` header line taken together ("" when there is none)."""
    entries = [entry.strip() for key, value in headers if key.lower() == name
               for entry in value.decode("latin-1").split(",")]
    return entries[-1] if entries else ""


class NearestHopForwarded:
    """ASGI middleware: `client` and `scheme` from the nearest hop's entries, and the app sees only those in the
    headers too (some apps read X-Forwarded-For themselves)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in _SCHEMES:
            scope = dict(scope)
            headers = scope["headers"]
            client, proto = nearest_hop(headers, _FOR), nearest_hop(headers, _PROTO).lower()
            scheme = _SCHEMES[scope["type"]].get(proto)
            kept = [(key, value) for key, value in headers if key.lower() not in (_FOR, _PROTO)]
            if client:
                scope["client"] = (client, 0)
                kept.append((_FOR, client.encode("latin-1")))
            if scheme:
                scope["scheme"] = scheme
                kept.append((_PROTO, proto.encode("latin-1")))
            scope["headers"] = kept
        await self.app(scope, receive, send)
