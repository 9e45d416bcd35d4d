"""`copier copy` of this template from the command line, as a user runs it (the working tree, dirty or not)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def copier_copy(dest: Path, answers_file: Path, **data: str) -> subprocess.CompletedProcess[str]:
    args = [arg for name, value in data.items() for arg in ("--data", f"{name}={value}")]
    return subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--quiet", "--defaults", "--vcs-ref", "HEAD",
         "--data-file", str(answers_file), *args, str(REPO), str(dest)],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
