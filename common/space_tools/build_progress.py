# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""docker build's plain BuildKit output, shown compactly while it runs: one live line on a terminal (the step
and its seconds), else one line per step; `--verbose` shows every line instead."""

from __future__ import annotations

import re
import shutil
import sys
import time

# A step starts: "#9 [deps 4/4] RUN npm ci" (BuildKit's plain output), "--> RUN npm ci" (the Hub's build log).
_STEP = re.compile(r"^(?:#\d+ (\[[^\]]+\] .+)|--> (.+))$")
_NOISE = re.compile(r"^\[(internal|auth)\]|load (build definition|metadata|\.dockerignore)")


class BuildProgress:
    def __init__(self, verbose: bool, stream=None, started: float | None = None) -> None:
        self.verbose = verbose
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty() and not verbose
        self.started = time.monotonic() if started is None else started  # seconds are counted from here
        self._shown: set[str] = set()

    def line(self, text: str) -> None:
        if self.verbose:
            print(text, file=self.stream, flush=True)
            return
        match = _STEP.match(text)
        step = match and (match[1] or match[2])
        if not step or _NOISE.search(step) or step in self._shown:
            return  # BuildKit names a step again when its output resumes: each is shown once
        self._shown.add(step)
        step = " ".join(step.split())
        if self.live:
            width = shutil.get_terminal_size((80, 20)).columns
            shown = f"  {self.elapsed():5.1f} s  {step}"
            self.stream.write("\r\x1b[2K" + shown[: width - 1])
            self.stream.flush()
        else:
            print(f"  {self.elapsed():5.1f} s  {step[:160]}", file=self.stream, flush=True)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def done(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
