# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`status`: the Space on the Hub as it is now: stage, URL, hardware, last commit, the Hub's error if any, and
whether its health path answers. The exit code is the verdict the health workflow acts on: 0 up, 1 down (and
why, in the last line), 2 when the Hub can't be asked. A RUNNING stage alone is not trusted."""

from __future__ import annotations

from . import config, diagnosis, health, hub_space
from .space_stages import RUNNING, SLEEPING

HEALTH_SECONDS = 30  # a sleeping or cold Space may take this long to wake and answer


def add_arguments(parser) -> None:
    parser.add_argument("--space-id", help="OWNER/NAME (default: space.json's)")
    parser.add_argument("--health-timeout", type=float, default=HEALTH_SECONDS,
                        help=f"seconds the health path may take to answer (default: {HEALTH_SECONDS})")


def main(args) -> int:
    settings = config.load(args.root)
    hub = hub_space.connect()
    space_id = args.space_id or hub_space.space_id(settings, hub)
    info = hub.space_info(space_id)
    if info is None:
        print(f"{space_id} does not exist on the Hub yet: `./space deploy` creates it.")
        return 1
    stage, raw = hub.runtime(space_id)
    hardware = raw.get("hardware") or {}
    requested = hardware.get("requested")
    shown = hardware.get("current") or "none"
    url = hub_space.space_url(info.host, getattr(info, "subdomain", None), space_id)
    print(f"{space_id}: {stage}")
    print(f"  url:         {url}")
    print(f"  hardware:    {shown}" + (f" (requested: {requested})" if requested and requested != shown else ""))
    last = f"{info.sha[:12]}" if info.sha else "none"
    when = getattr(info, "last_modified", None)
    print(f"  last commit: {last}" + (f" ({when:%Y-%m-%d %H:%M} UTC)" if when else ""))
    message = raw.get("errorMessage") or ""
    if message:
        print(f"  error:       {message}")
    if stage == SLEEPING:
        print("  health:      not called (sleeping: the next visitor wakes it)")
        print("up: sleeping, as free hardware does after 48 h without visitors")
        return 0
    if stage != RUNNING:
        log = "build" if stage == "BUILD_ERROR" else "run"
        found = diagnosis.diagnose(log, hub.log_tail(space_id, build=log == "build", lines=diagnosis.SCANNED_LINES),
                                   settings=settings, error_message=message)
        print(f"down: the Space is {stage}" + (f"; {found.line()}" if found else
                                                 f" (`./space logs{' --build' if log == 'build' else ''}` says why)"))
        return 1
    headers = hub_space.health_headers(info, settings.visibility, url, hub.token)
    status = health.wait_healthy(url + settings.health_path, within=args.health_timeout, headers=headers)
    print(f"  health:      GET {settings.health_path} answered {status or 'nothing'}")
    if status is None or not 200 <= status < 300:
        print(f"down: {RUNNING}, but GET {url}{settings.health_path} answered {status or 'nothing'} "
              f"within {args.health_timeout:g} s")
        return 1
    print("up")
    return 0
