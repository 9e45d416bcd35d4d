# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The values of the Space's Variables and Secrets: declared in space.json, taken from `.env`."""

from __future__ import annotations

import os
import secrets as random_tokens
from dataclasses import dataclass

from . import redaction
from .config import EnvVar, SpaceConfig
from .dotenv_files import read_env_file
from .errors import SpaceError


@dataclass(frozen=True)
class Value:
    var: EnvVar
    value: str | None  # None: no value here (it may still be set on the Space)
    source: str  # where the value came from, for messages: ".env", "default", "environment", "placeholder"

    @property
    def name(self) -> str:
        return self.var.name


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
            values.append(Value(var, var.default, "default"))
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


def require_local(values: list[Value]) -> None:
    """A local run has nothing else to fall back on: every required value must be here."""
    missing = [v.name for v in values if v.var.required and v.value is None]
    if missing:
        raise SpaceError(
            f"required {', '.join(missing)} not set: add {'it' if len(missing) == 1 else 'them'} to .env "
            "(see .env.example for what each is)."
        )


def variables(values: list[Value]) -> dict[str, str]:
    return {v.name: v.value for v in values if not v.var.secret and v.value is not None}


def secrets(values: list[Value]) -> dict[str, str]:
    return {v.name: v.value for v in values if v.var.secret and v.value is not None}
