# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Where a token may write, from the Hub's whoami-v2 answer: a fine-grained token lists its `scoped` entries; a
classic write token (or one whose kind the answer does not say) writes wherever its user may."""

from __future__ import annotations

WRITE = "repo.write"  # the fine-grained permission to push to, create and delete repos


def can_write(me: dict, owner: str, space_id: str) -> bool:
    """Whether the token whoami answered `me` for may write to the Space `space_id` of `owner`."""
    access = (me.get("auth") or {}).get("accessToken") or {}
    role = access.get("role")
    if role == "fineGrained":
        for entry in (access.get("fineGrained") or {}).get("scoped") or []:
            entity = entry.get("entity") or {}
            reaches = (entity.get("type") in ("user", "org") and entity.get("name") == owner) or (
                entity.get("type") == "space" and entity.get("name") == space_id)
            if reaches and WRITE in (entry.get("permissions") or []):
                return True
        return False
    if role == "read":
        return False
    return owner == me.get("name") or any(
        org.get("name") == owner and org.get("roleInOrg") != "read" for org in me.get("orgs") or [])
