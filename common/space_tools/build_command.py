# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`build`: sync the backend, then build the image from this folder exactly as Spaces does."""

from __future__ import annotations

from . import config, docker_client
from .backend_sync import sync
from .errors import SpaceError


def add_arguments(parser) -> None:
    parser.add_argument("--tag", help="image tag (default: <space_name>:local)")
    parser.add_argument("--no-cache", action="store_true", help="build without Docker's layer cache")
    parser.add_argument(
        "--network", default="", help="build network, e.g. host where Docker has no bridge (default: Docker's)"
    )


def main(args) -> int:
    settings = config.load(args.root)
    for note in sync(settings).notes:
        print(note)
    command = ["build", "--tag", args.tag or settings.image]
    if args.no_cache:
        command.append("--no-cache")
    if args.network:
        command += ["--network", args.network]
    print("docker " + " ".join(command) + " .", flush=True)
    if docker_client.run([*command, str(settings.root)]).returncode != 0:
        raise SpaceError("docker build failed; the lines above say why.")
    print(f"built {args.tag or settings.image}")
    return 0
