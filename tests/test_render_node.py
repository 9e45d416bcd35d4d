"""Rendering the Node.js template: each variant gives a complete Space repo whose answers agree everywhere."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import node_example_answers, space_tools

from space_tools.dotenv_files import parse_env_example

SPACE_FILES = {"README.md", "Dockerfile", ".dockerignore", ".gitignore", ".env.example", ".copier-answers.yml"}
WRAPPER_FILES = {"start.mjs", "settings.mjs", "environment.mjs", "deferred-listen.mjs", "graceful-stop.mjs",
                 "migrate.mjs", "iframe-cookies.mjs", "health-rate-limit.mjs", "healthcheck.mjs"}


def _settings(project: Path) -> str:
    return (project / "space_serve" / "settings.mjs").read_text()


def test_defaults_give_a_starter_space(render):
    project = render(runtime="node")
    assert SPACE_FILES <= {path.name for path in project.iterdir()}
    assert WRAPPER_FILES == {path.name for path in (project / "space_serve").iterdir()}
    assert (project / "space_tools" / "__main__.py").is_file()
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
    assert f'import("../backend/{entry_file}")' in _settings(project)
    assert f"tsx {entry_file}" in (project / "backend" / "package.json").read_text()


def test_existing_backend_is_referenced_not_copied(render, node_backend):
    project = render(**node_example_answers(node_backend))
    assert not (project / "backend").exists(), "the code stays in the backend folder until `sync`"
    assert "/backend/" in (project / ".gitignore").read_text().splitlines()
    synced = space_tools(project, "sync").stdout
    assert "dependencies: package-lock.json (npm ci)" in synced
    assert {p.name for p in (project / "backend").iterdir()} == {
        "auth-server.ts", "package.json", "package-lock.json", "tsconfig.json"}


def test_port_and_health_path_agree_everywhere(render):
    project = render(runtime="node", app_port=8123, health_path="/api/auth/ok")
    dockerfile = (project / "Dockerfile").read_text()
    assert "EXPOSE 8123" in dockerfile
    assert re.search(r"PORT=8123\b", dockerfile)
    assert "DEFAULT_PORT = 8123;" in _settings(project)
    assert 'HEALTH_PATH = "/api/auth/ok";' in _settings(project)
    assert "process.env.PORT ?? 8123" in (project / "backend" / "auth-server.ts").read_text()
    readme = (project / "README.md").read_text()
    assert "app_port: 8123" in readme
    assert "127.0.0.1:8123/api/auth/ok" in readme


def test_env_example_marks_the_sqlite_variables(render):
    project = render(runtime="node", database="sqlite")
    variables = {var.name: var for var in parse_env_example(project / ".env.example")}
    assert list(variables) == ["BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "TRUSTED_ORIGINS", "DATABASE_PATH"]
    assert variables["BETTER_AUTH_SECRET"].secret and variables["BETTER_AUTH_SECRET"].required
    assert not variables["BETTER_AUTH_URL"].secret and not variables["BETTER_AUTH_URL"].required
    assert not variables["TRUSTED_ORIGINS"].secret
    path = variables["DATABASE_PATH"].default
    assert path == "/home/node/data/auth.db"
    dockerfile = (project / "Dockerfile").read_text()
    assert f"DATABASE_PATH={path}" in dockerfile, "the image's default is the documented one"
    assert "install -d -o node -g node /home/node/data" in dockerfile
    assert 'REQUIRED_VARIABLES = ["BETTER_AUTH_SECRET"];' in _settings(project)
    assert "| `BETTER_AUTH_SECRET` | Secret | yes |" in (project / "README.md").read_text()


def test_env_example_marks_the_postgres_variables(render):
    project = render(runtime="node", database="postgres", env_vars={
        "MAIL_API_KEY": {"secret": True, "required": True, "help": "Sends verification mails."}})
    variables = {var.name: var for var in parse_env_example(project / ".env.example")}
    assert list(variables) == ["BETTER_AUTH_SECRET", "BETTER_AUTH_URL", "TRUSTED_ORIGINS", "DATABASE_URL", "MAIL_API_KEY"]
    assert variables["DATABASE_URL"].secret and variables["DATABASE_URL"].required
    assert "DATABASE_PATH" not in (project / "Dockerfile").read_text()
    assert 'REQUIRED_VARIABLES = ["BETTER_AUTH_SECRET", "DATABASE_URL", "MAIL_API_KEY"];' in _settings(project)
    assert 'DATABASE = "postgres";' in _settings(project)
    readme = (project / "README.md").read_text()
    assert "| `DATABASE_URL` | Secret | yes |" in readme
    assert "5432" in readme and "ephemeral" in readme, "the README says which databases work on Spaces"


@pytest.mark.parametrize("iframe", [True, False])
def test_iframe_answer_sets_the_cookies_and_explains_the_trade_offs(render, iframe):
    project = render(runtime="node", iframe=iframe)
    assert f"IFRAME = {json.dumps(iframe)};" in _settings(project)
    readme = (project / "README.md").read_text()
    assert "Partitioned sessions" in readme and "Credentialed CORS" in readme
    assert ("answered `iframe=true`" in readme) == iframe


@pytest.mark.parametrize("migrate", [True, False])
def test_migrate_on_start_answer_flows_to_the_wrapper_and_docs(render, migrate):
    project = render(runtime="node", migrate_on_start=migrate)
    assert f"MIGRATE_ON_START = {json.dumps(migrate)};" in _settings(project)
    readme = (project / "README.md").read_text()
    assert ("**Schema**: Better Auth's programmatic migration" in readme) == migrate
    assert "migrate_on_start=false" in readme, "the Better Auth CLI path is documented either way"


def test_node_version_picks_the_base_image_and_bundle_target(render):
    dockerfile = (render(runtime="node", node_version="22") / "Dockerfile").read_text()
    assert "ARG NODE_IMAGE=node:22-slim" in dockerfile
    assert "--target=node22" in dockerfile


def test_runtime_stage_holds_only_the_bundle(render):
    dockerfile = (render(runtime="node") / "Dockerfile").read_text()
    stage = dockerfile[dockerfile.rindex("\nFROM ") :]
    runtime = "\n".join(line for line in stage.splitlines() if not line.lstrip().startswith("#"))
    assert "COPY --from=build --chown=node:node /src/dist/ /app/" in runtime
    assert "node_modules" not in runtime and "npm " not in runtime
    assert "USER node" in runtime and "NODE_ENV=production" in runtime
    assert 'CMD ["node", "/app/start.mjs"]' in runtime
    assert "npm ci --omit=dev" in dockerfile and "--mount=type=cache,target=/root/.npm" in dockerfile
