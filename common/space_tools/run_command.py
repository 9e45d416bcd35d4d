# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`run`: build and run this Space on this machine the way Spaces does, and report the same stages."""

from __future__ import annotations

import time

from . import config, env_values, health
from .backend_sync import sync
from .local_space import LocalSpace, injected_env
from .space_stages import APP_STARTING, BUILD_ERROR, BUILDING, RUNNING, RUNTIME_ERROR

TAIL = 40


def add_arguments(parser) -> None:
    parser.description = (
        "Build the image as Spaces does (Variables as build args, Secrets only as BuildKit secrets), run it as "
        "uid 1000 with the environment Spaces injects plus the Variables and Secrets from .env, and wait until the "
        "port answers (BUILDING, BUILD_ERROR, APP_STARTING, RUNNING, RUNTIME_ERROR), then GET the health path."
    )
    parser.add_argument(
        "--port",
        type=int,
        help="port to answer on here (default: app_port). With host networking the container gets PORT=<port> "
        "when it differs from app_port, so several Spaces can run side by side; Spaces itself never sets PORT.",
    )
    parser.add_argument(
        "--network",
        default="host",
        help="Docker network (default: host, which works where Docker has no bridge network); any other network "
        "publishes app_port on 127.0.0.1:<port> instead.",
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds to wait for the port (default: startup_duration_timeout)"
    )
    parser.add_argument("--detach", action="store_true", help="leave it running and print how to stop it")
    parser.add_argument(
        "--name", help="container name (default: <space_name>-local); a container of that name is replaced"
    )
    parser.add_argument("--no-cache", action="store_true", help="build without Docker's layer cache")
    parser.add_argument("--verbose", "-v", action="store_true", help="show docker build's output as it runs")
    parser.add_argument(
        "--placeholder-secrets",
        action="store_true",
        help="give required Secrets missing from .env random throwaway values (for CI health checks)",
    )


def _print_tail(lines: list[str]) -> None:
    for line in lines[-TAIL:]:
        print(f"  | {line}")


def _local_space(settings: config.SpaceConfig, values: list, args) -> LocalSpace:
    """The container to build and run: this repo, the values from .env, what Spaces injects."""
    port = args.port or settings.app_port
    return LocalSpace(
        context=settings.root,
        image=settings.image.lower(),
        container=args.name or f"{settings.space_name.lower()}-local",
        port=port,
        app_port=settings.app_port,
        variables=env_values.variables(values),
        secrets=env_values.secrets(values),
        injected=injected_env(
            space_id=settings.space_id or f"local/{settings.space_name}",
            host=f"127.0.0.1:{port}",
            title=str(settings.settings.get("space_title") or settings.space_name),
            hardware=settings.hardware,
        ),
        network=args.network,
    )


def _build(space: LocalSpace, args) -> bool:
    names = lambda items: ", ".join(items) or "none"  # noqa: E731
    print(
        f"{BUILDING}: {space.image} (build args: {names(space.variables)}; BuildKit secrets: {names(space.secrets)})",
        flush=True,
    )
    if space.build(on_line=print if args.verbose else None, no_cache=args.no_cache):
        return True
    print(f"{BUILD_ERROR}: docker build failed; its last lines:")
    _print_tail(list(space.build_log))
    return False


def _start_and_verify(space: LocalSpace, health_path: str, timeout: float) -> bool:
    """Start it, wait for its port as Spaces does, then GET the health path; on failure, its log tail."""
    print(
        f"{APP_STARTING}: container {space.container} as uid 1000, waiting up to {timeout:g} s for port {space.port}",
        flush=True,
    )
    started = time.monotonic()
    space.start()
    stage, reason = space.wait_until_answering(timeout)
    if stage == RUNTIME_ERROR:
        print(f"{RUNTIME_ERROR}: {reason}; the container's last lines:")
        _print_tail(space.logs(tail=TAIL))
        return False
    status = health.wait_healthy(space.url + health_path, within=10)
    print(f"{RUNNING}: after {time.monotonic() - started:.1f} s; GET {health_path} answered {status or 'nothing'}")
    if status is None or not 200 <= status < 300:
        print("error: the health check failed; the container's last lines:")
        _print_tail(space.logs(tail=TAIL))
        return False
    return True


def main(args) -> int:
    settings = config.load(args.root)
    for note in sync(settings).notes:
        print(note)
    values = env_values.resolve(settings)
    for name in env_values.undeclared(settings):
        print(f"note: .env sets {name}, which space.json does not declare: the container does not get it.")
    if args.placeholder_secrets:
        values = env_values.with_placeholder_secrets(values)
    env_values.require_local(values)
    timeout = args.timeout if args.timeout is not None else settings.startup_timeout_s
    space = _local_space(settings, values, args)
    if not _build(space, args):
        return 1
    try:
        if not _start_and_verify(space, settings.health_path, timeout):
            space.stop()
            return 1
        if args.detach:
            print(f"Running at {space.url} (stop it with: docker rm -f {space.container})")
            return 0
        print(f"Running at {space.url}; its logs follow (Ctrl-C stops it).", flush=True)
        space.follow_logs().wait()
        _, code = space.state()
        print(f"{RUNTIME_ERROR}: the container exited with code {code}")
        space.stop()
        return 1
    except KeyboardInterrupt:
        space.stop()
        print(f"\nstopped {space.container}")
        return 0
