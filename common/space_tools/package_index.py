# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What the package index publishes for one release, asked only where a lock can't say: uv.lock keeps only the
wheels its requires-python allows, so a release whose Linux wheels stop at an older Python looks sdist-only."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from packaging.utils import canonicalize_name

_DEFAULT_INDEX = "https://pypi.org/simple"
_JSON = "application/vnd.pypi.simple.v1+json"  # PEP 691


def _index() -> str:
    """The index the build installs from: the one uv or pip is told to use here, else PyPI."""
    for name in ("UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL"):
        if os.environ.get(name, "").strip():
            return os.environ[name].strip().rstrip("/")
    return _DEFAULT_INDEX


def publishes_linux_wheels(name: str, version: str, timeout: float = 5) -> bool | None:
    """Whether the release has a Linux x86_64 wheel for any Python; None when the index can't be asked."""
    url = f"{_index()}/{canonicalize_name(name)}/"
    request = urllib.request.Request(url, headers={"Accept": _JSON})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # the configured index
            files = json.loads(response.read()).get("files") or []
    except (OSError, ValueError, urllib.error.URLError):
        return None
    prefix = f"{canonicalize_name(name).replace('-', '_')}-{version}-"
    return any(str(item.get("filename", "")).lower().startswith(prefix) and "linux" in item["filename"]
               and "x86_64" in item["filename"] and item["filename"].endswith(".whl") for item in files)
