# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""One HTTP GET against the app, the way a user's first request would reach it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class _CredentialsStayHome(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but send Authorization only to the origin it was meant for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            new.remove_header("Authorization")
        return new


def _opener(url: str) -> urllib.request.OpenerDirector:
    handlers = [_CredentialsStayHome()]
    # A local container is reached directly, never through a proxy the environment may name.
    if urlsplit(url).hostname in _LOOPBACK:
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def get(url: str, *, timeout: float = 5.0, headers: dict[str, str] | None = None) -> int | None:
    """The HTTP status the URL answers with, or None when nothing answers."""
    request = urllib.request.Request(url, headers={"User-Agent": "space_tools", **(headers or {})})
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_healthy(url: str, *, within: float, headers: dict[str, str] | None = None) -> int | None:
    """GET until a 2xx or `within` seconds pass (a proxy can need a moment after the Space turns RUNNING)."""
    deadline = time.monotonic() + within
    while True:
        status = get(url, headers=headers)
        if (status is not None and 200 <= status < 300) or time.monotonic() >= deadline:
            return status
        time.sleep(1.0)
