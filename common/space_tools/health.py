"""One HTTP GET against the app, the way a user's first request would reach it."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _opener(url: str) -> urllib.request.OpenerDirector:
    # A local container is reached directly, never through a proxy the environment may name.
    if urlsplit(url).hostname in _LOOPBACK:
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def get(url: str, *, timeout: float = 5.0, headers: dict[str, str] | None = None) -> int | None:
    """The HTTP status the URL answers with, or None when nothing answers."""
    request = urllib.request.Request(url, headers={"User-Agent": "space_tools", **(headers or {})})
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def wait_healthy(url: str, *, within: float, headers: dict[str, str] | None = None) -> int | None:
    """GET until a 2xx or `within` seconds pass (a proxy can need a moment after the Space turns RUNNING)."""
    deadline = time.monotonic() + within
    while True:
        status = get(url, headers=headers)
        if (status is not None and 200 <= status < 300) or time.monotonic() >= deadline:
            return status
        time.sleep(1.0)
