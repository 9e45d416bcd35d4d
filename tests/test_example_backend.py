"""The bundled example backend's own test-suites pass (they are the "existing code" the templates wrap)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import EXAMPLE_BACKEND


def test_fastapi_example_own_tests_pass(tmp_path):
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv"), "UV_PYTHON_DOWNLOADS": "never",
           "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "uv", "run", "--locked", "--python", sys.executable, "pytest", "-q",
         "-p", "no:cacheprovider"],
        cwd=EXAMPLE_BACKEND, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert " passed" in result.stdout


def test_better_auth_example_own_tests_pass(example_node_project, node24):
    """`npm test` of the example's auth server, with Node.js 24: SQLite and a real PostgreSQL (Debian's server)."""
    from tests.support.node import node_env

    result = subprocess.run(
        [str(node24 / "npm"), "test"], cwd=example_node_project, env=node_env(node24, NO_PROXY="*"),
        capture_output=True, text=True, timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    # node --test's summary: every test ran (PostgreSQL's too: nothing skipped) and none failed.
    assert re.search(r"ℹ pass [1-9]", output) and "ℹ fail 0" in output and "ℹ skipped 0" in output, output[-3000:]
