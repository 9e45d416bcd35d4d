# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Values no real secret has (placeholder-secrets.txt, the list the image's start-up refuses for a required Secret),
compared as the image compares them: trimmed, lowercased, whole."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from . import backend_reading


@cache
def _rules() -> tuple[frozenset, tuple]:
    """placeholder-secrets.txt (space_serve/'s in a Space, common/'s in the template): its values and patterns."""
    here = Path(__file__)
    for path in (here.parent.parent / "space_serve" / "placeholder-secrets.txt",
                 here.resolve().parent.parent / "placeholder-secrets.txt"):
        if path.is_file():
            lines = [line.strip() for line in backend_reading.text(path).splitlines()]
            lines = [line for line in lines if line and not line.startswith("#")]
            return (frozenset(line for line in lines if not line.startswith("re:")),
                    tuple(re.compile(line[3:]) for line in lines if line.startswith("re:")))
    return frozenset(), ()


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    values, patterns = _rules()
    return lowered in values or any(pattern.fullmatch(lowered) for pattern in patterns)
