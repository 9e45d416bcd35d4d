"""The bundled example backend's own test-suites pass (they are the "existing code" the templates wrap)."""

from __future__ import annotations

import os
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
