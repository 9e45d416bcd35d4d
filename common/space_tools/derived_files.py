# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The files rendered from the same answers as space.json (README front matter, .env.example, the README's
variables, the Dockerfile), compared with it: which one drifted, and how to bring them together."""

from __future__ import annotations

import io
import json
import posixpath
import re

from . import front_matter_rules
from .config import SETTINGS_FILE, EnvVar, SpaceConfig
from .errors import SpaceError

# Front matter key -> the space.json setting it is rendered from (an empty setting leaves the key out).
FRONT_MATTER = {
    "title": "space_title",
    "emoji": "emoji",
    "colorFrom": "color_from",
    "colorTo": "color_to",
    "app_port": "app_port",
    "short_description": "short_description",
    "license": "license",
    "base_path": "base_path",
    "startup_duration_timeout": "startup_duration_timeout",
    "suggested_hardware": "hardware",
    "hf_oauth": "hf_oauth",
    "hf_oauth_scopes": "hf_oauth_scopes",
    "hf_oauth_expiration_minutes": "hf_oauth_expiration_minutes",
}
_VARIABLES_HEADING = "## Environment variables"
_VARIABLE_ITEM = re.compile(r"^- `(?P<name>[^`]+)` \(")


def _shown(value) -> str:
    return "nothing" if value is None else json.dumps(value, ensure_ascii=False)


def _agree(key: str) -> str:
    return f"make them agree: `copier update --defaults --data {key}=<value>` re-renders every file that uses it."


def front_matter(config: SpaceConfig) -> list[str]:
    front = config.front_matter()
    found = []
    for front_key, key in FRONT_MATTER.items():
        expected = config.settings.get(key)
        expected = None if expected in ("", None) or expected is False else expected  # false: the key is left out
        if front.get(front_key) != expected:
            found.append(
                f"README.md front matter: {front_key} is {_shown(front.get(front_key))} but {SETTINGS_FILE}'s "
                f"{key} is {_shown(expected)}; {_agree(key)}"
            )
    return found


def example_line(var: EnvVar) -> str:
    """A variable's line in .env.example, as rendered: a Secret (or a required Variable without a default) to fill
    in; any other Variable's default commented out, so a .env copied from it keeps following space.json."""
    if var.secret or (var.required and not var.default):
        return f"{var.name}={'' if var.secret else var.default}"
    return f"# {var.name}={var.default}"


_COMMENTED = re.compile(r"^#[ \t]*(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$", re.MULTILINE)


def env_example(config: SpaceConfig) -> list[str]:
    path = config.root / ".env.example"
    if not path.is_file():
        return [f".env.example is missing: restore it from git or with `copier update` (it lists what "
                f"{SETTINGS_FILE} declares)."]
    from dotenv import dotenv_values  # python-dotenv, declared in requirements.txt

    text = path.read_text(encoding="utf-8")
    active = dotenv_values(stream=io.StringIO(text), interpolate=False)
    # A line commented out still shows a variable's value; an active one is what a copy to .env sets.
    listed = {match["name"]: match["value"].strip() for match in _COMMENTED.finditer(text)} | active
    declared = {var.name: var for var in config.variables()}
    found = []
    for name, var in declared.items():
        if name not in listed:
            found.append(f".env.example lacks {name}, which {SETTINGS_FILE} declares: "
                         f"add the line `{example_line(var)}`.")
        elif var.secret and listed[name]:
            found.append(f".env.example gives {name} a value, but it is a Secret and .env.example is committed: "
                         f"leave it as `{name}=` and put the value in .env.")
        elif not var.secret and (listed[name] or "") != var.default:
            found.append(f".env.example: {name}={listed[name] or ''} but its default in {SETTINGS_FILE} is "
                         f"{_shown(var.default)}: make it `{example_line(var)}`.")
    for name in active.keys() - declared.keys():
        found.append(f".env.example lists {name}, which {SETTINGS_FILE} does not declare: declare it in "
                     f"{SETTINGS_FILE}'s variables (deploy and the image read only that) or remove the line.")
    return found


