"""A backend whose requirements.txt pins only its own top-level packages builds with the releases of the day that
file was committed, not whatever came out since: sync resolves it with uv as of that commit into pylock.toml, which
the image installs and check predicts from. This backend, committed in January 2024, pins tortoise-orm 0.20, whose
pydantic models fail to build on the pydantic releases of 2025 and later (`model_config` cannot be used as a model
field name) and build on pydantic 2.5, the release of its day."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running, write_backend

MODELS = """\
from tortoise import fields, models
from tortoise.contrib.pydantic import pydantic_model_creator


class Note(models.Model):
    title = fields.CharField(max_length=200)
    body = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)


NoteOut = pydantic_model_creator(Note, name="NoteOut")
NoteIn = pydantic_model_creator(Note, name="NoteIn", exclude=("created_at",), exclude_readonly=True)
"""
MAIN = """\
import os

from fastapi import FastAPI
from tortoise.contrib.fastapi import register_tortoise

from app.models import Note, NoteIn, NoteOut

app = FastAPI(title="Notes")


@app.get("/notes", response_model=list[NoteOut])
async def list_notes():
    return await NoteOut.from_queryset(Note.all())


@app.post("/notes", response_model=NoteOut, status_code=201)
async def add_note(note: NoteIn):
    created = await Note.create(**note.model_dump())
    return await NoteOut.from_tortoise_orm(created)


register_tortoise(
    app,
    db_url=os.environ.get("DATABASE_URL", "sqlite://:memory:"),
    modules={"models": ["app.models"]},
    generate_schemas=True,
)
"""
REQUIREMENTS = "fastapi==0.109.0\ntortoise-orm==0.20.0\nuvicorn==0.26.0\n"
COMMITTED = "2024-01-26T15:14:06+00:00"


def committed_in_january_2024(folder: Path) -> Path:
    """The backend as its team's repository holds it: one commit, made on 26 January 2024."""
    backend = write_backend(folder, {"app/__init__.py": "", "app/models.py": MODELS, "app/main.py": MAIN,
                                     "requirements.txt": REQUIREMENTS})
    when = {"GIT_AUTHOR_DATE": COMMITTED, "GIT_COMMITTER_DATE": COMMITTED}
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "Notes API"]):
        subprocess.run(["git", "-c", "user.name=Ada", "-c", "user.email=ada@example.com", *command], cwd=backend,
                       check=True, capture_output=True, env={**os.environ, **when})
    return backend


def dependencies_line(project: Path) -> str:
    """check's line on the dependencies, after detect has answered the Python they install on."""
    space_tools(project, "detect", "--write")
    shown = space_tools(project, "check").stdout
    return next(line for line in shown.splitlines() if line.startswith("dependencies: "))


def test_check_says_the_build_pins_the_releases_of_the_requirements_last_commit(render, tmp_path):
    project = render(runtime="python", backend_path=str(committed_in_january_2024(tmp_path / "backend")))

    assert dependencies_line(project) == ("dependencies: requirements.txt (no lock: sync pins the releases of its "
                                          "last commit, 2024-01-26, in ./backend/pylock.toml)")


def test_requirements_edited_since_their_commit_resolve_to_the_newest_releases(render, tmp_path):
    backend = committed_in_january_2024(tmp_path / "backend")
    (backend / "requirements.txt").write_text(REQUIREMENTS + "httpx\n")
    project = render(runtime="python", backend_path=str(backend))

    assert dependencies_line(project) == ("dependencies: requirements.txt (no lock: sync pins the newest releases "
                                          "(it is not committed as it is), in ./backend/pylock.toml)")


@pytest.mark.docker
def test_the_space_installs_the_releases_of_the_day_and_serves_the_notes(render, cli, tmp_path):
    space = make_space(render, "python", committed_in_january_2024(tmp_path / "backend"), "requirements-from-2024")

    with running(cli, space) as url:
        status, body = docker.http_post_json(f"{url}/notes", {"title": "pin the releases"})
        assert status == 201, body
        status, body = docker.http_get(f"{url}/notes")
        assert (status, [note["title"] for note in json.loads(body)]) == (200, ["pin the releases"])
        pydantic = docker.docker("run", "--rm", "--network", "none", f"{space.settings['space_name']}:local",
                                 "python", "-c", "import pydantic; print(pydantic.VERSION)").stdout.strip()
        assert pydantic == "2.5.3"
