# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`stop`: stop and remove the container `run` started on this machine (the Space on the Hub is not touched)."""

from __future__ import annotations

from . import config, docker_client


def add_arguments(parser) -> None:
    parser.add_argument("--name", help="container name (default: <space_name>-local, as run names it)")


def main(args) -> int:
    settings = config.load(args.root)
    name = args.name or f"{settings.space_name.lower()}-local"
    removed = docker_client.run(["rm", "--force", name], capture_output=True, text=True)
    if removed.returncode != 0 or not removed.stdout.strip():
        print(f"no local container {name} (nothing to stop)")
        return 0
    print(f"stopped {name}")
    return 0
