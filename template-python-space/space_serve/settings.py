# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Space's settings as the image reads them: space.json, copied into the image beside this package."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def fail(message: str):
    """Print `space: <message>` on stderr and exit 78."""
    print(f"space: {message}", file=sys.stderr, flush=True)
    sys.exit(78)  # EX_CONFIG: the container's configuration is wrong, not the code


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        fail(f"{path.name} can't be read ({error.strerror}): restore it from git and rebuild.")


def _settings(path: Path) -> dict:
    try:
        return json.loads(_read(path))
    except ValueError as error:
        fail(f"{path.name} is not valid JSON ({error}): fix it and rebuild.")


SPACE = _settings(_HERE.parent / "space.json")
ASGI_APP: str = SPACE["asgi_app"]
APP_DIR: str = SPACE.get("app_dir", "")  # the folder asgi_app is imported from (a src/ layout), "" for the root
PRESTART: str = SPACE.get("prestart", "")
HEALTH_PATH: str = SPACE["health_path"]
DEFAULT_PORT: int = SPACE["app_port"]
HF_OAUTH: bool = SPACE.get("hf_oauth", False)
VARIABLES: dict[str, dict] = SPACE["variables"]
REQUIRED_VARIABLES = [name for name, spec in VARIABLES.items() if spec["required"]]
REQUIRED_SECRETS = [name for name, spec in VARIABLES.items() if spec["required"] and spec["secret"]]
_PLACEHOLDERS = [line.strip() for line in _read(_HERE / "placeholder-secrets.txt").splitlines()]
_PLACEHOLDERS = [line for line in _PLACEHOLDERS if line and not line.startswith("#")]
PLACEHOLDER_VALUES = {line for line in _PLACEHOLDERS if not line.startswith("re:")}
PLACEHOLDER_PATTERNS = [line[3:] for line in _PLACEHOLDERS if line.startswith("re:")]
# Spaces' proxy reaches the container from outside its loopback; a local run on the host's own network asks for
# loopback (SPACE_LISTEN_HOST), so the app and its real .env values stay on that machine.
LISTEN_HOST = "127.0.0.1" if os.environ.get("SPACE_LISTEN_HOST") == "127.0.0.1" else "0.0.0.0"


def apply_defaults(environ=os.environ) -> None:
    """A Variable's default applies wherever it is not set, as deploy sets it on the Space."""
    for name, spec in VARIABLES.items():
        if not spec["secret"] and spec["default"] != "" and not environ.get(name, "").strip():
            environ[name] = str(spec["default"])
