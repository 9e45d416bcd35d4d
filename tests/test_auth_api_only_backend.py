"""A Hono server that never mounts Better Auth's handler: its own routes call `auth.api` (alantothe's
directus-headless-cms, /auth/register and /auth/sign-in), so nothing of the app answers Better Auth's
`/api/auth/ok`. The Space's health path is still Better Auth's own, answered by the instance itself."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.support.shapes import make_space, node_backend, running

PACKAGE = {
    "name": "auth-api", "version": "1.0.0", "type": "module",
    "scripts": {"dev": "tsx watch src/index.ts", "build": "tsc", "start": "node dist/index.js"},
    "dependencies": {"@hono/node-server": "^1.19.0", "better-auth": "^1.4.0", "hono": "^4.9.0"},
    "devDependencies": {"@types/node": "^22.10.0", "tsx": "^4.20.0", "typescript": "^5.9.0"},
}
FILES = {
    "src/index.ts": """\
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import authRoutes from "./routes/auth";

const app = new Hono();

app.route("/auth", authRoutes);

const port = Number(process.env.PORT) || 4000;

serve({ fetch: app.fetch, port });

console.log(`Server running on http://localhost:${port}`);
""",
    "src/routes/auth.ts": """\
import { Hono } from "hono";
import { auth } from "../services/auth";

const authRoutes = new Hono();

authRoutes.post("/register", async (c) => {
  const body = await c.req.json();
  return auth.api.signUpEmail({
    body: { email: body.email, password: body.password, name: body.name },
    asResponse: true,
  });
});

authRoutes.post("/sign-in", async (c) => {
  const body = await c.req.json();
  return auth.api.signInEmail({ body: { email: body.email, password: body.password }, asResponse: true });
});

export default authRoutes;
""",
    "src/services/auth.ts": """\
import { betterAuth } from "better-auth";
import { DatabaseSync } from "node:sqlite";

export const auth = betterAuth({
  database: new DatabaseSync("auth.db"),
  emailAndPassword: { enabled: true },
});
""",
}


@pytest.mark.docker
def test_a_server_calling_only_auth_api_is_healthy_and_signs_up_on_its_own_routes(render, cli, tmp_path):
    space = make_space(render, "node", node_backend(tmp_path / "backend", PACKAGE, FILES), "auth-api-only")

    with running(cli, space) as url:  # waits for the health path's 200
        health = docker.http_get(f"{url}/api/auth/ok")
        account = {"email": "ada@example.com", "password": "a-long-password-1", "name": "Ada"}
        registered = docker.http_post_json(f"{url}/auth/register", account)
        signed_in = docker.http_post_json(f"{url}/auth/sign-in", account)
    assert space.settings["health_path"] == "/api/auth/ok"
    assert health == (200, b'{"ok":true}')
    assert registered[0] == 200 and json.loads(registered[1])["user"]["email"] == "ada@example.com"
    assert signed_in[0] == 200 and json.loads(signed_in[1])["user"]["name"] == "Ada"
