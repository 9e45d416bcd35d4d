# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Reads `.env.example` (what the Space reads, and how) and `.env` (the local values)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import SpaceError

# A variable is documented by the comment line right above it: "# [secret, required] What it is."
_MARKER = re.compile(r"^#\s*\[(?P<flags>[a-z ,]+)\]\s*(?P<help>.*)$")
_ASSIGN = re.compile(r"^(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")
_FLAGS = {"secret", "variable", "required", "optional"}


@dataclass(frozen=True)
class EnvVar:
    name: str
    secret: bool
    required: bool
    default: str
    help: str


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse_env_example(path: Path) -> list[EnvVar]:
    """Every variable in `.env.example`, with the marking of the comment above it."""
    if not path.is_file():
        raise SpaceError(f"{path} is missing: it lists the variables the Space reads (run `copier update` to restore it).")
    variables: list[EnvVar] = []
    marker: re.Match[str] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            marker = None
            continue
        if line.startswith("#"):
            marker = _MARKER.match(line) or marker
            continue
        assign = _ASSIGN.match(line)
        if not assign:
            raise SpaceError(f"{path}:{number}: expected NAME=value, got {raw!r}.")
        if marker is None:
            raise SpaceError(
                f"{path}:{number}: {assign['name']} has no marking comment above it; "
                "add a line like `# [secret, required] What it is.`"
            )
        flags = {flag.strip() for flag in marker["flags"].split(",")}
        if not flags <= _FLAGS or ("secret" in flags) == ("variable" in flags):
            raise SpaceError(
                f"{path}:{number}: marking [{marker['flags']}] must name one of secret/variable "
                "and may add required/optional."
            )
        variables.append(
            EnvVar(
                name=assign["name"],
                secret="secret" in flags,
                required="required" in flags,
                default=_unquote(assign["value"]),
                help=marker["help"],
            )
        )
        marker = None
    return variables


def read_env_file(path: Path) -> dict[str, str]:
    """The values of a dotenv file exactly as python-dotenv (what the app's own settings loaders use) reads them;
    an absent file is empty, a name without a value is unset."""
    if not path.is_file():
        return {}
    try:
        from dotenv import dotenv_values
        from dotenv.parser import parse_stream
    except ModuleNotFoundError:
        raise SpaceError(
            "space_tools reads .env with python-dotenv: `pip install -r space_tools/requirements.txt`."
        ) from None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SpaceError(f"{path} is not UTF-8 text (byte {error.start}): save it as UTF-8.") from None
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise SpaceError(
                f"{path}:{binding.original.line}: python-dotenv can't read this line (its value is not shown): "
                "check its quotes; see .env.example for the form NAME=value."
            )
    values = dotenv_values(stream=io.StringIO(text), interpolate=True)
    return {name: value for name, value in values.items() if value is not None}
