"""A backend's pre-start step (Alembic migrations, a prestart.sh; package.json's prestart script, Prisma's
migrations) is found by detect, shipped with what it needs, and run in the image before the port opens, with the
backend importable and its dependencies' commands on PATH as in development; when it fails, the container stops
with one line and exit 78 and the app never listens."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET, space_tools
from tests.support.shapes import make_space, running, write_backend
from tests.test_code_imports import AUTH_CONFIG, ORIGINS

BACKEND = {
    "requirements.txt": "fastapi\nuvicorn\nalembic\nsqlalchemy\n",
    "alembic.ini": "[alembic]\nscript_location = %(here)s/migrations\n",
    "migrations/env.py": """\
from alembic import context
from sqlalchemy import create_engine

from notes.db import URL

with create_engine(URL).connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
""",
    "migrations/versions/0001_notes.py": """\
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.String))


def downgrade():
    op.drop_table("notes")
""",
    "notes/__init__.py": "",
    "notes/db.py": 'import os\n\nURL = os.environ.get("NOTES_DB_URL", "sqlite:///notes.db")\nPATH = URL.removeprefix("sqlite:///")\n',
    "notes/seed.py": """\
import sqlite3

from notes.db import PATH

with sqlite3.connect(PATH) as db:
    if not db.execute("select count(*) from notes").fetchone()[0]:
        db.execute("insert into notes (text) values ('seeded before the start')")
""",
    "notes/main.py": """\
import sqlite3

from fastapi import FastAPI

from notes.db import PATH

app = FastAPI()


@app.get("/notes")
def notes():
    with sqlite3.connect(PATH) as db:
        return [{"id": i, "text": t} for i, t in db.execute("select id, text from notes")]
""",
    "prestart.sh": "set -e\nalembic upgrade head\npython -m notes.seed\n",
}


def _backend(folder: Path) -> Path:
    return write_backend(folder, BACKEND)


def test_detect_finds_the_prestart_script_and_ships_what_it_needs(render, tmp_path):
    project = render(runtime="python", backend_path=str(_backend(tmp_path / "backend")))

    space_tools(project, "detect", "--write")

    settings = json.loads((project / "space.json").read_text())
    assert (settings["asgi_app"], settings["prestart"]) == ("notes.main:app", "sh prestart.sh")
    assert {"prestart.sh", "alembic.ini", "migrations"} <= set(settings["backend_files"])
    space_tools(project, "sync")
    assert (project / "backend" / "migrations" / "versions" / "0001_notes.py").is_file()


def test_alembic_alone_gives_its_upgrade_command(render, tmp_path):
    backend = _backend(tmp_path / "backend")
    (backend / "prestart.sh").unlink()
    project = render(runtime="python", backend_path=str(backend))

    shown = space_tools(project, "detect").stdout

    assert "alembic upgrade head" in shown and "<- alembic.ini" in shown


@pytest.mark.docker
def test_migrations_run_before_the_port_opens_and_a_failing_step_stops_the_start(render, cli, tmp_path):
    space = make_space(render, "python", _backend(tmp_path / "backend"), "alembic-prestart")
    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/notes")
        assert (status, json.loads(body)) == (200, [{"id": 1, "text": "seeded before the start"}])

        failing = tmp_path / "space.json"
        failing.write_text(json.dumps({**space.settings, "prestart": "alembic upgrade head && exit 3"}))
        with docker.run(f"{space.settings['space_name']}:local", env={"PORT": str(docker.free_port())},
                        volumes={str(failing): "/opt/space/space.json:ro"}) as container:
            code = container.wait_exit(timeout=60)
            logs = container.logs()
    assert code == 78
    assert re.fullmatch(
        r"space: the pre-start command `alembic upgrade head && exit 3` failed \(exit 3\) after \d+\.\d s; its "
        r"output is above\. The app was not started: fix the command or the answer prestart\.",
        logs.strip().splitlines()[-1]), logs
    assert "Uvicorn running" not in logs


# A Better Auth server whose package.json runs a migration script before `start`; the script uses a dependency
# (ms) that the server never imports, so only the shipped node_modules can hold it.
NODE_BACKEND = {
    "package.json": json.dumps({
        "name": "notes", "type": "module",
        "scripts": {"prestart": "node scripts/migrate.mjs", "start": "tsx server.ts"},
        "dependencies": {"better-auth": "1.7.25", "ms": "2.1.3"}}),
    "auth.ts": AUTH_CONFIG,
    "lib/origins.ts": ORIGINS,
    "scripts/migrate.mjs": """\
