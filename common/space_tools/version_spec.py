# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Which of the template's Python versions a backend's `requires-python` admits (PEP 440, by `packaging`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from .errors import SpaceError

_BASE_IMAGES = yaml.safe_load(Path(__file__).with_name("base_images.yml").read_text(encoding="utf-8"))
OFFERED = _BASE_IMAGES["python"]


def _specifier(spec: str):
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # checked by tool_dependencies

    try:
        return SpecifierSet(spec)
    except InvalidSpecifier:
        raise SpaceError(f"requires-python {spec!r} is not a PEP 440 version range.") from None


def allows(spec: str, python: str) -> bool:
    """Whether python:<python>-slim satisfies `spec`: its interpreter is that minor's newest patch release."""
    from packaging.version import Version

    return _specifier(spec).contains(Version(f"{python}.99"))


def offered_that_satisfy(specs: list[str]) -> list[str]:
    """The template's Python versions every one of `specs` admits, oldest first."""
    return [python for python in OFFERED if all(allows(spec, python) for spec in specs)]


def end_of_life(python: str) -> str | None:
    """The month `python`'s security fixes ended (YYYY-MM), or None while they go on."""
    ended = _BASE_IMAGES["python_end_of_life"].get(python)
    return ended if ended and date.today().isoformat()[:7] > ended else None
