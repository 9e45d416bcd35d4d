# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`./space <command>` (or `python -m space_tools <command>`): check, sync, build, run and deploy this Space."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import redaction, template_release, tool_dependencies
from .errors import SpaceError

# Each command lives in its own module exposing `add_arguments(parser)` and `main(args) -> int`.
COMMANDS = {
    "detect": "Show what the backend's own files say about the answers; --write makes them the answers.",
    "check": "Check space.json, the files rendered from it, the backend folder and .env against what the Space needs.",
    "sync": "Copy the backend's files into ./backend (the Docker build context).",
    "build": "Sync, then build the image exactly as Spaces will.",
    "run": "Build and run the Space locally the way Spaces does, and wait until it answers.",
    "deploy": "Create or update the Space on the Hub, set its variables and secrets, upload, wait, check health.",
    "rollback": "Make the Space's files those of an earlier commit (--to REV; default: the one before), wait, check.",
    "preview": "A Space of its own per pull request (OWNER/<name>-pr-N): deploy it, or delete it when the PR closes.",
    "ci": "Write this Space's GitHub workflows at the root of the repository it is a folder of.",
    "stop": "Stop the container `run` started on this machine.",
    "status": "The Space on the Hub: stage, URL, hardware, last commit.",
    "logs": "The Space's run (or --build) logs on the Hub; -f follows them.",
    "open": "Print the Space's page and app URLs (--browser opens the page).",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./space", description=__doc__)
    parser.add_argument("--root", default=".", help="the Space repo (default: current directory)")
    parser.add_argument("--version", action="store_true", help="the template release this Space was made from")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {name: sub.add_parser(name, help=text, description=text) for name, text in COMMANDS.items()}
    argv = sys.argv[1:] if argv is None else argv
    # Only the chosen command's module is imported: deploy's huggingface_hub is not needed to build.
    chosen = next((arg for arg in argv if arg in COMMANDS), None)
    if "--version" in argv[: argv.index(chosen) if chosen else len(argv)]:
        root = argv[argv.index("--root") + 1] if "--root" in argv[:-1] else "."
        print(f"space_tools {template_release.recorded(Path(root))}")
        return 0
    missing = tool_dependencies.problem(chosen) if chosen else ""
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    module = importlib.import_module(f".{chosen}_command", __package__) if chosen else None
    if module is not None:
        module.add_arguments(parsers[chosen])
    args = parser.parse_args(argv)
    redaction.install()
    try:
        return module.main(args)
    except SpaceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as error:  # a file the user edited, saved in another encoding
        print(f"error: a file is not UTF-8 text ({error.reason} at byte {error.start}): save it as UTF-8.",
              file=sys.stderr)
        return 2
    except OSError as error:  # a file or folder the command needs can't be read or written
        print(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
