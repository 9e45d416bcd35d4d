"""A Hono auth server kept in a server/ folder of a larger package and started by a script of its own
(`npm run server`), which calls `serve(app)` and so listens on @hono/node-server's default port, 3000, whatever
PORT says. detect finds the entry in that script and answers app_port 3000, since Spaces routes to app_port: the
Space serves the app with no edit and nothing typed beyond the runtime and the backend's path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import detected, make_space, node_backend, running, sign_up

PACKAGE = {
    "name": "tasks", "version": "1.0.0", "private": True, "type": "module",
    "scripts": {"server": "tsx watch server/index.ts", "typecheck": "tsc --noEmit",
                "db:migrate": "npx @better-auth/cli migrate --config server/lib/auth.ts"},
    "dependencies": {"@hono/node-server": "^1.19.7", "better-auth": "^1.4.9", "hono": "^4.9.0"},
    "devDependencies": {"tsx": "^4.20.6", "typescript": "^5.9.3"},
}
AUTH = """\
import { betterAuth } from "better-auth";
import { DatabaseSync } from "node:sqlite";

export const auth = betterAuth({
  database: new DatabaseSync("tasks.db"),
  emailAndPassword: { enabled: true },
});
"""
SERVER = """\
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { auth } from "./lib/auth";

const app = new Hono();

app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));
app.get("/api/tasks", (c) => c.json([{ id: 1, title: "ship the server" }]));

serve(app);
"""


def tasks_backend(folder: Path) -> Path:
    return node_backend(folder, PACKAGE, {"server/lib/auth.ts": AUTH, "server/index.ts": SERVER})


def test_detect_takes_the_entry_from_the_script_that_starts_the_server_and_its_default_port(render, tmp_path):
    project = render(runtime="node", backend_path=str(tasks_backend(tmp_path / "backend")))

    shown = detected(project)

    assert ('entry_file server/index.ts (space.json: auth-server.ts) <- package.json scripts.server: '
            '"tsx watch server/index.ts"') in shown
    assert "app_port 3000 (space.json: 7860) <- server/index.ts listens on port 3000, whatever PORT says" in shown


def test_check_before_detect_names_the_file_that_starts_the_server(render, tmp_path):
    backend = tasks_backend(tmp_path / "backend")
    project = render(runtime="node", backend_path=str(backend))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and result.stderr == (
        f"error: entry_file 'auth-server.ts' is not in {backend}; server/index.ts starts the server; fix the backend, "
        "or the answer with `copier update --defaults --data entry_file=server/index.ts`.\n")


@pytest.mark.docker
def test_the_space_serves_it_on_that_port(render, cli, tmp_path):
    space = make_space(render, "node", tasks_backend(tmp_path / "backend"), "hono-serve-default-port")

    with running(cli, space, port=3000) as url:
        assert (space.settings["entry_file"], space.settings["app_port"]) == ("server/index.ts", 3000)
        assert sign_up(url)["user"]["email"] == "ada@example.com"
        status, body = docker.http_get(f"{url}/api/tasks")
        assert (status, json.loads(body)) == (200, [{"id": 1, "title": "ship the server"}])
