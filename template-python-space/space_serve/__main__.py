# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Entry point of the image: check the environment in one clear line, restore the databases (storage=bucket),
then hand over to uvicorn; snapshot once more when it returns."""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import sys
from importlib import metadata

from . import settings, storage

SERVING_LIBRARIES = "/opt/serving"  # uvloop and httptools, installed there by the Dockerfile's builder stage


def _positive_int(name: str, default: int, upper: int) -> int:
    raw = os.environ.get(name, "").strip() or str(default)
    if not raw.isdigit() or not 1 <= int(raw) <= upper:
        settings.fail(f"{name}={raw!r} is not a whole number between 1 and {upper}.")
    return int(raw)


def _is_placeholder(value: str) -> bool:
    value = value.strip().lower()
    return value in settings.PLACEHOLDER_VALUES or any(re.fullmatch(p, value) for p in settings.PLACEHOLDER_PATTERNS)


def main() -> None:
    sys.path.insert(0, os.getcwd())  # the code's folder, importable as under `python -m`, after this package
    if settings.APP_DIR:  # a src/ layout's packages, as an installed project (or uvicorn's --app-dir) has them
        sys.path.insert(0, os.path.join(os.getcwd(), settings.APP_DIR))
    settings.apply_defaults()
    missing = [name for name in settings.REQUIRED_VARIABLES if not os.environ.get(name, "").strip()]
    if missing:
        settings.fail(
            f"missing required environment variable(s): {', '.join(missing)}. "
            "Set them as Space Secrets/Variables, or in .env for local runs (see .env.example)."
        )
    # Never print the value: it may be a real secret that only looks like a placeholder.
    placeholders = [name for name in settings.REQUIRED_SECRETS if _is_placeholder(os.environ[name])]
    if placeholders:
        settings.fail(
            f"required secret(s) set to a placeholder, not a real value: {', '.join(placeholders)}. "
            "Set the real value as a Space Secret, or in .env for local runs."
        )
    port = _positive_int("PORT", settings.DEFAULT_PORT, 65535)
    workers = _positive_int("WEB_CONCURRENCY", 1, 64)
    keeping = storage.keeper(settings.SPACE)  # the databases are restored before anything opens them
    try:
        _serve(port, workers, keeping)
    except BaseException:
        if keeping:
            keeping.halt()
        raise
    if keeping:
        keeping.stop()  # uvicorn returned: SIGTERM, and the server has stopped taking requests


def _serve(port: int, workers: int, keeping) -> None:
    if settings.PRESTART:
        from . import prestart

        prestart.run(settings.PRESTART)
    if keeping:
        keeping.prepare()  # WAL before the first request: switching while the app writes could fail a write
    served_with, loop = _serving_libraries()
    print(f"space: serving with {served_with}", file=sys.stderr, flush=True)
    import uvicorn  # imported late so a configuration error costs no start-up time

    options = dict(
        factory=True,  # the backend loads when uvicorn calls it, so space_serve.asgi imports without one
        loop=loop,
        host=settings.LISTEN_HOST,
        port=port,
        workers=workers,
        proxy_headers=False,  # space_serve.forwarded reads them, trusting only the entries the nearest hop adds
        server_header=False,
        timeout_graceful_shutdown=3,  # docker stop waits 10 s before SIGKILL; finish well inside it
        log_level=os.environ.get("UVICORN_LOG_LEVEL", "info"),
    )
    # A backend's own older uvicorn lacks some (timeout_graceful_shutdown came in 0.20): it serves without them.
    known = inspect.signature(uvicorn.Config).parameters
    uvicorn.run("space_serve.asgi:create_app", **{name: value for name, value in options.items() if name in known})


def _serving_libraries() -> tuple[str, str]:
    """Offer uvloop and httptools to uvicorn (its "auto" picks them), after the backend's own packages; and the
    event loop: asyncio's for a backend that has nest_asyncio, which can't patch uvloop's (private-gpt's own launch
    asks uvicorn for asyncio's)."""
    loop = "asyncio" if importlib.util.find_spec("nest_asyncio") is not None else "auto"
    sys.path.append(SERVING_LIBRARIES)  # appended: a backend that pins its own uvloop or httptools keeps it
    chosen = []
    for name, fallback in (("uvloop", "asyncio"), ("httptools", "h11")):
        try:
            version = "" if (name, loop) == ("uvloop", "asyncio") else metadata.version(name)
        except metadata.PackageNotFoundError:
            version = ""
        chosen.append(f"{name} {version}" if version else fallback)
    return " and ".join(chosen), loop


if __name__ == "__main__":
    main()
