# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Space on the Hub that status, logs and open talk about: its id (the token's user when space_owner is
empty) and a Hub client, made only when one is needed."""

from __future__ import annotations

from . import config


def space_id(settings: config.SpaceConfig, hub=None) -> str:
    return settings.space_id or f"{(hub or connect()).username()}/{settings.space_name}"


def connect():
    from .hub_client import Hub  # huggingface_hub only for the commands that ask the Hub

    return Hub()
