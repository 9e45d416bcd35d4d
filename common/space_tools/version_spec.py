# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Which of the template's Python versions a backend's `requires-python` admits (PEP 440, by `packaging`)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from .errors import SpaceError

_BASE_IMAGES = yaml.safe_load(Path(__file__).with_name("base_images.yml").read_text(encoding="utf-8"))
# The pattern the python_version question's validator uses too (answer_rules.yml).
_PATCH_RELEASE = yaml.safe_load(Path(__file__).with_name("answer_rules.yml").read_text(encoding="utf-8"))[
    "python_patch_release"]
OFFERED = _BASE_IMAGES["python"]


def _specifier(spec: str):
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # checked by tool_dependencies

    try:
        return SpecifierSet(spec)
    except InvalidSpecifier:
        raise SpaceError(f"requires-python {spec!r} is not a PEP 440 version range.") from None


def minor(python: str) -> str:
    """The release series of an answer, 3.11 for 3.11 and for a patch release of it (3.11.7): its wheels and
    its end of life are the series'."""
    return ".".join(python.split(".")[:2])


def is_patch(python: str) -> bool:
    """Whether the answer names one patch release (3.11.7), whose image never gets the series' later fixes."""
    return bool(re.search(_PATCH_RELEASE, python))


def offers(python: str) -> bool:
    """Whether python_version names an image the template offers: a series, or a patch release of one."""
    return python in OFFERED or (minor(python) in OFFERED and is_patch(python))


def full_version(python: str) -> str:
    """The interpreter of python:<python>-slim: the patch release named, else the series' newest (.99 stands for it)."""
    return python if is_patch(python) else f"{python}.99"


def allows(spec: str, python: str) -> bool:
    """Whether python:<python>-slim satisfies `spec`."""
    from packaging.version import Version

    return _specifier(spec).contains(Version(full_version(python)))


def _pinned_patch(specs: list[str]) -> str | None:
    """X.Y.Z where requires-python admits one patch release only (==3.11.7, Poetry's "3.11.7"), of an offered series."""
    for spec in specs:
        for one in _specifier(spec):
            if one.operator in ("==", "===") and is_patch(one.version) and minor(one.version) in OFFERED:
                return one.version
    return None


def offered_that_satisfy(specs: list[str]) -> list[str]:
    """The template's Python versions every one of `specs` admits, oldest first: the series, else the one patch
    release requires-python pins (python:3.11.7-slim), which only that image's interpreter satisfies."""
    series = [python for python in OFFERED if all(allows(spec, python) for spec in specs)]
    patch = None if series else _pinned_patch(specs)
    return [patch] if patch and all(allows(spec, patch) for spec in specs) else series


def end_of_life(python: str) -> str | None:
    """The month `python`'s security fixes ended (YYYY-MM), or None while they go on."""
    ended = _BASE_IMAGES["python_end_of_life"].get(minor(python))
    return ended if ended and date.today().isoformat()[:7] > ended else None
