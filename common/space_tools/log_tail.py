# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The last lines of a build or run log, shown the same way wherever a stage fails (build, run, deploy), under the
one line that names the cause and the fix when diagnoses.yml knows it, or else the log's first error line: a long
RUN command's echoes can fill the last lines without the error."""

from __future__ import annotations

import re

from . import diagnosis

LINES = 40
WIDTH = 300  # a longer line (BuildKit echoing a whole RUN command) is cut here
_BUILDKIT_PREFIX = re.compile(r"^#\d+ (?:\d+\.\d+ )?")
# What tools print when they fail: `error:`, `ERROR:`, `fatal error:`, npm's `ERR!`/`npm error`, uv's `×`, Node's
# `Error: ...`/`SyntaxError: ...`; never a step header or BuildKit's echo of the command that failed.
_ERROR = re.compile(r"^\s*(?:(?:fatal )?error(?:\[\w+\])?:|\w*Error: |npm (?:ERR!|error) |× )|\bERR! ", re.IGNORECASE)
_ECHO = re.compile(r"^\[[\w -]+ \d+/\d+\]|executor failed running|process \"/bin/sh -c")


def first_error(lines: list[str]) -> str | None:
    for line in lines:
        text = _BUILDKIT_PREFIX.sub("", line)
        if _ERROR.search(text) and not _ECHO.search(text):
            return text.strip()
    return None


def _shown(line: str) -> str:
    return line if len(line) <= WIDTH else line[:WIDTH] + " …"


def print_tail(lines: list[str], limit: int = LINES) -> None:
    for line in lines[-limit:]:
        print(f"  | {_shown(line)}")


def print_diagnosed(kind: str, lines: list[str], settings, error_message: str = "", limit: int = LINES) -> None:
    """The cause and fix of a failed `kind` (build or run) log, else its first error line; then its last lines."""
    found = diagnosis.diagnose(kind, lines, settings=settings, error_message=error_message)
    if found:
        print(f"  {found.line()}")
    elif (first := first_error(lines[-diagnosis.SCANNED_LINES:])) is not None:
        print(f"  first error: {_shown(first)}")
    print(f"Last lines of the {kind} log:")
    print_tail(lines, limit)
