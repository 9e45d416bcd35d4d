# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`run`: build and run this Space on this machine the way Spaces does, and report the same stages."""

from __future__ import annotations

import time
from pathlib import Path

from . import build_command, config, diagnosis, env_values, health, local_port, local_sign_in, local_space, log_tail
from .backend_sync import sync
from .errors import SpaceError
from .local_space import LocalSpace
from .space_stages import APP_STARTING, RUNNING, RUNTIME_ERROR


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
    build_command.add_build_arguments(parser)
    parser.add_argument(
        "--timeout", type=float, help="seconds to wait for the port (default: startup_duration_timeout)"
    )
    parser.add_argument("--detach", action="store_true", help="leave it running and print how to stop it")
    parser.add_argument(
        "--name", help="container name (default: <space_name>-local); a container of that name is replaced"
    )
    parser.add_argument(
        "--placeholder-secrets",
        action="store_true",
        help="give required Secrets missing from .env random throwaway values (for CI health checks)",
    )


def _start_and_verify(space: LocalSpace, settings: config.SpaceConfig, timeout: float,
                      sign_in: local_sign_in.LocalSignIn | None) -> bool:
    """Start it, wait for its port as Spaces does, then GET the health path; on failure, its log tail."""
    where = "host network" if space.network == "host" else f"127.0.0.1:{space.port} -> {space.app_port}"
    print(f"{APP_STARTING}: container {space.container} as uid 1000 ({where}), waiting up to {timeout:g} s",
          flush=True)
    started = time.monotonic()
    space.start()
    if sign_in:
        try:
            sign_in.start()
        except SpaceError:
            space.stop()  # never an app left running without the provider its sign-in points at
            raise
        print(f"Sign in with Hugging Face: local provider at {sign_in.url} (any username), in place of "
              f"huggingface.co", flush=True)
    stage, reason = space.wait_until_answering(timeout)
    if stage == RUNTIME_ERROR:
        print(f"{RUNTIME_ERROR}: {reason}")
        log_tail.print_diagnosed("run", space.logs(tail=diagnosis.SCANNED_LINES), settings, reason)
        return False
    status = health.wait_healthy(space.url + settings.health_path, within=10)
    print(f"{RUNNING}: after {time.monotonic() - started:.1f} s; "
          f"GET {settings.health_path} answered {status or 'nothing'}")
    if status is None or not 200 <= status < 300:
        print("error: the health check failed")
        log_tail.print_diagnosed("run", space.logs(tail=diagnosis.SCANNED_LINES), settings)
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
    space = local_space.for_settings(settings, values, port=args.port, name=args.name, network=args.network)
    space.stop()  # a container of the same name is replaced, and frees its port
    for folder, target in space.mounts.items():
        print(f"Storage: {Path(folder).relative_to(settings.root)} mounted at {target}, in place of the Space's bucket")
    if local_port.in_use(space.port):
        raise SpaceError(f"port {space.port} on 127.0.0.1 is in use by {local_port.holder(space.port)}: stop it, or "
                         f"run on another port with --port {space.port + 1}.")
    sign_in = local_sign_in.for_space(settings, space) if local_sign_in.wanted(settings) else None
    if sign_in:
        space.injected.update(sign_in.injected())
        space.also_published.append(sign_in.port)
        sign_in.build()
    if not build_command.build_image(space, args, settings):
        return 1
    try:
        if not _start_and_verify(space, settings, timeout, sign_in):
            space.stop()
            return 1
        if args.detach:
            print(f"Running at {space.url} (stop it with: ./space stop{' --name ' + args.name if args.name else ''})")
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
