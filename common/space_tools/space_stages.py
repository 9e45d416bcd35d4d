# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The stages a Space goes through, as the Hub names them (`SpaceRuntime.stage`); the local run reports the same."""

from __future__ import annotations

BUILDING = "BUILDING"
BUILD_ERROR = "BUILD_ERROR"
APP_STARTING = "APP_STARTING"
RUNNING = "RUNNING"
RUNNING_BUILDING = "RUNNING_BUILDING"
RUNNING_APP_STARTING = "RUNNING_APP_STARTING"
RUNTIME_ERROR = "RUNTIME_ERROR"
CONFIG_ERROR = "CONFIG_ERROR"
NO_APP_FILE = "NO_APP_FILE"
PAUSED = "PAUSED"
STOPPED = "STOPPED"
SLEEPING = "SLEEPING"

# A new build is under way (the old one may still serve in the RUNNING_* ones).
IN_PROGRESS = frozenset({BUILDING, APP_STARTING, RUNNING_BUILDING, RUNNING_APP_STARTING})
# The Space will not start without a change from the user; the logs and errorMessage say why.
FAILED = frozenset({BUILD_ERROR, RUNTIME_ERROR, CONFIG_ERROR, NO_APP_FILE})
# Someone stopped it: a commit does not wake these.
HALTED = frozenset({PAUSED, STOPPED})
