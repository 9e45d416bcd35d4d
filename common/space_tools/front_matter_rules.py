# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The README front matter rules Spaces enforces (a wrong one ends in CONFIG_ERROR or a rejected upload)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

RULES = yaml.safe_load(Path(__file__).with_name("front_matter_rules.yml").read_text(encoding="utf-8"))
COLORS = set(RULES["colors"])
CUSTOM_HEADERS = set(RULES["custom_headers"])


def problems(front: dict) -> list[str]:
    """Each rule the front matter breaks, as a sentence naming the key."""
    found: list[str] = []
    if front.get("sdk") != "docker":
        found.append(f"sdk must be docker, not {front.get('sdk')!r}")
    port = front.get("app_port", 7860)
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        found.append(f"app_port must be a port number, not {port!r}")
    for key in ("colorFrom", "colorTo"):
        if key in front and front[key] not in COLORS:
            found.append(f"{key} must be one of {', '.join(sorted(COLORS))}, not {front[key]!r}")
    if len(str(front.get("short_description", ""))) > RULES["short_description_max"]:
        found.append(f"short_description must be at most {RULES['short_description_max']} characters")
    if not isinstance(front.get("title", ""), str) or not front.get("title"):
        found.append("title must be a non-empty string")
    for key in RULES["booleans"]:
        if key in front and not isinstance(front[key], bool):
            found.append(f"{key} must be true or false")
    if "header" in front and front["header"] not in RULES["headers"]:
        found.append(f"header must be {' or '.join(RULES['headers'])}")
    if "base_path" in front and not str(front["base_path"]).startswith("/"):
        found.append("base_path must start with /")
    timeout = front.get("startup_duration_timeout")
    if timeout is not None and not re.search(RULES["duration"], str(timeout)):
        found.append("startup_duration_timeout must be a duration like 30m or 1h")
    scopes = front.get("hf_oauth_scopes")
    if scopes is not None and (not isinstance(scopes, list) or not all(isinstance(s, str) and s for s in scopes)):
        found.append("hf_oauth_scopes must be a list of scopes such as [openid, profile]")
    minutes = front.get("hf_oauth_expiration_minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1):
        found.append("hf_oauth_expiration_minutes must be a positive number of minutes")
    for header in front.get("custom_headers") or {}:
        if header not in CUSTOM_HEADERS:
            found.append(f"custom_headers may only set {', '.join(sorted(CUSTOM_HEADERS))}, not {header}")
    return found
