# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Just enough of PEP 440 specifiers to tell whether a Python version satisfies `requires-python`."""

from __future__ import annotations

import re

_CLAUSE = re.compile(r"^(?P<op>~=|===|==|!=|<=|>=|<|>)\s*(?P<version>[0-9]+(?:\.[0-9]+)*)(?P<star>\.\*)?$")


def _parts(version: str, width: int = 3) -> tuple[int, ...]:
    numbers = [int(part) for part in version.split(".")]
    return tuple(numbers + [0] * (width - len(numbers)))


def allows(spec: str, version: str) -> bool:
    """Whether `version` (e.g. "3.13", taken as its newest patch release's minor) fits `spec` (">=3.11,<3.14")."""
    for clause in filter(None, (part.strip() for part in spec.split(","))):
        match = _CLAUSE.match(clause)
        if not match:
            raise ValueError(f"unsupported version clause {clause!r}")
        if not _clause_allows(match["op"], match["version"], bool(match["star"]), version):
            return False
    return True


def _clause_allows(op: str, bound: str, star: bool, version: str) -> bool:
    minor = _parts(version)[:2]
    if star or op in ("==", "!=", "==="):
        width = len(bound.split("."))
        equal = _parts(version)[: min(width, 2)] == _parts(bound)[: min(width, 2)] if width <= 2 else minor == _parts(bound)[:2]
        return equal if op != "!=" else not equal
    bound_minor = _parts(bound)[:2]
    if op == ">=":
        return minor >= bound_minor
    if op == ">":
        return minor > bound_minor or (minor == bound_minor and len(bound.split(".")) > 2)
    if op == "<":
        return minor < bound_minor or (minor == bound_minor and _parts(bound)[2] > 0)
    if op == "<=":
        return minor <= bound_minor
    # ~=X.Y means >=X.Y,==X.*; ~=X.Y.Z means >=X.Y.Z,==X.Y.*
    parts = bound.split(".")
    prefix = _parts(".".join(parts[:-1]))[: len(parts) - 1]
    return minor >= bound_minor and _parts(version)[: len(prefix)] == prefix
