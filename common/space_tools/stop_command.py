# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`stop`: stop and remove the container `run` started on this machine (the Space on the Hub is not touched)."""

from __future__ import annotations

from . import config, local_space


def add_arguments(parser) -> None:
    parser.add_argument("--name", help="container name (default: <space_name>-local, as run names it)")


def main(args) -> int:
    settings = config.load(args.root)
    name = args.name or f"{settings.space_name.lower()}-local"
    space = local_space.LocalSpace(context=settings.root, image="", container=name, port=0, app_port=0)
    if not space.stop():  # SIGTERM first: with storage=bucket the container takes its last snapshot then
        print(f"no local container {name} (nothing to stop)")
        return 0
    print(f"stopped {name}")
    return 0
