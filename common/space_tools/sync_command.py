"""`sync`: copy the backend's files into ./backend."""

from __future__ import annotations

from . import config
from .backend_sync import sync


def add_arguments(parser) -> None:
    parser.set_defaults()


def main(args) -> int:
    for note in sync(config.load(args.root)):
        print(note)
    return 0
