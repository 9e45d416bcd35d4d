# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Waiting for a Space on the Hub: for a build under way to end, and for the build a deploy started.

The runtime the Hub reports does not always say which commit it describes (production answers carry no `sha`),
and right after a commit it still describes the previous build. So a deploy first lets any build under way end
(`settle`), and then counts a state as its own build's only on evidence: the runtime's `sha` naming the new
commit where the Hub gives one; otherwise a build or start seen after the commit, or a state that differs from
the one read just before it. Without such evidence it never reports an outcome: it times out and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import SpaceError
from .space_stages import FAILED, HALTED, IN_PROGRESS, RUNNING

FAILED_READS_TOLERATED = 3  # a long wait outlives a passing network or Hub hiccup

Runtime = Callable[[], "tuple[str, dict]"]


@dataclass
class Outcome:
    stage: str
    raw: dict
    timed_out: bool = False
    new_build_seen: bool = True


class _Reader:
    def __init__(self, runtime: Runtime, poll: float, say: Callable[[str], None]) -> None:
        self.runtime, self.poll, self.say = runtime, poll, say
        self.failed = 0

    def read(self) -> tuple[str, dict] | None:
        try:
            answer = self.runtime()
        except SpaceError as error:
            self.failed += 1
            if self.failed > FAILED_READS_TOLERATED:
                raise
            self.say(f"  (could not read the Space's state, retrying: {error})")
            time.sleep(self.poll)
            return None
        self.failed = 0
        return answer


def state_of(raw: dict, stage: str) -> tuple[str, str]:
    return stage, raw.get("errorMessage") or ""


def settle(runtime: Runtime, *, timeout: float, poll: float, say: Callable[[str], None] = print) -> tuple[str, dict]:
    """Return the Space's state once no build or start is under way, so the next one seen is ours."""
    reader, started, told = _Reader(runtime, poll, say), time.monotonic(), False
    while True:
        answer = reader.read()
        if answer is None:
            continue
        stage, raw = answer
        if stage not in IN_PROGRESS:
            return stage, raw
        if not told:
            say(f"  the Space is {stage} (an earlier build or restart): waiting for it to end first, so its outcome "
                "is not taken for this deploy's")
            told = True
        if time.monotonic() - started >= timeout:
            raise SpaceError(
                f"the Space is still {stage} from an earlier build after {timeout:g} s; nothing was changed: "
                "deploy again once it ends (or stop it in the Space's settings)."
            )
        time.sleep(poll)


def _is_ours(stage: str, raw: dict, commit_oid: str | None, baseline: tuple[str, str]) -> bool:
    if commit_oid and raw.get("sha"):
        return raw["sha"] == commit_oid  # the Hub names the build: only ours counts
    return stage in IN_PROGRESS or state_of(raw, stage) != baseline


def wait(
    runtime: Runtime,
    *,
    commit_oid: str | None,
    baseline: tuple[str, str],
    timeout: float,
    poll: float,
    say: Callable[[str], None] = print,
    on_stage: Callable[[str, bool], None] = lambda stage, ours: None,
) -> Outcome:
    """Follow the build (or restart) started after `baseline` was read until it runs, fails or time runs out;
    `on_stage` hears each stage read, and whether it is known to be that build's."""
    reader, started = _Reader(runtime, poll, say), time.monotonic()
    seen, shown = False, None
    while True:
        answer = reader.read()
        if answer is None:
            continue
        stage, raw = answer
        seen = seen or _is_ours(stage, raw, commit_oid, baseline)
        on_stage(stage, seen)
        elapsed = time.monotonic() - started
        label = stage if seen else f"{stage} (previous build)"
        if label != shown:
            say(f"  {elapsed:5.0f} s  {label}")
            shown = label
        if seen and (stage == RUNNING or stage in FAILED or stage in HALTED):
            return Outcome(stage, raw)
        if elapsed >= timeout:
            return Outcome(stage, raw, timed_out=True, new_build_seen=seen)
        time.sleep(poll)
