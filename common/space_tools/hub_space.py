# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Space on the Hub that deploy, status, logs and open talk about: its id (the token's user when space_owner
is empty), its app's URL, and a Hub client, made only when one is needed."""

from __future__ import annotations

import re

from . import config


def space_id(settings: config.SpaceConfig, hub=None) -> str:
    return settings.space_id or f"{(hub or connect()).username()}/{settings.space_name}"


def connect():
    from .hub_client import Hub  # huggingface_hub only for the commands that ask the Hub

    return Hub()


def space_url(host: str | None, subdomain: str | None, space_id: str) -> str:
    """The app's base URL: the Hub's `host` (with its scheme when it gives one), else https on hf.space."""
    if host:
        return host.rstrip("/") if "://" in host else f"https://{host.rstrip('/')}"
    name = subdomain or re.sub(r"[^a-z0-9]+", "-", space_id.lower()).strip("-")
    return f"https://{name}.hf.space"


def health_headers(info, visibility: str, url: str, token: str) -> dict | None:
    """What a health check sends: a private Space answers only its members, so it shows the check who we are (over
    https only, and never to another host a redirect names); a protected one's app is public and never sees it."""
    members_only = info.private and visibility != "protected" and url.startswith("https://")
    return {"Authorization": f"Bearer {token}"} if members_only else None
