# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`sync`: copy the backend's files into ./backend."""

from __future__ import annotations

from . import config
from .backend_sync import sync


def add_arguments(parser) -> None:
    parser.add_argument(
        "--force",
        action="store_true",
        help="when ./backend holds files sync did not write, set it aside as ./backend.kept-<time> and copy afresh",
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would be copied; write nothing")


def main(args) -> int:
    for note in sync(config.load(args.root), force=args.force, dry_run=args.dry_run).notes:
        print(note)
    return 0
