# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Space's build log, then its run log, printed while deploy waits: compact by default (the build's steps, the
app's lines cut to one screen line), every line with --verbose. Each log is followed in a thread as the Hub streams
it; deploy's own stage lines go on in between."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

from .build_progress import BuildProgress
from .space_stages import (
    APP_STARTING,
    BUILD_ERROR,
    BUILDING,
    RUNNING,
    RUNNING_APP_STARTING,
    RUNNING_BUILDING,
    RUNTIME_ERROR,
)

BUILD_STAGES = frozenset({BUILDING, RUNNING_BUILDING})
RUN_STAGES = frozenset({APP_STARTING, RUNNING_APP_STARTING, RUNNING, RUNTIME_ERROR})
RUN_LINE_WIDTH = 160
DRAIN_SECONDS = 3.0  # how long the end of a log may take to arrive once the stage has moved on

Follow = Callable[[bool], Iterator[str]]  # build? -> the log's lines as they come


class _Printer:
    """Prints whole lines from several threads without mixing them."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say, self.lock, self.open = say, threading.Lock(), True

    def __call__(self, text: str) -> None:
        with self.lock:
            if self.open:
                self.say(text)


class LiveLogs:
    """Follows the build log once this deploy's build is seen, then the run log once its app starts."""

    def __init__(self, follow: Follow, *, verbose: bool, say: Callable[[str], None]) -> None:
        self.follow, self.verbose = follow, verbose
        self.printer = _Printer(say)
        self.threads: dict[str, threading.Thread] = {}
        self.lines: dict[str, list[str]] = {"build": [], "run": []}
        self.started = time.monotonic()  # the build's steps show the seconds of deploy's wait

    def on_stage(self, stage: str, ours: bool) -> None:
        """Called with each state read while waiting: starts the follower that stage calls for."""
        if not ours:
            return
        if stage in BUILD_STAGES:
            self._start("build")
            return
        if stage == BUILD_ERROR:
            self._start("build")  # a build that failed between two reads is still followed: its log is served whole
        if "build" in self.threads:
            self.threads["build"].join(DRAIN_SECONDS)  # the build's last lines come before the stage that ends it
        if stage in RUN_STAGES:
            self._start("run")

    def _start(self, kind: str) -> None:
        if kind in self.threads:
            return
        thread = threading.Thread(target=self._read, args=(kind,), name=f"{kind}-log", daemon=True)
        self.threads[kind] = thread
        thread.start()

    def _read(self, kind: str) -> None:
        build = kind == "build"
        shown = BuildProgress(self.verbose, stream=_Lines(self.printer), started=self.started) if build else None
        try:
            for chunk in self.follow(build):
                for text in chunk.splitlines():
                    self.lines[kind].append(text)
                    if shown is not None:
                        shown.line(text)
                    elif self.verbose:
                        self.printer(f"  | {text}")
                    else:
                        self.printer(f"  | {text[:RUN_LINE_WIDTH]}")
        except Exception as error:  # noqa: BLE001 - a log that can't be read must not end the deploy
            self.printer(f"  (the {kind} log could not be followed: {error})")

    def close(self, stage: str) -> None:
        """Let the last lines of a log that has ended arrive, then print nothing more (a running app's log stream
        stays open)."""
        for kind, thread in self.threads.items():
            if kind == "build" or stage != RUNNING:
                thread.join(DRAIN_SECONDS)
        with self.printer.lock:
            self.printer.open = False


class _Lines:
    """A text stream for BuildProgress that hands each printed line to the printer."""

    def __init__(self, printer: _Printer) -> None:
        self.printer = printer

    def write(self, text: str) -> None:
        for line in text.splitlines():
            if line.strip():
                self.printer(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False
