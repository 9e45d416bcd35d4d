# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The rules of the answers that need no other file: the Space card, its choices, its switches.

The patterns and choices come from answer_rules.yml, which the template's questions read too; each message is the
one their validator gives (copier/questions/*.yml)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from . import front_matter_rules, version_spec

RULES = yaml.safe_load(Path(__file__).with_name("answer_rules.yml").read_text(encoding="utf-8"))
_BASE_IMAGES = yaml.safe_load(Path(__file__).with_name("base_images.yml").read_text(encoding="utf-8"))
_SWITCHES = ("dev_mode", "migrate_on_start", "iframe")
_TEXTS = ("space_owner", "space_title", "short_description", "emoji", "license", "base_path",
          "startup_duration_timeout")


def values(choices) -> list:
    """The values of a question's choices (a list, or labels mapped to values)."""
    return list(choices.values()) if isinstance(choices, dict) else list(choices)


def _choices(runtime: str) -> dict[str, list]:
    colors = front_matter_rules.RULES["colors"]
    return {
        "color_from": colors, "color_to": colors, "visibility": RULES["visibility"], "hardware": RULES["hardware"],
        **({"node_version": _BASE_IMAGES["node"], "js_runtime": ["node", "bun"], "bun_version": _BASE_IMAGES["bun"]}
           if runtime == "node" else {}),
        "storage": values(RULES["storage"]),
        **({"database": values(RULES["database"])} if runtime == "node" else {}),
    }


def _text_problem(key: str, text: str) -> str | None:
    if key == "space_owner" and text and not re.search(RULES["space_owner"], text):
        return f'"{text}" is not a valid Hugging Face user or organization name.'
    if key == "space_title" and not text.strip():
        return "The title can't be empty."
    limit = front_matter_rules.RULES["short_description_max"]
    if key == "short_description" and len(text) > limit:
        return f"The short description has {len(text)} characters; Spaces accepts at most {limit}."
    if key == "emoji" and (not text or len(text) > 8 or re.search("[ -~]", text)):
        return f'"{text}" is not a single emoji.'
    if key == "license" and text and not re.search(RULES["license"], text):
        return f'"{text}" is not a license id like mit or apache-2.0.'
    if key == "base_path" and text and not re.search(RULES["url_path"], text):
        return f'"{text}" is not a URL path starting with /.'
    if key == "startup_duration_timeout" and not re.search(front_matter_rules.RULES["duration"], text):
        return f'"{text}" is not a duration like 30m or 1h.'
    return None


def problems(settings: dict, runtime: str) -> list[str]:
    """What is wrong with these answers (each checked when space.json has it: older Spaces lack some)."""
    found = []
    for key, allowed in _choices(runtime).items():
        if key in settings and settings[key] not in allowed:
            found.append(f"Invalid choice for '{key}': {settings[key]!r} is not in {allowed!r}.")
    python = settings.get("python_version")
    if runtime == "python" and python is not None and not version_spec.offers(str(python)):
        found.append(f'"{python}" is not a Python the template offers ({", ".join(version_spec.OFFERED)}, or a '
                     "patch release of one, like 3.11.7).")
    for key in _SWITCHES:
        if key in settings and not isinstance(settings[key], bool):
            found.append(f"{key} must be true or false, not {json.dumps(settings[key])}.")
    for key in _TEXTS:
        if key not in settings:
            continue
        if not isinstance(settings[key], str):
            found.append(f"{key} must be a string, not {json.dumps(settings[key])}.")
            continue
        problem = _text_problem(key, settings[key])
        if problem:
            found.append(problem)
    if runtime == "node" and settings.get("visibility") == "private":
        found.append("An auth server must be reachable by its users: choose public or protected, not private.")
    return found


def scopes_problems(scopes: list[str], runtime: str) -> list[str]:
    """hf_oauth_scopes, a list in space.json, by the rule of the question's space-separated answer."""
    text = " ".join(scopes)
    if not re.search(RULES["hf_oauth_scopes"], text):
        return [f'"{text}" is not a list of scopes like "openid profile email".']
    if "openid" not in scopes or "profile" not in scopes:
        return [f'hf_oauth_scopes must hold openid and profile (Hugging Face always grants them): "{text}".']
    if runtime == "node" and "email" not in scopes:
        return [f'Better Auth creates a user only with an email: add email to hf_oauth_scopes ("{text} email").']
    return []
