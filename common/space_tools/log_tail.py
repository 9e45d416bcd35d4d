# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The last lines of a build or run log, shown the same way wherever a stage fails (build, run, deploy)."""

from __future__ import annotations

LINES = 40


def print_tail(lines: list[str], limit: int = LINES) -> None:
    for line in lines[-limit:]:
        print(f"  | {line}")
