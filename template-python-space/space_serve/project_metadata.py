# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Record the backend's own project as installed in the image's environment, by its name and version from
pyproject.toml, as `pip install .` would, without building it: code that reads its own version with
importlib.metadata finds it, and runs from the app's folder as before.

Usage (the image's build): python project_metadata.py PYPROJECT VENV
"""

from __future__ import annotations

import re
import sys
import sysconfig
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: the copy pip carries
    from pip._vendor import tomli as tomllib


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def record(pyproject: Path, venv: Path) -> str:
    """Write NAME-VERSION.dist-info into the environment; what was done, in one line ('' for nothing)."""
    if not pyproject.is_file():
        return ""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project, poetry = data.get("project") or {}, (data.get("tool") or {}).get("poetry") or {}
    name, version = project.get("name") or poetry.get("name"), project.get("version") or poetry.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        return ""  # a version the project's build computes (dynamic): check refuses code that reads it
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    if any(_normalized(found.name.split("-")[0]) == _normalized(name) for found in site.glob("*.dist-info")):
        return ""  # the install step installed the project itself
    info = site / f"{_normalized(name)}-{version.replace('-', '_')}.dist-info"
    info.mkdir(parents=True)
    summary = project.get("description") or poetry.get("description") or ""
    files = {"METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                         + (f"Summary: {summary}\n" if isinstance(summary, str) and summary else ""),
             "INSTALLER": "space\n"}
    files["RECORD"] = "".join(f"{info.name}/{file},,\n" for file in [*files, "RECORD"])
    for file, text in files.items():
        (info / file).write_text(text, encoding="utf-8")
    return f"space: the backend's own project recorded as installed: {name} {version}"


if __name__ == "__main__":
    if done := record(Path(sys.argv[1]), Path(sys.argv[2])):
        print(done, file=sys.stderr)
