# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The tools' own dependencies, as requirements.txt beside this file lists them (the one list), checked before a
command imports any: a missing or too-old one is one line naming the version and the way to install it."""

from __future__ import annotations

import importlib.metadata
import re
import sys
from pathlib import Path

REQUIREMENTS = Path(__file__).with_name("requirements.txt")
INSTALL = ("run the tools as ./space <command>, which installs them apart from the system Python, or "
           "`pip install -r space_tools/requirements.txt` in a virtual environment")


def _requirements() -> list[tuple[str, str, set[str]]]:
    """(distribution, version specifier, the commands that need it, none for all) per line: `name>=1  # deploy, logs`."""
    found = []
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        requirement, _, comment = line.partition("#")
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*([^;\s]*)", requirement)
        if match:
            found.append((match[1], match[2], set(re.match(r"^[\s,a-z]*", comment)[0].replace(",", " ").split())))
    return found


def problem(command: str) -> str:
    """What keeps `command` from running here, or ''."""
    if sys.version_info < (3, 10):
        return f"space_tools needs Python 3.10 or newer, and {sys.executable} is {sys.version.split()[0]}: {INSTALL}."
    for name, spec, only_for in _requirements():
        if only_for and command not in only_for:
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return f"{command} needs {name}{spec}, which {sys.executable} doesn't have: {INSTALL}."
        from packaging.specifiers import SpecifierSet  # listed before anything that has a specifier

        if spec and installed not in SpecifierSet(spec, prereleases=True):
            return f"{command} needs {name}{spec}, and {installed} is installed: {INSTALL}."
    return ""
