"""`python -m space_tools <command>`: check, sync, build, run and deploy this Space."""

from __future__ import annotations

import argparse
import importlib
import sys

from .errors import SpaceError

# Each command lives in its own module exposing `add_arguments(parser)` and `main(args) -> int`.
COMMANDS = {
    "check": "Validate the backend folder, the answers and .env against what the Space needs.",
    "sync": "Copy the backend's files into ./backend (the Docker build context).",
    "build": "Sync, then build the image exactly as Spaces will.",
    "run": "Build and run the Space locally the way Spaces does, and wait until it answers.",
    "deploy": "Create or update the Space on the Hub, set its variables and secrets, upload, wait, check health.",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m space_tools", description=__doc__)
    parser.add_argument("--root", default=".", help="the Space repo (default: current directory)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = {}
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f".{name}_command", __package__)
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
        modules[name] = module
    args = parser.parse_args(argv)
    try:
        return modules[args.command].main(args)
    except SpaceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
