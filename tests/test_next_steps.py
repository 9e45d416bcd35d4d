"""What a copy prints: the next steps of the README's quick start, in its order, named as the tools are named in
every generated file (`./space <command>`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import REPO

# The README's quick start after `copier copy`, in its order.
QUICK_START = ["./space detect --write", "cp .env.example .env && ./space run", "./space deploy", "./space ci"]


def _quick_start(readme: str) -> str:
    """The README's first code block that copies a Space."""
    return next(block for block in re.findall(r"(?ms)^```bash\n(.*?)^```", readme) if "copier copy" in block)


def test_the_readmes_quick_start_has_these_steps_in_this_order():
    block = _quick_start((REPO / "README.md").read_text())

    places = [block.find(step) for step in QUICK_START]
    assert -1 not in places and places == sorted(places), places


def test_a_copy_prints_the_quick_starts_next_steps_in_its_order(tmp_path):
    dest = tmp_path / "spaces" / "api"

    result = subprocess.run(
        [sys.executable, "-m", "copier", "copy", "--defaults", "--vcs-ref", "HEAD", "--data", "runtime=python",
         "--data", "backend_path=../../backend", str(REPO), str(dest)],
        capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=300)

    assert result.returncode == 0, result.stderr
    message = result.stderr[result.stderr.index("Your Python Space"):]
    steps = [line.split("#")[0].strip() for line in message.splitlines() if line.startswith("  ")]
    assert steps == [f"cd {dest}", *QUICK_START]
    assert "python -m space_tools" not in message
