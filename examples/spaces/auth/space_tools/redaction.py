# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Secret values never reach the terminal: everything the tools print passes through `scrub`."""

from __future__ import annotations

import sys

MASK = "***"
SHORTEST = 4  # shorter values would mask ordinary words
_values: set[str] = set()


def register(*values: str | None) -> None:
    """Mask these values (the deploy token, Secret values) in all output from now on."""
    for value in values:
        if value and len(value.strip()) >= SHORTEST:
            _values.add(value)
            _values.add(value.strip())


def scrub(text: str) -> str:
    for value in sorted(_values, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


class _ScrubbingStream:
    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(scrub(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def install() -> None:
    if not isinstance(sys.stdout, _ScrubbingStream):
        sys.stdout, sys.stderr = _ScrubbingStream(sys.stdout), _ScrubbingStream(sys.stderr)
