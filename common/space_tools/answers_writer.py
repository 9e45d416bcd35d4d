# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Changes answers the way Copier would, without git: renders the template with the old and the new answers
and writes a file only where the Space still holds what Copier wrote; any file edited since stops it all."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path

import yaml

from .errors import SpaceError

ANSWERS_FILE = ".copier-answers.yml"
_NOT_RENDERED = {"backend", ".git", ".env"}  # the synced code, the repo, local values: never the template's


def _render(source: str, ref: str | None, answers: dict, into: Path) -> dict[str, bytes]:
    try:
        from copier import run_copy
    except ModuleNotFoundError:
        raise SpaceError("changing the answers re-renders the Space with Copier: `pip install copier`.") from None
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            run_copy(source, into, data=answers, defaults=True, vcs_ref=ref, quiet=True, overwrite=True)
    except Exception as error:  # Copier's own messages: a validator's refusal, an unreachable template
        message = (str(error).strip().splitlines() or [type(error).__name__])[-1].rstrip(".")
        if "Unknown revision" in message:
            message += (f" (the template commit {ANSWERS_FILE} records is not in {source}: a copy made from "
                        "uncommitted template changes can't be rendered again; copy it anew from a commit)")
        raise SpaceError(f"Copier could not render the template from {source}: {message}.") from None
    return _files(into)


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not path.is_symlink() and relative.parts[0] not in _NOT_RENDERED:
            found[relative.as_posix()] = path.read_bytes()
    return found


def _current(root: Path, relative: str) -> bytes | None:
    path = root / relative
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def answers(root: Path) -> dict:
    path = root / ANSWERS_FILE
    if not path.is_file():
        raise SpaceError(f"{path} is missing: answers can only change in a Space Copier made.")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "_src_path" not in data:
        raise SpaceError(f"{path} is not Copier's record of answers: restore it from git.")
    return data


def change(root: Path, new: dict) -> list[str]:
    """Re-render with these answers changed; return the files written. Nothing is written on any conflict."""
    recorded = answers(root)
    old = {name: value for name, value in recorded.items() if not name.startswith("_")}
    source, ref = str(recorded["_src_path"]), recorded.get("_commit")
    with tempfile.TemporaryDirectory(prefix="space-answers-") as temp:
        before = _render(source, ref, old, Path(temp) / "before")
        after = _render(source, ref, {**old, **new}, Path(temp) / "after")
        edited, writes, removals = [], {}, []
        for relative in sorted(set(before) | set(after)):
            was, will, now = before.get(relative), after.get(relative), _current(root, relative)
            if will == now:
                continue
            if now != was and relative != ANSWERS_FILE:
                edited.append(relative)
            elif will is None:
                removals.append(relative)
            else:
                writes[relative] = will
        if edited:
            shown = ", ".join(edited[:5]) + (f" and {len(edited) - 5} more" if len(edited) > 5 else "")
            raise SpaceError(
                f"{shown} changed since Copier rendered them, so nothing was written: commit the Space, then run "
                "`copier update --defaults` with the --data the summary shows (Copier merges your edits)."
            )
        for relative, content in writes.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(content)
            mode = (Path(temp) / "after" / relative).stat().st_mode
            os.chmod(partial, mode & 0o777)
            partial.replace(target)
        for relative in removals:
            (root / relative).unlink()
    return sorted(writes) + removals
