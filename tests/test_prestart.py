"""A backend's pre-start step (Alembic migrations, a prestart.sh) is found by detect, shipped with what it needs,
and run in the image before the port opens, with the backend importable as in development; when it fails, the
container stops with one line and exit 78 and the app never listens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running

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
    for name, text in BACKEND.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


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
