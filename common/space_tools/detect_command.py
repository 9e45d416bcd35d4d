# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`detect`: what the backend's own files say about the answers (the ASGI app or entry file, the runtime's
version, the variables the code reads), shown with where each was read; `--write` makes them the answers."""

from __future__ import annotations

import json
import sys

from . import answers_writer, config, detect
from .errors import SpaceError


def add_arguments(parser) -> None:
    parser.add_argument("--write", action="store_true",
                        help="change the answers to what was found and re-render the Space's files (Copier's way)")


def _shown(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _need(variable) -> str:
    if variable.required:
        return f"required (its default {variable.outside} is outside the image)" if variable.outside else "required"
    if variable.secret:
        return "optional (the code has its own default)" if variable.default else "optional"
    return f"optional, default {variable.default!r}" if variable.default else "optional"


def summary(settings, findings, variables) -> list[str]:
    """One line per finding: the answer, the value (and space.json's when it differs), where it was read."""
    rows = []
    for item in findings.items:
        now = settings.settings.get(item.answer)
        state = "" if item.value is None else "" if now == item.value else f" (space.json: {_shown(now)})"
        rows.append((item.answer, f"{_shown(item.value) if item.value is not None else '?'}{state}", item.source))
        if item.problem:
            rows.append(("", item.problem, ""))
    declared = settings.settings["variables"]
    for variable in variables:
        kind = "Secret" if variable.secret else "Variable"
        state = " (declared)" if variable.name in declared else ""
        rows.append((variable.name, f"{kind}, {_need(variable)}{state}", f"read in {variable.source}"))
    width = max(len(name) for name, _, _ in rows) if rows else 0
    lines = [f"Found in {detect.backend_folder(settings)}:"]
    lines += [f"  {name:<{width}}  {value}" + (f"  <- {source}" if source else "") for name, value, source in rows]
    if not variables:
        lines.append("  the code reads no environment variables of its own")
    lines += [f"  {note}" for note in findings.notes]
    lines += [f"warning: {warning}." for warning in findings.warnings]
    return lines


def _confirmed(data: dict) -> bool:
    """At a terminal, the summary is a question: a yes writes it."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    try:
        answer = input(f"Make {', '.join(data)} what the backend says? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def main(args) -> int:
    settings = config.load(args.root)
    findings, variables = detect.find(settings)
    for line in summary(settings, findings, variables):
        print(line)
    data = detect.changes(settings, findings, variables)
    if not data:
        print("ok: the answers already say what the backend does.")
        return 0
    if "env_vars" in data:
        recorded = answers_writer.answers(settings.root).get("env_vars") or {}
        data["env_vars"] = {**data["env_vars"], **recorded}  # what was answered stays as answered
    if not args.write and not _confirmed(data):
        print(f"To make {', '.join(data)} what the backend says (variables' secret and required are guesses): "
              "./space detect --write")
        return 0
    written = answers_writer.change(settings.root, data)
    if not written:
        raise SpaceError("the template rendered the same files with these answers; nothing changed.")
    print(f"wrote {', '.join(written)}")
    return 0
