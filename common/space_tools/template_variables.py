# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Which variable names belong to the template, Spaces or the system (template_variables.yml, which the
env_vars question reads too), so never count as the app's own."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=None)
def _table() -> dict:
    return yaml.safe_load(Path(__file__).with_name("template_variables.yml").read_text(encoding="utf-8"))


def reserved(name: str, runtime: str) -> bool:
    table = _table()
    return (name in table["reserved"]["all"] or name in table["reserved"][runtime]
            or name.startswith(tuple(table["reserved_prefixes"])))


def not_the_apps(name: str, runtime: str) -> bool:
    return reserved(name, runtime) or name in _table()["system"]
