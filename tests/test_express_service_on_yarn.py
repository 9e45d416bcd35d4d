"""An Express auth service as a team writes one, copied with only the runtime and its path: TypeScript under src/,
its Better Auth options in auth.config.ts with an `auth` made there for the Better Auth CLI, the instance it serves
made by a service class, mail through Resend (whose React renderer is an optional peer nobody installs), EJS templates
opened by path, PostgreSQL, and a yarn.lock beside the package-lock.json an earlier `npm install` left behind.

sync leaves the stale package-lock.json out and the image installs the yarn.lock; the dependency's import of the
missing peer stays an import; detect finds the templates folder and the image puts it beside the server; the start-up
creates the schema through both instances and the service signs up."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, npm_lock, running, sign_up, write_backend

pytestmark = pytest.mark.docker

PACKAGE = {
    "name": "auth-service", "version": "1.0.0", "main": "src/server.ts", "type": "commonjs",
    "scripts": {"dev": "tsx watch src/server.ts", "build": "tsc", "start": "node dist/server.js"},
    "dependencies": {"better-auth": "^1.4.18", "dotenv": "^16.4.5", "ejs": "^3.1.10", "express": "^5.1.0",
                     "pg": "^8.16.0", "resend": "^4.6.0"},
    "devDependencies": {"@types/express": "^5.0.3", "@types/pg": "^8.15.4", "tsx": "^4.20.6", "typescript": "^5.9.3"},
}
# What package.json said when someone last ran npm install, before the team moved to Yarn.
EARLIER_PACKAGE = {**PACKAGE, "dependencies": {"better-auth": "^1.2.8", "express": "^4.21.2", "pg": "^8.16.0"}}

SOURCES = {
    "src/auth.config.ts": """\
import "dotenv/config";
import { betterAuth } from "better-auth";
import { Pool } from "pg";

export const authConfig = {
  emailAndPassword: { enabled: true },
  database: new Pool({ connectionString: process.env.DATABASE_URL! }),
  trustedOrigins: process.env.TRUSTED_ORIGINS?.split(",") || [],
};

// Minimal Better Auth instance purely for CLI operations (generate / migrate)
export const auth = betterAuth(authConfig);
""",
    "src/services/EmailService.ts": """\
import { Resend } from "resend";

export class EmailService {
  private readonly resend = new Resend(process.env.RESEND_API_KEY);

  async send(to: string, subject: string, text: string) {
    await this.resend.emails.send({ from: process.env.FROM_EMAIL!, to, subject, text });
  }
}
""",
    "src/services/AuthService.ts": """\
import { betterAuth } from "better-auth";
import { authConfig } from "../auth.config";
import { EmailService } from "./EmailService";

export class AuthService {
  public readonly authInstance: ReturnType<typeof betterAuth>;

  constructor(private readonly emails: EmailService) {
    this.authInstance = betterAuth({
      ...authConfig,
      emailAndPassword: {
        ...authConfig.emailAndPassword,
        sendResetPassword: async ({ user, url }) => this.emails.send(user.email, "Reset your password", url),
      },
    });
  }
}
""",
    "src/templates/home.ejs": "<h1><%= title %></h1>\n",
    "src/server.ts": """\
import path from "path";
import ejs from "ejs";
import express from "express";
import { fromNodeHeaders, toNodeHandler } from "better-auth/node";
import { AuthService } from "./services/AuthService";
import { EmailService } from "./services/EmailService";

const app = express();
const authService = new AuthService(new EmailService());

app.all("/api/auth/*splat", toNodeHandler(authService.authInstance));
app.use(express.json());

const render = (name: string, data: object) =>
  ejs.renderFile(path.join(process.cwd(), `src/templates/${name}.ejs`), data);

app.get("/", async (_req, res) => {
  res.send(await render("home", { title: "Auth service" }));
});

app.get("/api/me", async (req, res) => {
  const session = await authService.authInstance.api.getSession({ headers: fromNodeHeaders(req.headers) });
  res.json(session);
});

const port = parseInt(process.env.PORT || "3000", 10);
app.listen(port, () => console.log(`API listening on http://localhost:${port}`));
""",
}


def _backend(folder: Path) -> Path:
    write_backend(folder, {"package.json": json.dumps(EARLIER_PACKAGE, indent=2)})
    npm_lock(folder)
    write_backend(folder, {"package.json": json.dumps(PACKAGE, indent=2), **SOURCES})
    subprocess.run(["npx", "--yes", "yarn@1.22.22", "install", "--ignore-scripts", "--ignore-engines",
                    "--non-interactive"], cwd=folder, check=True, capture_output=True, timeout=600)
    shutil.rmtree(folder / "node_modules")
    return folder


def test_an_express_service_on_yarn_with_a_stale_npm_lock_and_a_cli_instance_signs_up(render, cli, tmp_path,
                                                                                       postgres_cluster):
    backend = _backend(tmp_path / "auth-service")
    space = make_space(render, "node", backend, "express-service-on-yarn")
    database = postgres_cluster.new_database()

    with running(cli, space, {"DATABASE_URL": database, "RESEND_API_KEY": "re_test", "FROM_EMAIL": "a@example.com"}) \
            as url:
        checked = space_tools(space.project, "check").stdout
        home = docker.http_get(f"{url}/")
        user = sign_up(url)
        request = urllib.request.Request(f"{url}/api/me", headers={"cookie": user["set-cookie"].split(";")[0]})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
            me = json.loads(response.read())

    assert "left out package-lock.json: out of date with package.json (dependencies differ: better-auth, dotenv, " \
           "ejs, express, resend), so `npm ci` would refuse it; the image installs from yarn.lock " \
           "(yarn install --frozen-lockfile)" in checked
    assert "dependencies: yarn.lock (yarn install --frozen-lockfile)" in checked
    assert not (space.project / "backend" / "package-lock.json").exists()
    assert (space.settings["database"], space.settings["storage"]) == ("postgres", "external")
    assert space.settings["backend_files"] == ["src/templates"]
    assert home == (200, b"<h1>Auth service</h1>\n")
    assert me["user"]["email"] == "ada@example.com"
    assert postgres_cluster.query(database, 'SELECT email FROM "user"').split() == ["ada@example.com"]
