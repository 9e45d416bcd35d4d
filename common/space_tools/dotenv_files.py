# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Reads `.env`, the local values of the Space's variables, as python-dotenv (and so the app) does."""

from __future__ import annotations

import io
from pathlib import Path

from .errors import SpaceError


def read_env_file(path: Path, interpolate: bool = True) -> dict[str, str]:
    """The values of a dotenv file exactly as python-dotenv (what the app's own settings loaders use) reads them;
    an absent file is empty, a name without a value is unset. `interpolate=False` keeps `${X}` as written (an
    example file's `${HOME}` is not this machine's)."""
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # checked by tool_dependencies
    from dotenv.parser import parse_stream

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpaceError(f"{path} is not UTF-8 text (byte {error.start}): save it as UTF-8.") from None
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise SpaceError(
                f"{path}:{binding.original.line}: python-dotenv can't read this line (its value is not shown): "
                "check its quotes; see .env.example for the form NAME=value."
            )
    values = dotenv_values(stream=io.StringIO(text), interpolate=interpolate)
    return {name: value for name, value in values.items() if value is not None}
