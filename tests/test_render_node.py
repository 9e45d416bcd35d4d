"""Rendering the Node.js template: each variant gives a complete Space repo."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import space_tools

WRAPPER_FILES = {"start.mjs", "settings.mjs", "bundle.mjs", "placeholder-secrets.txt", "environment.mjs",
                 "deferred-listen.mjs", "graceful-stop.mjs", "migrate.mjs", "iframe-cookies.mjs",
                 "health-path.mjs", "auth-write-queue.mjs", "healthcheck.mjs", "better-auth-instances.mjs",
                 "prestart.mjs", "storage.mjs", "storage-layout.json", "forwarded.mjs", "decorator-metadata.mjs",
                 "bun-serve.mjs"}


def _settings(project: Path) -> dict:
    return json.loads((project / "space.json").read_text())


def test_the_starter_is_a_better_auth_server_in_backend(render):
    project = render(runtime="node")
    assert WRAPPER_FILES == {path.name for path in (project / "space_serve").iterdir()}
    starter = project / "backend"
    assert {"auth-server.ts", "package.json", "package-lock.json", "tsconfig.json"} <= {p.name for p in starter.iterdir()}
    assert "export const auth = betterAuth(" in (starter / "auth-server.ts").read_text()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_starter_passes_the_backend_check_with_its_static_lock_file(render, database):
    project = render(runtime="node", database=database)
    result = space_tools(project, "check")
    assert "dependencies: package-lock.json (npm ci)" in result.stdout
    manifest = json.loads((project / "backend" / "package.json").read_text())
    locked = json.loads((project / "backend" / "package-lock.json").read_text())["packages"][""]
    assert manifest["dependencies"] == locked["dependencies"]
    assert manifest["devDependencies"] == locked["devDependencies"]
    server = (project / "backend" / "auth-server.ts").read_text()
    assert ("new Pool(" in server) == (database == "postgres")
    assert ("new DatabaseSync(" in server) == (database == "sqlite")


@pytest.mark.parametrize("entry_file", ["auth-server.ts", "src/server.mts", "server.js", "lib/main.mjs"])
def test_starter_lives_at_the_entry_file_and_parses(render, node24, entry_file):
    project = render(runtime="node", entry_file=entry_file)
    entry = project / "backend" / entry_file
    assert entry.is_file()
    # Node 24 strips TypeScript's types itself: --check proves the starter is valid in either language.
    result = subprocess.run([str(node24 / "node"), "--check", str(entry)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert _settings(project)["entry_file"] == entry_file
    assert f"tsx {entry_file}" in (project / "backend" / "package.json").read_text()


def test_the_starter_server_listens_on_app_port_by_default(render):
    project = render(runtime="node", app_port=8123)
    assert "process.env.PORT ?? 8123" in (project / "backend" / "auth-server.ts").read_text()


def test_space_json_declares_the_sqlite_variables(render):
    project = render(runtime="node", database="sqlite")
    variables = _settings(project)["variables"]
    assert list(variables) == ["BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "TRUSTED_ORIGINS", "DATABASE_PATH"]
    assert variables["BETTER_AUTH_SECRET"]["secret"] and variables["BETTER_AUTH_SECRET"]["required"]
    assert not variables["BETTER_AUTH_URL"]["secret"] and not variables["BETTER_AUTH_URL"]["required"]
    assert not variables["TRUSTED_ORIGINS"]["secret"]
    assert variables["DATABASE_PATH"]["default"] == "/home/node/data/auth.db"
    assert "install -d -o node -g node /home/node/data" in (project / "Dockerfile").read_text()
    assert "- `BETTER_AUTH_SECRET` (Secret, required): " in (project / "README.md").read_text()


def test_space_json_declares_the_postgres_variables(render):
    project = render(runtime="node", database="postgres", env_vars={
        "MAIL_API_KEY": {"secret": True, "required": True, "help": "Sends verification mails."}})
    settings = _settings(project)
    assert list(settings["variables"]) == [
        "BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "TRUSTED_ORIGINS", "DATABASE_URL", "MAIL_API_KEY"]
    assert settings["variables"]["DATABASE_URL"]["secret"] and settings["variables"]["DATABASE_URL"]["required"]
    assert settings["database"] == "postgres"
    assert "DATABASE_PATH" not in (project / "Dockerfile").read_text()
    readme = (project / "README.md").read_text()
    assert "- `DATABASE_URL` (Secret, required): " in readme
    assert "only ports 80, 443 and 8080 are reachable" in readme, "the README says which databases work on Spaces"


@pytest.mark.parametrize("iframe", [True, False])
def test_iframe_answer_reaches_the_wrapper_and_the_readme(render, iframe):
    project = render(runtime="node", iframe=iframe)
    assert _settings(project)["iframe"] is iframe
    readme = (project / "README.md").read_text()
    assert ("`SameSite=None; Secure; Partitioned`" in readme) == iframe
    assert ("sign in at the Space's own URL" in readme) != iframe


@pytest.mark.parametrize("migrate", [True, False])
def test_migrate_on_start_answer_reaches_the_wrapper(render, migrate):
    project = render(runtime="node", migrate_on_start=migrate)
    assert _settings(project)["migrate_on_start"] is migrate


def test_node_version_picks_the_base_image(render):
    dockerfile = (render(runtime="node", node_version="22") / "Dockerfile").read_text()
    assert "ARG JS_IMAGE=node:22-slim" in dockerfile


def test_runtime_stage_holds_only_the_bundle(render):
    dockerfile = (render(runtime="node") / "Dockerfile").read_text()
    stage = dockerfile[dockerfile.rindex("\nFROM ") :]
    runtime = "\n".join(line for line in stage.splitlines() if not line.lstrip().startswith("#"))
    assert "COPY --from=build --chown=node:node /src/dist/ /home/node/app/" in runtime
    assert "node_modules" not in runtime and "npm " not in runtime
    assert "USER node" in runtime and "NODE_ENV=production" in runtime
    assert 'CMD ["node", "/home/node/app/start.mjs"]' in runtime
    assert "npm ci --omit=dev" in dockerfile and "--mount=type=cache,target=/root/.npm" in dockerfile


def test_check_notes_that_an_auth_server_without_storage_signs_everyone_out_at_each_restart(render):
    ephemeral = space_tools(render(runtime="node"), "check").stdout
    kept = space_tools(render(runtime="node", storage="bucket"), "check").stdout

    assert "note: storage=none: the SQLite database (DATABASE_PATH) starts empty at every restart" in ephemeral
    assert "`copier update --defaults --data storage=bucket`" in ephemeral
    assert "storage=none" not in kept
