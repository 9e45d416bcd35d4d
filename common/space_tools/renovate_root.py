# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Renovate reads its configuration only at the repository's root. For a Space that is a folder of a larger repository,
`./space ci` writes there one configuration made of every such Space's .github/renovate.json, each named in its
description; the repository's own configuration, if it has one, is never touched."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import SpaceError

SPACE_CONFIG = ".github/renovate.json"
ROOT_CONFIG = ".github/renovate.json"
# Where Renovate looks, in its order (https://docs.renovatebot.com/configuration-options/).
READ_FROM = ("renovate.json", "renovate.json5", ".github/renovate.json", ".github/renovate.json5", ".gitlab/renovate.json",
             ".gitlab/renovate.json5", ".renovaterc", ".renovaterc.json", ".renovaterc.json5")
MARK, AFTER = "Written by `./space ci` from ", "; run it again after `copier update`."  # ci_command's too


def _read(path: Path) -> dict:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SpaceError(f"{path} can't be read as JSON ({error}): restore it from git or with `copier update`, then "
                         "run `./space ci` again (nothing was written).") from None
    if not isinstance(loaded, dict):
        raise SpaceError(f"{path} is not a Renovate configuration (a JSON object): restore it from git.")
    return loaded


def _descriptions(config: dict) -> list[str]:
    text = config.get("description", [])
    return [text] if isinstance(text, str) else [str(line) for line in text]


def _sources(config: dict) -> list[str] | None:
    """The Space folders a configuration written by `./space ci` was made from; None for anyone else's."""
    lines = [line for line in _descriptions(config) if line.startswith(MARK) and line.endswith(AFTER)]
    return [line[len(MARK):-len(AFTER)].removesuffix(f"/{SPACE_CONFIG}") for line in lines] or None


def _merged(configs: dict[str, dict]) -> dict:
    """One configuration holding each Space's: lists joined without repeats, anything else as the first has it."""
    merged: dict = {}
    for config in configs.values():
        for key, value in config.items():
            if key == "description":
                continue
            if isinstance(value, list):
                known = [json.dumps(item, sort_keys=True) for item in merged.setdefault(key, [])]
                merged[key] += [item for item in value if json.dumps(item, sort_keys=True) not in known]
            else:
                merged.setdefault(key, value)
    marks = [f"{MARK}{space}/{SPACE_CONFIG}{AFTER}" for space in configs]
    told = [line for config in configs.values() for line in _descriptions(config) if not line.startswith(MARK)]
    merged["description"] = marks + list(dict.fromkeys(told))
    return {"$schema": merged.pop("$schema"), **merged} if "$schema" in merged else merged


@dataclass
class Planned:
    path: Path | None = None  # the root configuration to write, with `text`; None: nothing to write
    text: str = ""
    note: str = ""  # why not, when the owner should know


def plan(top: Path, space: str) -> Planned:
    own = top / space / SPACE_CONFIG
    if not own.is_file():
        return Planned()
    found = next((name for name in READ_FROM if (top / name).is_file() or (top / name).is_symlink()), None)
    written = _sources(_read(top / found)) if found == ROOT_CONFIG and not (top / found).is_symlink() else None
    if found and written is None:
        return Planned(note=f"note: Renovate reads {found}, your repository's own configuration, and no other: add "
                            f"to it what {space}/{SPACE_CONFIG} holds to keep this Space's pins current.")
    spaces = [folder for folder in written or [] if (top / folder / SPACE_CONFIG).is_file() and folder != space]
    configs = {folder: _read(top / folder / SPACE_CONFIG) for folder in sorted([*spaces, space])}
    return Planned(top / ROOT_CONFIG, json.dumps(_merged(configs), indent=2, ensure_ascii=False) + "\n")
