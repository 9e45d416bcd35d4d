# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The last lines of a build or run log, shown the same way wherever a stage fails (build, run, deploy), under the
one line that names the cause and the fix when diagnoses.yml knows it."""

from __future__ import annotations

from . import diagnosis

LINES = 40


def print_tail(lines: list[str], limit: int = LINES) -> None:
    for line in lines[-limit:]:
        print(f"  | {line}")


def print_diagnosed(kind: str, lines: list[str], settings, error_message: str = "", limit: int = LINES) -> None:
    """The cause and fix of a failed `kind` (build or run) log, then its last lines."""
    found = diagnosis.diagnose(kind, lines, settings=settings, error_message=error_message)
    if found:
        print(f"  {found.line()}")
    print(f"Last lines of the {kind} log:")
    print_tail(lines, limit)
