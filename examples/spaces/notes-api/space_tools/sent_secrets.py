# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""What deploy last sent as each Secret, so an unchanged Secret is not sent again (which restarts the Space).

The Hub never shows a Secret's value, only when it was last set. For each Space, this machine keeps a keyed
digest (HMAC-SHA256 with a random key of its own, so the record reveals nothing of a value) and the Hub's
`updatedAt` from right after the value was sent. A Secret counts as unchanged only while both still agree;
anything else (no record, another machine, a change in the Space's settings) sends it again. The record lives in
$XDG_STATE_HOME/space_tools (default ~/.local/state/space_tools), readable by this user only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets as random_tokens
from pathlib import Path


def _folder() -> Path:
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "space_tools"


def _private_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    partial.replace(path)


def _key() -> bytes:
    path = _folder() / "digest-key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        key = random_tokens.token_bytes(32)
        _private_write(path, key.hex())
        return key


class SentSecrets:
    def __init__(self, space_id: str) -> None:
        self.path = _folder() / "sent-secrets" / (space_id.replace("/", "--") + ".json")
        try:
            self.entries: dict[str, dict] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.entries = {}

    def _digest(self, name: str, value: str) -> str:
        return hmac.new(_key(), f"{name}\0{value}".encode(), hashlib.sha256).hexdigest()

    def unchanged(self, name: str, value: str, updated_at: str | None) -> bool:
        entry = self.entries.get(name)
        return bool(
            entry and updated_at and entry.get("updatedAt") == updated_at
            and hmac.compare_digest(entry.get("digest", ""), self._digest(name, value))
        )

    def sent(self, name: str, value: str, updated_at: str | None) -> None:
        if updated_at:
            self.entries[name] = {"digest": self._digest(name, value), "updatedAt": updated_at}

    def forget(self, name: str) -> None:
        self.entries.pop(name, None)

    def save(self) -> None:
        try:
            _private_write(self.path, json.dumps(self.entries, indent=1, sort_keys=True) + "\n")
        except OSError:
            pass  # without a record the next deploy sends the Secrets again: slower, never wrong
