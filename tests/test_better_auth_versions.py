"""Better Auth servers on the oldest supported minors work as on the newest (which the example backend runs): the
start-up wrapper finds the migration where that version keeps it, signs users up, and sets the iframe's cookies.
1.3, the first to keep its data in node:sqlite, is tested there; 1.2 on PostgreSQL. `check` names the supported
range and refuses, before the build, an older version, and 1.2 with node:sqlite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import copy_node_backend, space_tools
from tests.support.shapes import make_space, npm_lock, running, sign_up

OLDEST = "1.2.12"  # the newest patch of the oldest supported minor
OLDEST_ON_NODE_SQLITE = "1.3.34"  # of the first minor that keeps its data in node:sqlite


def _pinned(backend: Path, version: str) -> Path:
    manifest = json.loads((backend / "package.json").read_text())
    manifest["dependencies"]["better-auth"] = version
    (backend / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return backend


def _locked(backend: Path, version: str) -> Path:
    """A package-lock.json that records `version` of better-auth, as npm writes it (nothing installed)."""
    manifest = json.loads((backend / "package.json").read_text())
    lock = {"name": "example-auth-server", "lockfileVersion": 3, "packages": {
        "": {"dependencies": manifest["dependencies"], "devDependencies": manifest.get("devDependencies", {})},
        "node_modules/better-auth": {"version": version}}}
    (backend / "package-lock.json").write_text(json.dumps(lock))
    return backend


def _on_postgres_only(backend: Path) -> Path:
    """The example server as a team on PostgreSQL writes it: a pg pool from DATABASE_URL, no SQLite."""
    server = (backend / "auth-server.ts").read_text()
    server = server.replace('import { DatabaseSync } from "node:sqlite";\n', "")
    server = re.sub(r"\nconst database = .*?;\n", "\nconst database = new Pool({ connectionString: process.env.DATABASE_URL });\n",
                    server, flags=re.DOTALL)
    assert "DatabaseSync" not in server
    (backend / "auth-server.ts").write_text(server)
    return backend


def _refused(project: Path) -> str:
    result = space_tools(project, "check", check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    return result.stderr.strip()


def test_check_refuses_a_better_auth_older_than_supported(render, tmp_path):
    backend = _locked(_pinned(copy_node_backend(tmp_path / "backend"), "1.1.21"), "1.1.21")

    assert _refused(render(runtime="node", backend_path=str(backend))) == (
        "error: better-auth 1.1.21 is older than the Space's start-up supports (1.2 to 1.7): run "
        "`npm install better-auth@latest` in the backend and commit the lock file.")


def test_check_refuses_better_auth_1_2_on_node_sqlite(render, tmp_path):
    backend = _locked(_pinned(copy_node_backend(tmp_path / "backend"), OLDEST), OLDEST)

    assert _refused(render(runtime="node", backend_path=str(backend))) == (
        f"error: better-auth {OLDEST} can't keep its data in node:sqlite, which auth-server.ts uses (1.3 added it): "
        "run `npm install better-auth@latest` in the backend and commit the lock file.")


def _signs_up_with_iframe_cookies(cli, space, env: dict[str, str] | None = None) -> None:
    with running(cli, space, env=env) as url:
        signed_up = sign_up(url)
        assert signed_up["user"]["email"] == "ada@example.com"
        assert all(part in signed_up["set-cookie"] for part in ("SameSite=None", "Secure", "Partitioned"))
        logs = docker.docker("logs", f"{space.settings['space_name']}-local").stderr
        assert "space: database schema created user, created session, created account, created verification" in logs


@pytest.mark.docker
def test_the_oldest_minor_on_node_sqlite_migrates_signs_up_and_sets_iframe_cookies(render, cli, tmp_path):
    backend = npm_lock(_pinned(copy_node_backend(tmp_path / "backend"), OLDEST_ON_NODE_SQLITE))
    space = make_space(render, "node", backend, f"better-auth-{OLDEST_ON_NODE_SQLITE}", iframe=True)
    assert f"better-auth {OLDEST_ON_NODE_SQLITE} (supported: 1.2 to 1.7)" in space_tools(space.project, "check").stdout
    _signs_up_with_iframe_cookies(cli, space)


@pytest.mark.docker
def test_the_oldest_supported_minor_on_postgres_migrates_signs_up_and_sets_iframe_cookies(render, cli, tmp_path,
                                                                                           postgres_cluster):
    backend = npm_lock(_on_postgres_only(_pinned(copy_node_backend(tmp_path / "backend"), OLDEST)))
    space = make_space(render, "node", backend, f"better-auth-{OLDEST}", iframe=True)
    _signs_up_with_iframe_cookies(cli, space, env={"DATABASE_URL": postgres_cluster.new_database()})
    assert space.settings["database"] == "postgres"
