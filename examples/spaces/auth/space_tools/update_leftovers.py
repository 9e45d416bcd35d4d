# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What an unfinished `copier update` leaves behind: conflict markers in files, and *.rej files."""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import never_ship
from .errors import SpaceError

_MARKERS = re.compile(rb"^<{7}( |$).*?^={7}$.*?^>{7}( |$)", re.M | re.S)
LARGEST_SCANNED = 2_000_000  # bytes; conflict markers live in text files the template wrote


def find(root: Path, *, skip_backend: bool) -> list[str]:
    """Paths (relative) holding conflict markers or left as *.rej, outside what never ships."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not never_ship.never(d, is_dir=True))
        if here == root and skip_backend and "backend" in dirs:
            dirs.remove("backend")  # assembled by sync from the backend, not by the template
        for name in sorted(files):
            path = here / name
            relative = path.relative_to(root).as_posix()
            if name.endswith(".rej"):
                found.append(f"{relative} (a rejected change)")
            elif path.is_file() and not path.is_symlink() and path.stat().st_size <= LARGEST_SCANNED:
                if _MARKERS.search(path.read_bytes()):
                    found.append(f"{relative} (conflict markers)")
    return found


def refuse(root: Path, *, skip_backend: bool) -> None:
    found = find(root, skip_backend=skip_backend)
    if found:
        raise SpaceError(
            f"an update left unresolved conflicts: {', '.join(found)}. Resolve them (keep the lines you want, "
            "delete the <<<<<<< ======= >>>>>>> lines and the .rej files), then run this again."
        )
