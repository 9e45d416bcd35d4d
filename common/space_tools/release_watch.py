# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""After a commit or a restart: watch the new build with its logs streaming, then call the health path; on failure,
name the cause and the fix in one line above the log's last lines. deploy and rollback both end here."""

from __future__ import annotations

from dataclasses import dataclass

from . import diagnosis, health, hub_space, hub_wait, log_tail
from .live_logs import LiveLogs
from .space_stages import BUILD_ERROR, HALTED, RUNNING

TAIL = 30


def add_arguments(parser) -> None:
    """How long to wait for a new build and its health, and how much of its logs to show (deploy's too)."""
    parser.add_argument(
        "--timeout", type=float, default=1800.0, help="seconds to wait for the build and start (default: 1800)")
    parser.add_argument("--poll-interval", type=float, default=5.0, help="seconds between status checks (default: 5)")
    parser.add_argument("--health-timeout", type=float, default=60.0,
                        help="seconds the health path may take to answer 2xx once RUNNING (default: 60)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="stream every line of the build and run logs (default: the build's steps, the app's lines)")


@dataclass
class Release:
    """What a deploy or rollback is waiting for: the commit it made (None: a restart) and the state before it."""

    commit_oid: str | None
    stage: str
    raw: dict


def watch(hub, space_id: str, settings, release: Release, args, visibility: str) -> bool:
    """Wait for the release to run and answer its health path; print why when it does not. True when healthy."""
    print(f"Waiting for the Space (up to {args.timeout:g} s):", flush=True)
    logs = LiveLogs(lambda build: hub.follow_logs(space_id, build=build), verbose=args.verbose,
                    say=lambda line: print(line, flush=True))
    outcome = hub_wait.wait(
        lambda: hub.runtime(space_id),
        commit_oid=release.commit_oid,
        baseline=hub_wait.state_of(release.raw, release.stage),
        timeout=args.timeout,
        poll=args.poll_interval,
        say=logs.printer,
        on_stage=logs.on_stage,
    )
    if outcome.timed_out or outcome.stage != RUNNING:
        logs.close(outcome.stage)
        report_failure(hub, space_id, settings, outcome, args.timeout, logs.lines)
        return False
    try:  # the app's lines go on showing while its health path is called
        return check_health(hub, space_id, settings, args, visibility, logs.lines["run"])
    finally:
        logs.close(outcome.stage)


def _log(hub, space_id: str, kind: str, seen: dict[str, list[str]]) -> list[str]:
    """The log as the followers saw it, or as the Hub has it now when they saw none of it."""
    return seen.get(kind) or hub.log_tail(space_id, build=kind == "build", lines=diagnosis.SCANNED_LINES)


def report_failure(hub, space_id: str, settings, outcome: hub_wait.Outcome, timeout: float,
                   seen: dict[str, list[str]] | None = None) -> None:
    seen = seen or {}
    message = outcome.raw.get("errorMessage") or ""
    kind = "build" if outcome.stage == BUILD_ERROR or (outcome.timed_out and outcome.stage != RUNNING) else "run"
    if outcome.timed_out and not outcome.new_build_seen:
        print(
            f"error: no new build started within {timeout:g} s (--timeout); the Space still reports the previous "
            f"one as {outcome.stage}: check it at {hub.space_page(space_id)}"
        )
    elif outcome.timed_out:
        print(
            f"error: still {outcome.stage} after {timeout:g} s (--timeout); the Space carries on: "
            f"watch it at {hub.space_page(space_id)}"
        )
        log_tail.print_diagnosed(kind, _log(hub, space_id, kind, seen), settings, limit=TAIL)
    elif outcome.stage in HALTED:
        print(
            f"error: the Space is {outcome.stage}; restart it from {hub.space_page(space_id)}/settings, "
            "then deploy again."
        )
    else:
        print(f"error: {outcome.stage}" + (f": {message}" if message else ""))
        log_tail.print_diagnosed(kind, _log(hub, space_id, kind, seen), settings, message, TAIL)


def check_health(hub, space_id: str, settings, args, visibility: str, run_log: list[str] | None = None) -> bool:
    info = hub.space_info(space_id)
    url = hub_space.space_url(info.host, getattr(info, "subdomain", None), space_id)
    headers = hub_space.health_headers(info, visibility, url, hub.token)
    status = health.wait_healthy(url + settings.health_path, within=args.health_timeout, headers=headers)
    if status is None or not 200 <= status < 300:
        print(f"error: {RUNNING}, but GET {url}{settings.health_path} answered {status or 'nothing'}")
        log_tail.print_diagnosed("run", run_log or _log(hub, space_id, "run", {}), settings, limit=TAIL)
        return False
    print(f"Healthy: GET {settings.health_path} answered {status}")
    print(f"Live at {url}  (Space page: {hub.space_page(space_id)})")
    return True
