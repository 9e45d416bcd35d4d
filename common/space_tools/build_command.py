# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`build`: sync the backend, then build the image from this folder exactly as Spaces does, and as `run` does."""

from __future__ import annotations

import os

from . import config, docker_client, env_values, local_space, log_tail
from .backend_sync import sync
from .build_progress import BuildProgress
from .errors import SpaceError
from .space_stages import BUILD_ERROR, BUILDING


# What a Docker client without the buildx plugin says when asked for a BuildKit build (Debian's docker.io 26).
_NO_BUILDX = "BuildKit is enabled but the buildx component is missing or broken"


def add_arguments(parser) -> None:
    parser.add_argument("--tag", help="image tag (default: <space_name>:local)")
    add_build_arguments(parser)


def add_build_arguments(parser) -> None:
    """The options `build` and `run` share, so both build the same way."""
    parser.add_argument("--no-cache", action="store_true", help="build without Docker's layer cache")
    parser.add_argument("--verbose", "-v", action="store_true", help="show docker build's output as it runs")
    parser.add_argument(
        "--network", default=os.environ.get("SPACE_TOOLS_NETWORK", ""),
        help="host: build (and run) on the host's network, for a Docker without a bridge network (or set "
             "SPACE_TOOLS_NETWORK=host); default: Docker's own, and run publishes the port on 127.0.0.1")


def build_image(space: local_space.LocalSpace, args, settings: config.SpaceConfig) -> bool:
    """Build it as Spaces does, showing the steps with their seconds; on failure, the build log's last lines."""
    names = lambda items: ", ".join(items) or "none"  # noqa: E731
    print(f"{BUILDING}: {space.image} (build args: {names(space.variables)}; BuildKit secrets: {names(space.secrets)})",
          flush=True)
    progress = BuildProgress(args.verbose)
    built = space.build(on_line=progress.line, no_cache=args.no_cache)
    progress.done()
    if built:
        print(f"built {space.image} in {progress.elapsed():.1f} s", flush=True)
        return True
    if any(_NO_BUILDX in line for line in space.build_log):  # the client refused before any step ran
        raise SpaceError(f"{docker_client.client()} has no buildx plugin, which Docker's BuildKit builds need (and "
                         "Spaces builds with BuildKit): install it (Debian and Ubuntu: `apt-get install "
                         "docker-buildx`; Docker's own packages: docker-buildx-plugin), or set DOCKER to a client "
                         "that has it.")
    print(f"{BUILD_ERROR}: docker build failed after {progress.elapsed():.1f} s")
    log_tail.print_diagnosed("build", list(space.build_log), settings)
    return False


def main(args) -> int:
    settings = config.load(args.root)
    for note in sync(settings).notes:
        print(note)
    space = local_space.for_settings(settings, env_values.resolve(settings), port=None, name=None, network=args.network)
    if args.tag:
        space.image = args.tag
    if not build_image(space, args, settings):
        raise SpaceError("docker build failed; the lines above say why.")
    return 0
