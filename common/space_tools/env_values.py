# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The values of the Space's Variables and Secrets: declared in space.json, taken from `.env`."""

from __future__ import annotations

import os
import re
import secrets as random_tokens
from dataclasses import dataclass
from pathlib import Path

from . import backend_reading, placeholder_secrets, redaction
from .config import SETTINGS_FILE, EnvVar, SpaceConfig
from .dotenv_files import read_env_file
from .errors import SpaceError


@dataclass(frozen=True)
class Value:
    var: EnvVar
    value: str | None  # None: no value here (it may still be set on the Space)
    source: str  # where the value came from, for messages: ".env", "space.json", "environment", "placeholder"

    @property
    def name(self) -> str:
        return self.var.name

    @property
    def overrides(self) -> bool:
        """A Variable set here to something else than space.json's default: often a copy of an older default, which
        would hide the one `copier update` wrote since."""
        return not self.var.secret and self.source != SETTINGS_FILE and bool(self.var.default) and \
            self.value != self.var.default

    def shown(self) -> str:
        """NAME=value (where it comes from, and the default it overrides) for a Variable, which is public; a Secret's
        value is never shown."""
        if self.var.secret:
            return f"{self.name} ({self.source})"
        over = f", over {SETTINGS_FILE}'s {self.var.default}" if self.overrides else ""
        return f"{self.name}={self.value} ({self.source}{over})"


def resolve(config: SpaceConfig, *, from_environ: bool = False) -> list[Value]:
    """Each declared variable with its local value: `.env`, else (opt-in) the process environment,
    else, for a Variable only, its default in space.json. A Secret's example value is a placeholder, never used."""
    local = read_env_file(config.root / ".env")
    values = []
    for var in config.variables():
        if local.get(var.name):
            values.append(Value(var, local[var.name], ".env"))
        elif from_environ and os.environ.get(var.name):
            values.append(Value(var, os.environ[var.name], "environment"))
        elif not var.secret and var.default:
            values.append(Value(var, var.default, SETTINGS_FILE))
        else:
            values.append(Value(var, None, ""))
    redaction.register(*(v.value for v in values if v.var.secret))  # masked in all output from here on
    return values


def undeclared(config: SpaceConfig) -> list[str]:
    """Names in .env that space.json does not declare: they reach neither the Space nor the local container."""
    declared = {var.name for var in config.variables()}
    return sorted(set(read_env_file(config.root / ".env")) - declared)


def with_placeholder_secrets(values: list[Value]) -> list[Value]:
    """Missing required Secrets get random throwaway values (a CI health check has no real ones)."""
    return [
        Value(v.var, random_tokens.token_hex(32), "placeholder")
        if v.var.secret and v.var.required and v.value is None
        else v
        for v in values
    ]


def _them(names: list[str]) -> str:
    return "it" if len(names) == 1 else "them"


def missing(values: list[Value]) -> list[str]:
    """Required names with no value here (deploy may still find them on the Space)."""
    return [v.name for v in values if v.var.required and v.value is None]


# The Node image's start-up checks (a Python Space has none): the shortest BETTER_AUTH_SECRET is read from there.
_NODE_START_CHECKS = Path(__file__).parent.parent / "space_serve" / "environment.mjs"


def _shortest_auth_secret() -> int | None:
    found = re.search(r"MIN_SECRET_LENGTH = (\d+)", backend_reading.text(_NODE_START_CHECKS))
    return int(found[1]) if found else None


def refuse_placeholders(values: list[Value]) -> None:
    """A value the Space's start-up refuses makes it stop: a required Secret set to a placeholder (changeme, xxx,
    <...>), or a BETTER_AUTH_SECRET shorter than Better Auth's minimum. Say so before anything is built or sent;
    the value is never shown (a real secret may look like one)."""
    names = [v.name for v in values
             if v.var.secret and v.var.required and v.value and placeholder_secrets.is_placeholder(v.value)]
    if names:
        sources = sorted({v.source for v in values if v.name in names})
        raise SpaceError(
            f"{', '.join(names)} in {' and '.join(sources)} {'is a placeholder' if len(names) == 1 else 'are placeholders'}"
            f", not {'a real value' if len(names) == 1 else 'real values'}, and the Space refuses "
            f"{_them(names)} at start: put the real value{'' if len(names) == 1 else 's'} in .env (`./space run` and "
            f"`./space deploy` send {_them(names)})."
        )
    shortest = _shortest_auth_secret()
    short = next((v for v in values if v.name == "BETTER_AUTH_SECRET" and v.value and shortest
                  and len(v.value.strip()) < shortest), None)
    if short is not None:
        raise SpaceError(f"BETTER_AUTH_SECRET in {short.source} has {len(short.value.strip())} characters, and the Space "
                         f"refuses fewer than {shortest} at start (Better Auth's minimum): put a longer one in .env, "
                         "e.g. the output of `openssl rand -base64 32`.")


def require_local(values: list[Value]) -> None:
    """A local run has nothing else to fall back on: every required value must be here, and real."""
    refuse_placeholders(values)
    names = missing(values)
    if names:
        raise SpaceError(
            f"required {', '.join(names)} not set: add {_them(names)} to .env "
            "(see .env.example for what each is)."
        )


def ready_to_run(config: SpaceConfig, values: list[Value]) -> list[str]:
    """`check`'s word on the values `run` and `deploy` need: an error for a placeholder, or for a required value
    missing from a .env the owner made; without a .env (a fresh clone, CI), a note of what a local run needs."""
    refuse_placeholders(values)
    names = missing(values)
    if not names:
        return []
    if not (config.root / ".env").is_file():
        return [f"note: there is no .env: `./space run` needs {', '.join(names)} (and `./space deploy`, unless the "
                f"Space already has {_them(names)}): `cp .env.example .env`, then fill {_them(names)} in."]
    lines = " and ".join(f"`{name}=<value>`" for name in names)
    raise SpaceError(
        f".env lacks required {', '.join(names)}: `./space run` needs {_them(names)}, and `./space deploy` unless the "
        f"Space already has {_them(names)}: add {lines} to .env (see .env.example)."
    )


def variables(values: list[Value]) -> dict[str, str]:
    return {v.name: v.value for v in values if not v.var.secret and v.value is not None}


def secrets(values: list[Value]) -> dict[str, str]:
    return {v.name: v.value for v in values if v.var.secret and v.value is not None}
