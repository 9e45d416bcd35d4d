# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Whether the backend already signs people in with Hugging Face: then the Space needs hf_oauth: true."""

from __future__ import annotations

import re
from pathlib import Path

from . import backend_reading
from .findings import Findings

# What only a backend that uses Hugging Face's sign-in reads or calls.
USES = re.compile(r"\b(OPENID_PROVIDER_URL|OAUTH_CLIENT_ID|attach_huggingface_oauth|parse_huggingface_oauth)\b")


def first_use(backend: Path, runtime: str) -> str | None:
    """Where the backend first uses it (`file: name`), or None."""
    for path in backend_reading.source_files(backend, backend_reading.CODE_SUFFIXES[runtime]):
        used = USES.search(backend_reading.text(path))
        if used:
            return f"{path.relative_to(backend.resolve())}: {used.group(1)}"
    return None


def find(backend: Path, findings: Findings, runtime: str) -> None:
    where = first_use(backend, runtime)
    if where:
        findings.add("hf_oauth", True, where)