def variable_item(var: EnvVar) -> str:
    """How the README lists a variable: its facts, as rendered; the description after them is prose."""
    default = f", default `{var.default}`" if var.default else ""
    kind = "Secret" if var.secret else "Variable"
    return f"- `{var.name}` ({kind}, {'required' if var.required else 'optional'}{default}):"


def readme_variables(config: SpaceConfig) -> list[str]:
    """The README's list of variables, if it still has one (an owner may drop the section)."""
    lines = (config.root / "README.md").read_text(encoding="utf-8").splitlines()
    if _VARIABLES_HEADING not in lines:
        return []
    items: dict[str, str] = {}
    name = None
    for line in lines[lines.index(_VARIABLES_HEADING) + 1:]:
        if line.startswith("## "):
            break
        match = _VARIABLE_ITEM.match(line)
        if match:
            name = match["name"]
            items[name] = line
        elif name and line.startswith("  "):
            items[name] += " " + line.strip()  # a wrapped description
        else:
            name = None
    found = []
    for var in config.variables():
        expected = variable_item(var)
        if var.name not in items:
            found.append(f"README.md's environment variables lack {var.name}: add `{expected} {var.help}`.")
        elif not items[var.name].startswith(expected):
            found.append(f"README.md lists {var.name} otherwise than {SETTINGS_FILE}: make it `{expected} ...`.")
    for name in items.keys() - {var.name for var in config.variables()}:
        found.append(f"README.md lists the variable {name}, which {SETTINGS_FILE} does not declare: remove it.")
    return found


def dockerfile(config: SpaceConfig) -> list[str]:
    """The Dockerfile lines rendered from settings, where the file still has them."""
    path = config.root / "Dockerfile"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    images = ([(r"^ARG PYTHON_IMAGE=python:(\S+)-slim$", "python_version")] if config.runtime == "python" else
              [(r"^ARG (?:NODE|JS)_IMAGE=node:(\S+)-slim$", "node_version"),  # NODE_IMAGE: before js_runtime
               (r"^ARG JS_IMAGE=oven/bun:(\S+)-slim$", "bun_version")])
    expected = [*images, (r"^EXPOSE (\d+)$", "app_port")]
    found = []
    for pattern, key in expected:
        match = re.search(pattern, text, re.MULTILINE)
        if match and match[1] != str(config.settings.get(key)):
            found.append(f"Dockerfile: `{match[0]}` but {SETTINGS_FILE}'s {key} is {_shown(config.settings.get(key))}; "
                         f"{_agree(key)}")
    database_path = config.settings["variables"].get("DATABASE_PATH", {}).get("default")
    match = re.search(r"^RUN install -d -o (?:node|bun) -g (?:node|bun) (\S+)$", text, re.MULTILINE)
    if match and database_path and match[1] != posixpath.dirname(database_path):
        found.append(f"Dockerfile: `{match[0]}` but DATABASE_PATH's default in {SETTINGS_FILE} is {database_path}: "
                     f"make the folder `{posixpath.dirname(database_path)}`.")
    return found


def drift(config: SpaceConfig) -> list[str]:
    """Every disagreement between space.json and the files rendered from it, one sentence each."""
    return front_matter(config) + env_example(config) + readme_variables(config) + dockerfile(config)


def refuse(config: SpaceConfig) -> None:
    """Stop before Spaces gets a front matter (or an image) that says something else than space.json."""
    broken = front_matter_rules.problems(config.front_matter())
    if broken:
        raise SpaceError("README.md front matter: " + "; ".join(broken) + ".")
    found = drift(config)
    if found:
        listed = "\n".join(f"  - {line}" for line in found)
        raise SpaceError(f"{SETTINGS_FILE} and the files rendered from it disagree:\n{listed}")
