"""A default SQLite path in a folder the backend lacks (its .gitignore keeps the folder out of the repository, or,
under /app, its own image's compose file mounts it): SQLite creates the file, never the folder, so sync creates the
folder, empty, in the build context, and the app writes its database there. Python's image holds the synced backend
as is; Node's bundle gets the folder through backend_files, which detect extends."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, npm_lock, running, write_backend

NOTES_APP = """\
import os

from fastapi import FastAPI
from sqlalchemy import create_engine, text

engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///./data/notes.db"))
app = FastAPI()


@app.on_event("startup")
def create_table():
    with engine.begin() as connection:
        connection.execute(text("create table if not exists notes (title text)"))


@app.post("/notes")
def add(title: str):
    with engine.begin() as connection:
        connection.execute(text("insert into notes values (:title)"), {"title": title})
    return {"title": title}


@app.get("/notes")
def notes():
    with engine.connect() as connection:
        return [row[0] for row in connection.execute(text("select title from notes"))]
"""

EXPRESS_ENV = """\
import Joi from "joi";

const schema = Joi.object({
  PORT: Joi.number().default(3000),
  DATABASE_URL: Joi.string().default('file:./database/local.db'),
}).unknown();

export const { value: env } = schema.validate(process.env);
"""
EXPRESS_SERVER = """\
import express from "express";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./utils/auth.js";
import { env } from "./config/env.config.js";

const app = express();
app.all("/api/auth/*splat", toNodeHandler(auth));
app.listen(env.PORT);
"""
EXPRESS_AUTH = """\
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { drizzle } from "drizzle-orm/libsql";
import { env } from "../config/env.config.js";

export const auth = betterAuth({ database: drizzleAdapter(drizzle(env.DATABASE_URL), { provider: "sqlite" }) });
"""


@pytest.mark.docker
def test_a_python_app_writes_its_database_in_the_folder_sync_creates(render, cli, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        "app.py": NOTES_APP, "requirements.txt": "fastapi\nuvicorn\nsqlalchemy\n", ".gitignore": "data/\n"})
    space = make_space(render, "python", backend, "database-in-a-missing-folder")
    space_tools(space.project, "detect", "--write")

    synced = space_tools(space.project, "sync").stdout

    assert "created data/ (empty) in ./backend: app.py opens its database at sqlite:///./data/notes.db" in synced
    assert not (backend / "data").exists(), "the backend itself is left as it is"
    with running(cli, space) as url:
        assert docker.http_post_json(f"{url}/notes?title=kept", {})[0] == 200
        status, body = docker.http_get(f"{url}/notes")
        assert (status, json.loads(body)) == (200, ["kept"])


# mem0ai/mem0's server keeps its history in SQLite at /app/history/history.db by default: /app is where its own image
# holds the code, and its compose file mounts a volume on history/. /app leads to the app's folder in a Space's image.
OWN_IMAGE_DATABASE = """\
import os
import sqlite3

from fastapi import FastAPI

history = sqlite3.connect(os.environ.get("HISTORY_DB_PATH", "/app/history/history.db"), check_same_thread=False)
app = FastAPI()
"""


def test_a_database_where_the_projects_own_image_kept_its_code_gets_its_folder(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {"main.py": OWN_IMAGE_DATABASE, "requirements.txt": "fastapi\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")

    synced = space_tools(project, "sync").stdout

    assert "created history/ (empty) in ./backend: main.py opens its database at /app/history/history.db" in synced
    assert (project / "backend" / "history").is_dir() and not (backend / "history").exists()


def test_a_node_servers_folder_reaches_the_bundle_through_backend_files(render, tmp_path):
    """An Express starter's Joi schema defaults DATABASE_URL to file:./database/local.db (libsql)."""
    backend = write_backend(tmp_path / "backend", {
        "package.json": json.dumps({"name": "auth-server", "type": "module", "dependencies": {
            "better-auth": "^1.3.0", "express": "^5.1.0", "joi": "^17.13.0", "drizzle-orm": "^0.45.2",
            "@libsql/client": "^0.15.0"}}),
        "src/index.js": EXPRESS_SERVER, "src/config/env.config.js": EXPRESS_ENV, "src/utils/auth.js": EXPRESS_AUTH,
        ".gitignore": "node_modules/\ndatabase\n"})
    npm_lock(backend)
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.js")

    space_tools(project, "detect", "--write")
    synced = space_tools(project, "sync")

    assert "database" in json.loads((project / "space.json").read_text())["backend_files"]
    assert (project / "backend" / "database").is_dir() and not (backend / "database").exists()
    assert "created database/ (empty) in ./backend: src/config/env.config.js opens its database at " \
           "file:./database/local.db" in synced.stdout
