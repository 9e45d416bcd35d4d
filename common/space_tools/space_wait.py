"""Waiting for a Space on the Hub: first for the new build to start, then for it to run or fail."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import SpaceError
from .space_stages import FAILED, HALTED, IN_PROGRESS, RUNNING

# Right after a commit the runtime can still report the previous build (RUNNING, or an old error).
# Past this many seconds without a sign of the new build, the stage it reports is taken as the answer.
BUILD_START_GRACE_S = 120.0
FAILED_READS_TOLERATED = 3  # a long wait outlives a passing network or Hub hiccup


@dataclass
class Outcome:
    stage: str
    raw: dict
    timed_out: bool = False
    new_build_seen: bool = True
    note: str = ""


def wait(
    runtime: Callable[[], tuple[str, dict]],
    *,
    expect_new_build: bool,
    commit_oid: str | None,
    baseline: tuple[str, str] | None = None,
    timeout: float,
    poll: float,
    say: Callable[[str], None] = print,
) -> Outcome:
    started = time.monotonic()
    new_build_seen = not expect_new_build
    note = ""
    shown = None
    failed_reads = 0
    while True:
        try:
            stage, raw = runtime()
            failed_reads = 0
        except SpaceError as error:
            failed_reads += 1
            if failed_reads > FAILED_READS_TOLERATED:
                raise
            say(f"  (could not read the Space's state, retrying: {error})")
            time.sleep(poll)
            continue
        elapsed = time.monotonic() - started
        if not new_build_seen:
            # Signs of the new build: a build or start under way; the runtime's sha, where the Hub gives it; any
            # change from the state read just before the commit (a build can fail between two polls).
            if (
                stage in IN_PROGRESS
                or (commit_oid and raw.get("sha") == commit_oid)
                or (baseline is not None and (stage, raw.get("errorMessage") or "") != baseline)
            ):
                new_build_seen = True
            elif elapsed >= BUILD_START_GRACE_S:
                new_build_seen = True
                note = f"no sign of a new build after {elapsed:.0f} s; taking {stage} as the Space's state"
        label = stage if new_build_seen else f"{stage} (previous build)"
        if label != shown:
            say(f"  {elapsed:5.0f} s  {label}")
            shown = label
        if new_build_seen and (stage == RUNNING or stage in FAILED or stage in HALTED):
            return Outcome(stage, raw, note=note)
        if elapsed >= timeout:
            return Outcome(stage, raw, timed_out=True, new_build_seen=new_build_seen, note=note)
        time.sleep(poll)
