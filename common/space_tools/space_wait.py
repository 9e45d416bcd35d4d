"""Waiting for a Space on the Hub: first for the new build to start, then for it to run or fail."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .space_stages import FAILED, HALTED, IN_PROGRESS, RUNNING

# Right after a commit the runtime can still report the previous build (RUNNING, or an old error).
# Past this many seconds without a sign of the new build, the stage it reports is taken as the answer.
BUILD_START_GRACE_S = 120.0


@dataclass
class Outcome:
    stage: str
    raw: dict
    timed_out: bool = False
    note: str = ""


def wait(
    runtime: Callable[[], tuple[str, dict]],
    *,
    expect_new_build: bool,
    commit_oid: str | None,
    timeout: float,
    poll: float,
    say: Callable[[str], None] = print,
) -> Outcome:
    started = time.monotonic()
    new_build_seen = not expect_new_build
    note = ""
    shown = None
    while True:
        stage, raw = runtime()
        elapsed = time.monotonic() - started
        if not new_build_seen:
            # The runtime's sha, where the Hub gives it, names the build it describes.
            if stage in IN_PROGRESS or (commit_oid and raw.get("sha") == commit_oid):
                new_build_seen = True
            elif elapsed >= min(BUILD_START_GRACE_S, timeout):
                new_build_seen = True
                note = f"no sign of a new build after {elapsed:.0f} s; taking {stage} as the Space's state"
        label = stage if new_build_seen else f"{stage} (previous build)"
        if label != shown:
            say(f"  {label}  {elapsed:4.0f} s")
            shown = label
        if new_build_seen and (stage == RUNNING or stage in FAILED or stage in HALTED):
            return Outcome(stage, raw, note=note)
        if elapsed >= timeout:
            return Outcome(stage, raw, timed_out=True, note=note)
        time.sleep(poll)
