"""Better Auth servers on the oldest supported minor work as on the newest (which the example backend runs):
the start-up wrapper finds the migration where that version keeps it, signs users up, and sets the iframe's
cookies; `check` names the supported range and refuses an older version before the build."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import copy_node_backend, space_tools
from tests.support.shapes import make_space, running, sign_up

OLDEST = "1.3.34"  # the newest patch of the oldest supported minor


def _pinned(backend: Path, version: str) -> Path:
    manifest = json.loads((backend / "package.json").read_text())
    manifest["dependencies"]["better-auth"] = version
    (backend / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return backend


def test_check_refuses_a_better_auth_older_than_supported(render, tmp_path):
    backend = _pinned(copy_node_backend(tmp_path / "backend"), "1.2.12")
    lock = {"name": "example-auth-server", "lockfileVersion": 3, "packages": {
        "": {"dependencies": json.loads((backend / "package.json").read_text())["dependencies"],
             "devDependencies": json.loads((backend / "package.json").read_text()).get("devDependencies", {})},
        "node_modules/better-auth": {"version": "1.2.12"}}}
    (backend / "package-lock.json").write_text(json.dumps(lock))
    project = render(runtime="node", backend_path=str(backend))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "error: better-auth 1.2.12 is older than the Space's start-up supports (1.3 to 1.7): run "
        "`npm install better-auth@latest` in the backend and commit the lock file.")


@pytest.mark.docker
def test_the_oldest_supported_minor_migrates_signs_up_and_sets_iframe_cookies(render, cli, tmp_path):
    backend = _pinned(copy_node_backend(tmp_path / "backend"), OLDEST)
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--ignore-scripts"],
                   cwd=backend, check=True, capture_output=True, timeout=300)
    space = make_space(render, "node", backend, f"better-auth-{OLDEST}", iframe=True)
    assert f"better-auth {OLDEST} (supported: 1.3 to 1.7)" in space_tools(space.project, "check").stdout
    with running(cli, space) as url:
        signed_up = sign_up(url)
        assert signed_up["user"]["email"] == "ada@example.com"
        assert all(part in signed_up["set-cookie"] for part in ("SameSite=None", "Secure", "Partitioned"))
        logs = docker.docker("logs", f"{space.settings['space_name']}-local").stderr
        assert "space: database schema created user, created session, created account, created verification" in logs
