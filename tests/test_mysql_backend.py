"""A Better Auth server on MySQL, written as Better Auth's docs write one (a mysql2 pool from DATABASE_URL), copied
with only the runtime and its path: detect answers database=mysql and storage=external, the Space declares the
DATABASE_URL Secret, and at start Better Auth's own migration creates its schema in a real MySQL server (MariaDB),
where a sign-up then writes the user."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import space_tools
from tests.support.shapes import assert_shows, detected, make_space, node_backend, running, sign_up

PACKAGE = {
    "name": "auth-api", "version": "1.0.0", "type": "module",
    "scripts": {"dev": "tsx watch src/index.ts", "build": "tsc", "start": "node dist/index.js"},
    "dependencies": {"better-auth": "^1.4.9", "express": "^5.1.0", "mysql2": "^3.14.0"},
    "devDependencies": {"@types/express": "^5.0.3", "tsx": "^4.20.6", "typescript": "^5.9.3"},
}
AUTH = """\
import { betterAuth } from "better-auth";
import { createPool } from "mysql2/promise";

export const auth = betterAuth({
  database: createPool(process.env.DATABASE_URL!),
  emailAndPassword: { enabled: true },
});
"""
SERVER = """\
import express from "express";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./auth";

const app = express();
const port = Number(process.env.PORT) || 3000;

app.all("/api/auth/*splat", toNodeHandler(auth));
app.use(express.json());

app.listen(port, () => console.log(`auth-api listening on ${port}`));
"""


def mysql_backend(folder: Path) -> Path:
    return node_backend(folder, PACKAGE, {"src/auth.ts": AUTH, "src/index.ts": SERVER})


def test_detect_answers_mysql_and_its_url_as_a_secret(render, tmp_path):
    project = render(runtime="node", backend_path=str(mysql_backend(tmp_path / "backend")))

    shown = detected(project)
    space_tools(project, "detect", "--write")

    assert_shows(shown, "database mysql (space.json: sqlite) <- the code uses mysql2",
                 "storage external (space.json: none) <- database mysql: the data lives in MySQL, outside the Space")
    variables = json.loads((project / "space.json").read_text())["variables"]
    assert (variables["DATABASE_URL"]["secret"], variables["DATABASE_URL"]["required"]) == (True, True)
    assert "DATABASE_PATH" not in variables


@pytest.mark.docker
def test_the_space_creates_better_auths_schema_in_mysql_and_signs_up(render, cli, tmp_path, mariadb_server):
    space = make_space(render, "node", mysql_backend(tmp_path / "backend"), "better-auth-on-mysql")
    database_url = mariadb_server.new_database()

    with running(cli, space, env={"DATABASE_URL": database_url}) as url:
        assert sign_up(url)["user"]["email"] == "ada@example.com"
        database = database_url.rsplit("/", 1)[1]
        assert mariadb_server.query("SELECT email FROM user", database) == "ada@example.com"
