# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Space's pre-start command (space.json `prestart`, e.g. `alembic upgrade head`), run before the port opens."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from .settings import APP_DIR, fail


def run(command: str) -> None:
    """Run it in the app's folder with the app importable, as in development; stop the start if it fails."""
    here = os.getcwd()
    roots = (os.path.join(here, APP_DIR) if APP_DIR else "", here, os.environ.get("PYTHONPATH", ""))
    path = os.pathsep.join(part for part in roots if part)
    print(f"space: pre-start: {command}", file=sys.stderr, flush=True)
    started = time.monotonic()
    child = subprocess.Popen(["/bin/sh", "-c", command], cwd=here, env={**os.environ, "PYTHONPATH": path})
    # docker stop during a long migration: pass the signal on, so the command can end cleanly.
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
    code = child.wait()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    seconds = time.monotonic() - started
    if code != 0:
        fail(f"the pre-start command `{command}` failed (exit {code}) after {seconds:.1f} s; its output is above. "
             "The app was not started: fix the command or the answer prestart.")
    print(f"space: pre-start done in {seconds:.1f} s", file=sys.stderr, flush=True)
