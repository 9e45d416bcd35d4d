# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""hf_oauth: whether the backend can sign users in with Hugging Face, checked before an image is built."""

from __future__ import annotations

import re
from pathlib import Path

from . import backend_reading, detect_sign_in
from .errors import SpaceError

DOCS = "the template's docs/node-space.md (Sign in with Hugging Face)"


def check(settings: dict, folder: Path, manifests: str = "") -> list[str]:
    """Raise SpaceError when hf_oauth is on and the backend has no way to use it; return notes."""
    if not settings.get("hf_oauth"):
        return []
    if settings["runtime"] == "python":
        if not re.search(r"(?i)huggingface[_-]hub\s*\[[^\]]*oauth|\bauthlib\b", manifests):
            raise SpaceError("hf_oauth is on, but huggingface_hub[oauth] is not among the backend's dependencies "
                             "(the sign-in routes need it): `uv add 'huggingface_hub[oauth]'` in the backend.")
        return ["sign-in: huggingface_hub's routes at /oauth/huggingface/login (the app's own, or added at start)"]
    if detect_sign_in.first_use(folder, "node") is None:
        raise SpaceError("hf_oauth is on, but no file of the backend reads OPENID_PROVIDER_URL or OAUTH_CLIENT_ID: "
                         f"add the Hugging Face provider to your betterAuth config: {DOCS} shows the lines.")
    notes = ["sign-in: Better Auth's huggingface provider, from the discovery document at OPENID_PROVIDER_URL"]
    code = "\n".join(backend_reading.text(path)
                     for path in backend_reading.source_files(folder, backend_reading.CODE_SUFFIXES["node"]))
    if settings.get("iframe") and "oauthPopup" not in code:
        notes.append("note: iframe is on, but the config has no oauthPopup(): inside the huggingface.co page the "
                     f"sign-in can't hand its session to the page: see {DOCS}.")
    return notes