import { DatabaseSync } from "node:sqlite";
import ms from "ms";

if (process.env.FAIL_MIGRATION ?? "") process.exit(3);
const db = new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db");
db.exec("create table if not exists notes (text text, ttl integer)");
if (!db.prepare("select count(*) as n from notes").get().n) {
  db.prepare("insert into notes values (?, ?)").run("migrated before the start", ms("2 days"));
}
""",
    "server.ts": """\
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./auth.js";
const handle = toNodeHandler(auth);
const notes = () => new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db").prepare("select * from notes").all();
createServer((req, res) => (req.url === "/notes" ? res.end(JSON.stringify(notes())) : handle(req, res)))
  .listen(Number(process.env.PORT ?? 3000));
""",
}


def _node_backend(folder: Path, files: dict[str, str] = NODE_BACKEND) -> Path:
    return write_backend(folder, files)


def test_detect_takes_package_json_prestart_script_and_ships_the_script(render, tmp_path):
    project = render(runtime="node", backend_path=str(_node_backend(tmp_path / "backend")))

    space_tools(project, "detect", "--write")

    settings = json.loads((project / "space.json").read_text())
    assert (settings["entry_file"], settings["prestart"]) == ("server.ts", "node scripts/migrate.mjs")
    assert "scripts/migrate.mjs" in settings["backend_files"]


def test_prisma_migrations_with_a_dev_only_cli_are_named_not_answered_and_check_refuses_the_answer(render, tmp_path):
    files = {**NODE_BACKEND, "prisma/schema.prisma": "datasource db {\n  provider = \"sqlite\"\n}\n",
             "prisma/migrations/0001_init/migration.sql": "create table notes (text text);\n",
             "package.json": json.dumps({"name": "notes", "type": "module", "scripts": {"start": "tsx server.ts"},
                                         "dependencies": {"better-auth": "1.7.25"},
                                         "devDependencies": {"prisma": "6.0.0"}})}
    project = render(runtime="node", backend_path=str(_node_backend(tmp_path / "backend", files)))

    shown = space_tools(project, "detect").stdout
    space_tools(project, "detect", "--write")
    settings = json.loads((project / "space.json").read_text())
    (project / "space.json").write_text(json.dumps({**settings, "prestart": "prisma migrate deploy"}))
    refused = space_tools(project, "check", check=False)

    assert ("warning: prisma/migrations gives `prisma migrate deploy`, but prisma is only in devDependencies and the "
            "image installs dependencies only: run `npm install --save-prod prisma` in the backend.") in shown
    assert settings["prestart"] == ""  # an answer that would fail every start is not written
    assert refused.returncode == 2 and refused.stderr == (
        "error: prestart `prisma migrate deploy` can't run in the image: prisma is only in devDependencies and the "
        "image installs dependencies only: run `npm install --save-prod prisma` in the backend; or answer prestart= "
        "and run it yourself.\n")


@pytest.mark.docker
def test_node_migration_runs_before_the_server_loads_and_a_failing_one_stops_the_start(render, cli, tmp_path):
    backend = _node_backend(tmp_path / "backend")
    subprocess.run(["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"],
                   cwd=backend, check=True, capture_output=True, timeout=300)
    space = make_space(render, "node", backend, "node-prestart")
    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/notes")
        assert (status, json.loads(body)) == (200, [{"text": "migrated before the start", "ttl": 172_800_000}])

        with docker.run(f"{space.settings['space_name']}:local", env={
                "PORT": str(docker.free_port()), "BETTER_AUTH_SECRET": AUTH_SECRET, "FAIL_MIGRATION": "1"}) as container:
            code = container.wait_exit(timeout=60)
            logs = container.logs()
    assert code == 78
    assert re.fullmatch(
        r"space: the pre-start command `node scripts/migrate.mjs` failed \(exit 3\) after \d+\.\d s; its output is "
        r"above\. The server was not started: fix the command or the answer prestart\.",
        logs.strip().splitlines()[-1]), logs
