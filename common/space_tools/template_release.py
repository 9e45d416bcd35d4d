# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The template release and address this Space was made from, as Copier recorded them in its answers (read
without PyYAML, so `--version` works before the tools' dependencies are installed)."""

from __future__ import annotations

import re
from pathlib import Path


def recorded(root: Path) -> str:
    """`<release> from <template address>`, e.g. `v0.3.0 from gh:owner/hf-space-templates`."""
    try:
        text = (root / ".copier-answers.yml").read_text(encoding="utf-8")
    except OSError:
        return "unknown (no .copier-answers.yml here)"
    found = dict(re.findall(r"^(_commit|_src_path): *'?([^'\n]*)'?$", text, re.M))
    return f"{found.get('_commit', 'unknown')} from {found.get('_src_path', 'an unknown template')}"


def local_address(root: Path) -> str | None:
    """The recorded template address when it is a path on this machine, which teammates can't update from."""
    address = recorded(root).rpartition(" from ")[2]
    return address if address.startswith(("/", ".", "~")) or re.match(r"^[A-Za-z]:[\\/]", address) else None
