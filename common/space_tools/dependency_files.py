# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The backend files the image installs dependencies from (dependency_files.yml, which the Dockerfile also reads)."""

from __future__ import annotations

from pathlib import Path

import yaml

_TABLE = yaml.safe_load(Path(__file__).with_name("dependency_files.yml").read_text(encoding="utf-8"))
PYTHON_LOCKS: dict[str, str] = _TABLE["python"]["locks"]
NODE_LOCKS: dict[str, str] = {**_TABLE["node"]["locks"], **_TABLE["node"]["also"]}
# The lock files a Node backend may have, as messages name them.
NODE_LOCK_NAMES = ", ".join(list(_TABLE["node"]["locks"])[:-1]) + f" or {list(_TABLE['node']['locks'])[-1]}"


def all_files(runtime: str) -> list[str]:
    """Every file the image copies to install from, for sync to ship."""
    entry = _TABLE[runtime]
    return [*entry["unlocked"], *entry["locks"], *entry.get("also", [])]
