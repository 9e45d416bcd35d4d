"""A Better Auth server written for Bun, as Hono's and Better Auth's Bun guides write one: bun:sqlite, a bun.lock,
and the server started either by Bun serving the entry's `export default app` (m3h3d1ha2an/bun-todo) or by
`serve()` imported from "bun" (m-umar-ch's Hono backend). Node.js has neither, so detect answers js_runtime=bun
and the image runs on oven/bun; the start-up holds the requests until the schema is made, answers the health
path, and stops quickly on SIGTERM, as it does on Node.js."""

from __future__ import annotations

import json
import subprocess

import pytest

from harness import docker
from tests.support.shapes import make_space, running, sign_up, write_backend
from tests.test_lock_kinds import _pinned_tool

PACKAGE = {
    "name": "bun-auth", "module": "src/index.ts", "type": "module",
    "scripts": {"dev": "bun run --hot src/index.ts"},
    "dependencies": {"better-auth": "1.7.25", "hono": "4.9.9"},
    "devDependencies": {"@types/bun": "latest"},
}
AUTH = """\
import { Database } from "bun:sqlite";
import { betterAuth } from "better-auth";

export const auth = betterAuth({
  database: new Database("sqlite.db"),
  emailAndPassword: { enabled: true },
});
"""
APP = """\
import { Hono } from "hono";
import { auth } from "./lib/auth";

const app = new Hono();

app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));

app.get("/api/me", async (c) => {
  const session = await auth.api.getSession({ headers: c.req.raw.headers });
  if (!session) return c.json({ error: "not signed in" }, 401);
  return c.json({ email: session.user.email, runtime: `bun ${Bun.version}` });
});
"""
ENTRIES = {
    "export-default": APP + "\nexport default app;\n",
    "serve-from-bun": 'import { serve } from "bun";\n' + APP + """
const server = serve({ port: Number(process.env.PORT ?? 3000), fetch: app.fetch });
console.log(`Listening on ${server.url}`);
""",
}


@pytest.mark.docker
@pytest.mark.parametrize("entry", ENTRIES)
def test_a_bun_server_runs_on_bun_and_signs_up(render, cli, tmp_path, entry):
    backend = write_backend(tmp_path / "backend", {"package.json": json.dumps(PACKAGE, indent=2) + "\n",
                                                   "src/lib/auth.ts": AUTH, "src/index.ts": ENTRIES[entry]})
    space = make_space(render, "node", backend, f"bun-{entry}")
    # The lock as its team writes it, with the bun the Space's Dockerfile pins for bun.lock on Node.js.
    subprocess.run(["npx", "--yes", f"bun@{_pinned_tool(space.project, 'bun')}", "install", "--lockfile-only"],
                   cwd=backend, check=True, capture_output=True, timeout=300)

    with running(cli, space) as url:  # detect --write first; waits for the health path's 200
        health = docker.http_get(f"{url}/api/auth/ok")
        user = sign_up(url)
        me = docker.http_get(f"{url}/api/me", headers={"cookie": user["set-cookie"].split(";", 1)[0]})
        anonymous = docker.http_get(f"{url}/api/me")
    assert (space.settings["js_runtime"], space.settings["entry_file"]) == ("bun", "src/index.ts")
    assert 'ARG JS_IMAGE=oven/bun:1-slim' in (space.project / "Dockerfile").read_text()
    assert health == (200, b'{"ok":true}')
    assert user["user"]["email"] == "ada@example.com"
    assert me[0] == 200 and json.loads(me[1])["runtime"].startswith("bun 1.")
    assert anonymous[0] == 401



ELYSIA_PACKAGE = {
    "name": "elysia-auth", "module": "src/index.ts", "type": "module",
    "scripts": {"dev": "bun run --watch src/index.ts"},
    "dependencies": {"better-auth": "1.7.25", "elysia": "1.4.30"},
}
# As anucha-tk/elysia-postgresql-starter keeps its port: in a settings object, from a variable of its own that
# Spaces never sets, with a default.
ELYSIA_CONFIG = """\
const isTestEnvironment = Bun.env.NODE_ENV === "test";

export const config = {
  app: {
    name: "elysia-auth",
    port: (isTestEnvironment ? Bun.env.TEST_APP_PORT : Bun.env.APP_PORT) || "18000",
  },
};
"""
# And mounts Better Auth as it does: inside its users' plugin, under a prefix, signing up through its own route;
# nothing of the app's answers /api/auth/ok.
ELYSIA_APP = """\
import { Elysia } from "elysia";
import { config } from "./common/config";
import { auth } from "./lib/auth";

const users = new Elysia({ prefix: "/api/v1/user" })
  .mount(auth.handler)
  .post("/sign-up", ({ body }) => auth.api.signUpEmail({ body, asResponse: true }))
  .get("/me", async ({ request, set }) => {
    const session = await auth.api.getSession({ headers: request.headers });
    if (!session) {
      set.status = 401;
      return { error: "not signed in" };
    }
    return { email: session.user.email, runtime: `bun ${Bun.version}` };
  });

new Elysia().use(users).get("/", () => "ok").listen(config.app.port, () => console.log(`on ${config.app.port}`));
"""


@pytest.mark.docker
def test_an_elysia_server_runs_on_bun_and_its_routes_get_the_start_ups_guards(render, cli, tmp_path):
    # Elysia hands its routes to Bun.serve's `routes`, which Bun matches before `fetch`: the health answer and the
    # held requests must reach them too (the health path answered 404 when only `fetch` was wrapped). Its port is
    # its settings' default, so detect answers app_port with it.
    backend = write_backend(tmp_path / "backend", {"package.json": json.dumps(ELYSIA_PACKAGE, indent=2) + "\n",
                                                   "src/lib/auth.ts": AUTH, "src/common/config.ts": ELYSIA_CONFIG,
                                                   "src/index.ts": ELYSIA_APP})
    space = make_space(render, "node", backend, "bun-elysia")
    subprocess.run(["npx", "--yes", f"bun@{_pinned_tool(space.project, 'bun')}", "install", "--lockfile-only"],
                   cwd=backend, check=True, capture_output=True, timeout=300)

    with running(cli, space, port=18000) as url:
        health = docker.http_get(f"{url}/api/auth/ok")
        signed_up = docker.http_post_json(f"{url}/api/v1/user/sign-up", {
            "email": "ada@example.com", "password": "a-long-password-1", "name": "Ada"})
        anonymous = docker.http_get(f"{url}/api/v1/user/me")
    assert space.settings["js_runtime"] == "bun", "Elysia's listen() is Bun.serve"
    assert space.settings["app_port"] == 18000
    assert health == (200, b'{"ok":true}')
    assert signed_up[0] == 200 and json.loads(signed_up[1])["user"]["email"] == "ada@example.com"
    assert anonymous[0] == 401
