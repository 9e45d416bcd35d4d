"""Share tokens: the note id plus an HMAC of it, so links can't be forged or pointed at another note."""

import base64
import hashlib
import hmac


def _signature(note_id: int, key: str) -> str:
    digest = hmac.new(key.encode(), f"note:{note_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(note_id: int, key: str) -> str:
    return f"{note_id}.{_signature(note_id, key)}"


def read_token(token: str, key: str) -> int | None:
    """The note id the token was made for, or None when it is malformed or signed with another key."""
    note_id, _, signature = token.partition(".")
    if not note_id.isdigit() or not signature:
        return None
    if not hmac.compare_digest(signature, _signature(int(note_id), key)):
        return None
    return int(note_id)
