"""Shapes of real public backends that a Space can't run as they are, or runs only with answers detect can find:
each is refused by `check` in one line before any build (a Bun server on Node.js, MongoDB, an ORM adapter Better Auth's
migration can't drive with migrate_on_start, a compile the build stage can't do), or
detect writes the answer that makes it work (Better Auth under its own basePath, the files and folders an app opens
by name, the Prisma schema the build generates the client from). Written as the projects write them; no Docker."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import space_tools
from tests.support.shapes import assert_shows, detected, npm_lock, write_backend

BETTER_AUTH = {"better-auth": "^1.7.0"}


def _node(folder: Path, files: dict[str, str], dependencies: dict[str, str], **package) -> Path:
    manifest = {"name": "auth-server", "type": "module", "scripts": {"start": "node src/index.ts"},
                "dependencies": {**BETTER_AUTH, **dependencies}, **package}
    return write_backend(folder, {"package.json": json.dumps(manifest, indent=2), **files})


def _bun(folder: Path, files: dict[str, str], dependencies: dict[str, str], **package) -> Path:
    """A server its team runs with bun: `_node`'s files and a bun.lock (its content is not read here)."""
    return _node(folder, {**files, "bun.lock": "{}\n"}, dependencies, **package)


def _refused(project: Path) -> str:
    result = space_tools(project, "check", check=False)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def _answer(detected: str, name: str) -> str:
    found = re.search(rf"(?m)^  {name} +(.*?)(?: \(space\.json: .*?\))?  <- ", detected)
    assert found, detected
    return found[1]


def test_a_bun_server_on_node_is_refused_naming_the_answer_detect_writes(render, tmp_path):
    backend = _bun(tmp_path / "backend", {"src/index.ts": """\
import { Hono } from "hono";
import { auth } from "./lib/auth";

const app = new Hono();
app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));

export default {
  port: 3000,
  fetch: app.fetch,
};
""", "src/lib/auth.ts": """\
import { betterAuth } from "better-auth";
import { Database } from "bun:sqlite";

export const auth = betterAuth({ database: new Database("auth.db"), emailAndPassword: { enabled: true } });
"""}, {"hono": "^4.6.0"}, scripts={"dev": "bun run --hot src/index.ts"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _refused(project) == ("error: src/lib/auth.ts uses Bun's own API (from \"bun:sqlite\"), which Node.js "
                                 "does not have: run it on Bun with `copier update --defaults --data js_runtime=bun` "
                                 "(`./space detect --write` answers it).\n")
    shown = detected(project)
    assert_shows(shown, 'js_runtime bun (space.json: node) <- src/lib/auth.ts uses Bun\'s own API (from "bun:sqlite")',
                 "database sqlite <- the code uses bun:sqlite", "app_port 3000 (space.json: 7860)")
    space_tools(project, "detect", "--write")
    assert space_tools(project, "check").returncode == 0


def test_an_elysia_server_runs_on_bun_which_its_listen_needs(render, tmp_path):
    # As JosepDeveloper/Elysia-integratinos-better-auth's server: no Bun API in its code, but Elysia's listen() is
    # Bun.serve unless @elysiajs/node adapts it, so on Node.js the start would fail.
    backend = _bun(tmp_path / "backend", {"src/index.ts": """\
import { Elysia } from "elysia";
import { auth } from "./auth";

new Elysia().mount(auth.handler).get("/notes", () => []).listen(process.env.PORT ?? 3000);
""", "src/auth.ts": """\
import { betterAuth } from "better-auth";
import Database from "better-sqlite3";

export const auth = betterAuth({ database: new Database("auth.db"), emailAndPassword: { enabled: true } });
"""}, {"elysia": "^1.4.0", "better-sqlite3": "^12.0.0"}, scripts={"dev": "bun run --watch src/index.ts"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _refused(project) == ("error: package.json uses Bun's own API (elysia, which serves with Bun.serve unless "
                                 "@elysiajs/node adapts it), which Node.js does not have: run it on Bun with `copier "
                                 "update --defaults --data js_runtime=bun` (`./space detect --write` answers it).\n")
    assert_shows(detected(project), "js_runtime bun (space.json: node) <- package.json uses Bun's own API (elysia")


def test_variables_and_a_port_read_from_bun_env_are_found(render, tmp_path):
    # As anucha-tk/elysia-postgresql-starter reads its settings: Bun.env, as process.env elsewhere.
    backend = _bun(tmp_path / "backend", {"src/index.ts": """\
import { Hono } from "hono";
import { auth } from "./auth";

const app = new Hono();
app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));
Bun.serve({ port: Bun.env.APP_PORT || 8000, fetch: app.fetch });
""", "src/auth.ts": """\
import { betterAuth } from "better-auth";
import { Database } from "bun:sqlite";

export const jwtExpiry = Bun.env.JWT_EXPIRES_IN ?? "1d";
export const clientUrl = import.meta.env.VITE_APP_URL;  // a Vite client's, built into its bundle
export const auth = betterAuth({ database: new Database("auth.db"), secret: Bun.env.JWT_SECRET });
"""}, {"hono": "^4.6.0"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts", js_runtime="bun")

    assert_shows(detected(project), "JWT_SECRET Secret, required <- read in src/auth.ts",
                 "JWT_EXPIRES_IN Variable, optional, default '1d' <- read in src/auth.ts",
                 "app_port 8000 (space.json: 7860) <- src/index.ts listens on port 8000, whatever PORT says")
    assert "VITE_APP_URL" not in detected(project)


def test_a_server_that_imports_a_file_it_does_not_have_is_refused(render, tmp_path):
    # As jrTilak/nestjs-betterauth-typeorm-starter's main.ts imports "./init", which was never committed: `check`
    # said ok, and the bundle can't resolve it.
    backend = _node(tmp_path / "backend", {"src/index.ts": """\
import "./init";
import { toNodeHandler } from "better-auth/node";
import { createServer } from "node:http";
import { auth } from "./auth";

createServer(toNodeHandler(auth)).listen(Number(process.env.PORT ?? 3000));
""", "src/auth.ts": 'import { betterAuth } from "better-auth";\n'
                      '// import { validateLogin } from "./validation";  (as delebash\'s starter keeps one)\n'
                      '/** Usage: import { log } from "./lib/logger"; (a doc comment\'s example) */\n'
                      'export const auth = betterAuth({});\n'}, {})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _refused(project) == ("error: src/index.ts imports ./init, a file the backend does not have (not "
                                 "committed?), so the build can't bundle the server: add it, or remove the import.\n")


def test_a_cloudflare_worker_is_refused_naming_what_a_space_runs(render, tmp_path):
    # Mail-0/Zero's server is a Worker: wrangler runs its `export default { fetch }`; no file listens. `check` had
    # told it to answer entry_file=server.ts, a file it does not have.
    backend = _node(tmp_path / "backend", {
        "wrangler.jsonc": '{\n  "name": "zero-server",\n  "main": "src/main.ts",\n'
                          '  "compatibility_flags": ["nodejs_compat"]\n}\n',
        "src/main.ts": 'import { Hono } from "hono";\nimport { auth } from "./lib/auth";\n\n'
                       'const app = new Hono().on(["GET", "POST"], "/api/auth/*", (c) => auth.handler(c.req.raw));\n\n'
                       "export default { fetch: app.fetch };\n",
        "src/lib/auth.ts": 'import { betterAuth } from "better-auth";\n\nexport const auth = betterAuth({});\n'},
        {"hono": "^4"}, scripts={"dev": "wrangler dev", "deploy": "wrangler deploy --minify"})
    project = render(runtime="node", backend_path=str(backend))

    refused = _refused(project)

    assert refused.startswith("error: wrangler.jsonc makes the backend a Cloudflare Worker, which workerd runs with "
                              "its bindings and no file of it starts a server"), refused
    assert "server.ts" not in refused


def test_a_prisma_client_only_in_dev_dependencies_is_refused_naming_its_generated_import(render, tmp_path):
    # Impre-visible/invoicerr: Prisma 7's `prisma-client` generator writes ./generated/prisma, which its code imports,
    # and @prisma/client sits in devDependencies, so the image's build never generates it.
    backend = _node(tmp_path / "backend", {
        "prisma/schema.prisma": 'generator client {\n  provider     = "prisma-client"\n  output       = "./generated/prisma"\n'
                                '  moduleFormat = "cjs"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n',
        "prisma.config.ts": "import { defineConfig, env } from 'prisma/config'\n\nexport default defineConfig({\n"
                            "    schema: 'prisma/schema.prisma',\n    datasource: { url: env('DATABASE_URL') },\n})\n",
        "src/lib/auth.ts": 'import { betterAuth } from "better-auth";\nimport { prismaAdapter } from "better-auth/adapters/prisma";\n'
                           'import { PrismaClient } from "../../prisma/generated/prisma/client.js";\n\n'
                           'export const auth = betterAuth({ database: prismaAdapter(new PrismaClient(), '
                           '{ provider: "postgresql" }) });\n',
        "src/index.ts": 'import { toNodeHandler } from "better-auth/node";\nimport { createServer } from "node:http";\n'
                        'import { auth } from "./lib/auth";\n\n'
                        "createServer(toNodeHandler(auth)).listen(Number(process.env.PORT ?? 3000));\n"},
        {"@prisma/adapter-pg": "^7.1.0"}, devDependencies={"@prisma/client": "^7.1.0", "prisma": "^7.1.0"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _refused(project) == (
        "error: src/lib/auth.ts imports ../../prisma/generated/prisma/client.js, which `prisma generate` may write from "
        "prisma/schema.prisma, but @prisma/client is only in devDependencies, so the image never generates it: move it "
        "there (`npm install --save-prod @prisma/client` in the backend).\n")


def test_a_package_the_server_imports_from_its_dev_dependencies_is_refused(render, tmp_path):
    # dotenv among the devDependencies, loaded by the server at start. Not refused: a devDependency only its types
    # come from (`import type`), and one a production dependency needs as a peer (hono for @hono/node-server),
    # which npm's production install puts in node_modules all the same.
    backend = npm_lock(_node(tmp_path / "backend", {"src/index.ts": """\
import "dotenv/config";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { auth } from "./auth.ts";

const app = new Hono();
app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
""", "src/auth.ts": """\
import { betterAuth } from "better-auth";
import { DatabaseSync } from "node:sqlite";
import type { Kysely } from "kysely";

export const auth = betterAuth({ database: new DatabaseSync("auth.db"), emailAndPassword: { enabled: true } });
export type Database = Kysely<Record<string, never>>;
"""}, {"@hono/node-server": "^1.19.0"}, devDependencies={"dotenv": "^17.2.0", "hono": "^4.9.0", "kysely": "^0.28.0"}))
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _refused(project) == ("error: src/index.ts imports dotenv, which is only in devDependencies, and the image "
                                 "installs dependencies only: move it there (`npm install --save-prod dotenv` in the "
                                 "backend).\n")
    manifest = json.loads((backend / "package.json").read_text())
    manifest["dependencies"]["dotenv"] = manifest["devDependencies"].pop("dotenv")
    npm_lock(write_backend(backend, {"package.json": json.dumps(manifest, indent=2)}))
    assert space_tools(project, "check").returncode == 0


def test_a_default_export_that_only_bun_serves_runs_on_bun_and_is_refused_on_node(render, tmp_path):
    # As iamharshtambe/its-better-auth's server is written: no Bun API, but only `bun run` serves its default export.
    backend = _bun(tmp_path / "backend", {"server/index.ts": """\
import { Hono } from "hono";
import { auth } from "./lib/auth";

const app = new Hono();

const router = app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));

export type AppType = typeof router;
export default app;
""", "server/lib/auth.ts": 'import { betterAuth } from "better-auth";\n\nexport const auth = betterAuth({});\n'},
        {"hono": "^4.9.0"}, scripts={"server": "bun run --hot server/index.ts", "client": "cd client && bun run dev"})
    project = render(runtime="node", backend_path=str(backend), entry_file="server/index.ts")

    assert _refused(project) == ("error: server/index.ts's default export is its server, which Bun serves when a "
                                 "package.json script runs it and Node.js never starts: run it on Bun with `copier "
                                 "update --defaults --data js_runtime=bun` (`./space detect --write` answers it).\n")
    assert_shows(detected(project), 'entry_file server/index.ts <- package.json scripts.server: "bun run --hot '
                 'server/index.ts"', "js_runtime bun (space.json: node) <- server/index.ts: its default export is the "
                 "server, which Bun serves when a package.json script runs it (Node.js would start nothing)")


def test_a_bun_lock_s_dev_only_import_is_refused_naming_bun_add(render, tmp_path):
    # As m3h3d1ha2an/bun-todo imports pino-pretty, a devDependency that bun's production install leaves out.
    backend = _node(tmp_path / "backend", {"src/index.ts": """\
import { Hono } from "hono";
import pretty from "pino-pretty";
import { auth } from "./auth";

const app = new Hono();
app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));
pretty();

export default app;
""", "src/auth.ts": 'import { betterAuth } from "better-auth";\n\nexport const auth = betterAuth({});\n'},
        {"hono": "4.9.9"}, devDependencies={"pino-pretty": "13.1.3"}, scripts={"dev": "bun run --hot src/index.ts"})
    subprocess.run(["npx", "--yes", "bun@1", "install", "--lockfile-only"], cwd=backend, check=True,
                   capture_output=True, timeout=300)
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts", js_runtime="bun")

    assert _refused(project) == ("error: src/index.ts imports pino-pretty, which is only in devDependencies, and the "
                                 "image installs dependencies only: move it there (`bun add pino-pretty` in the "
                                 "backend).\n")


def test_two_lock_files_of_different_managers_are_refused(render, tmp_path):
    """The team moved to bun; the package-lock.json left behind would be the one the image installs."""
    backend = _node(tmp_path / "backend", {"src/index.ts": 'import { serve } from "@hono/node-server";\n'},
                    {"hono": "^4.6.0"}, scripts={"dev": "tsx watch src/index.ts"})
    write_backend(backend, {"bun.lock": "{}\n", "package-lock.json": "{}\n"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert "has package-lock.json and bun.lock, locks of different package managers, and the image installs only " \
           "package-lock.json (npm ci): delete the lock your team no longer uses" in _refused(project)


DRIZZLE_AUTH = """\
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { db } from "../db";

export const auth = betterAuth({
  basePath: "/api/v1/auth",
  database: drizzleAdapter(db, { provider: "pg" }),
  emailAndPassword: { enabled: true },
});
"""


def test_an_orm_adapter_turns_migrate_on_start_off_and_better_auths_base_path_gives_the_health_path(render, tmp_path):
    backend = _node(tmp_path / "backend", {
        "src/index.ts": 'import express from "express";\nimport { toNodeHandler } from "better-auth/node";\n'
                        'import { auth } from "./lib/auth";\n\nconst app = express();\n'
                        'app.all("/api/v1/auth/*splat", toNodeHandler(auth));\n'
                        "app.listen(Number(process.env.PORT) || 3000);\n",
        "src/lib/auth.ts": DRIZZLE_AUTH,
        "src/db/index.ts": 'import { drizzle } from "drizzle-orm/node-postgres";\n\n'
                           "export const db = drizzle(process.env.DATABASE_URL!);\n"},
        {"express": "^5.1.0", "drizzle-orm": "^0.44.0", "pg": "^8.13.0"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    refused = _refused(project)
    detected = space_tools(project, "detect").stdout

    assert refused.startswith("error: migrate_on_start can't create the schema: src/lib/auth.ts gives Better Auth "
                              "drizzleAdapter(), which its migration can't drive")
    assert _answer(detected, "migrate_on_start") == "false"
    assert _answer(detected, "health_path") == "/api/v1/auth/ok"
    assert _answer(detected, "database") == "postgres"


PRISMA_FILES = {
    "src/index.ts": 'import { createServer } from "node:http";\nimport { toNodeHandler } from "better-auth/node";\n'
                    'import { auth } from "./auth";\n\n'
                    "createServer(toNodeHandler(auth)).listen(Number(process.env.PORT) || 3000);\n",
    "src/auth.ts": 'import { betterAuth } from "better-auth";\nimport { prismaAdapter } from '
                   '"better-auth/adapters/prisma";\nimport { PrismaClient } from "@prisma/client";\n\n'
                   "export const auth = betterAuth({ database: prismaAdapter(new PrismaClient(), "
                   '{ provider: "postgresql" }) });\n',
    "prisma/schema.prisma": 'generator client {\n  provider = "prisma-client-js"\n}\n\n'
                            'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'}


def test_a_prisma_backend_gets_its_schema_and_datasource_read_and_check_names_the_generate(render, tmp_path):
    backend = _node(tmp_path / "backend", PRISMA_FILES, {"@prisma/client": "^6.16.0"})
    dependencies = json.loads((backend / "package.json").read_text())["dependencies"]
    (backend / "package-lock.json").write_text(json.dumps({"lockfileVersion": 3, "packages": {
        "": {"dependencies": dependencies}, "node_modules/better-auth": {"version": "1.7.25"}}}))
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    unanswered = _refused(project)
    space_tools(project, "detect", "--write")
    checked = space_tools(project, "check").stdout

    assert unanswered == ("error: the backend's Prisma schema is prisma/schema.prisma, and prisma_schema answers '': "
                          "the build generates the client from that answer, so answer it with `copier update "
                          "--defaults --data prisma_schema=prisma/schema.prisma` (or `./space detect --write`).\n")
    settings = json.loads((project / "space.json").read_text())
    assert (settings["prisma_schema"], settings["database"], settings["migrate_on_start"]) == (
        "prisma/schema.prisma", "postgres", False)
    assert "prisma generate: the build writes the Prisma client from prisma/schema.prisma" in checked


def test_a_prisma_schema_folder_named_by_prisma_config_is_the_one_generated(render, tmp_path):
    files = {**PRISMA_FILES, "prisma.config.ts": 'import { defineConfig } from "prisma/config";\n\n'
                                                 'export default defineConfig({ schema: "db/schema" });\n',
             "db/schema/schema.prisma": PRISMA_FILES["prisma/schema.prisma"].replace("postgresql", "sqlite"),
             "db/schema/user.prisma": "model User {\n  id String @id\n}\n"}
    backend = _node(tmp_path / "backend", files, {"@prisma/client": "^7.8.0"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _answer(space_tools(project, "detect").stdout, "prisma_schema") == "db/schema"


def test_a_prisma_backend_on_mongodb_is_refused_naming_its_datasource(render, tmp_path):
    mongodb = PRISMA_FILES["prisma/schema.prisma"].replace("postgresql", "mongodb")
    files = {**PRISMA_FILES, "prisma/schema.prisma": mongodb}
    backend = _node(tmp_path / "backend", files, {"@prisma/client": "^6.16.0"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    assert _refused(project) == ("error: prisma/schema.prisma's datasource is mongodb, and the Node template keeps "
                                 "Better Auth's data in SQLite, PostgreSQL or MySQL only.\n")


PYPROJECT = """\
[project]
name = "api"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [{dependencies}]

[dependency-groups]
dev = [{dev}]
"""
MAIN = 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/")\ndef root():\n    return {"ok": True}\n'


def _locked(folder: Path, dependencies: str, dev: str = "", extras: str = "") -> Path:
    pyproject = PYPROJECT.format(dependencies=dependencies, dev=dev)
    pyproject += f"\n[project.optional-dependencies]\n{extras}\n" if extras else ""
    backend = write_backend(folder, {"app/__init__.py": "", "app/main.py": MAIN, "pyproject.toml": pyproject})
    subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet"], cwd=backend, check=True, capture_output=True,
                   timeout=300)
    return backend


def test_a_release_older_than_every_allowed_python_that_compiles_against_headers_is_refused(render, tmp_path):
    """cffi 1.15.0 has Linux wheels up to Python 3.10; compiled for 3.13 (libffi's headers given) it fails."""
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30", "cffi==1.15.0"')
    project = render(runtime="python", backend_path=str(backend))

    refused = _refused(project)

    assert refused.startswith("error: cffi 1.15.0 in uv.lock publishes Linux wheels for other Pythons but not for "
                              "Python 3.13, so that release predates it, and compiling it there can fail")
    assert refused.rstrip().endswith("upgrade it to a release with wheels for Python 3.13.")


def test_a_compile_that_needs_more_than_system_headers_on_every_offered_python_is_refused(render, tmp_path):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30", "numpy==1.21.0"')  # up to cp39
    project = render(runtime="python", backend_path=str(backend))

    refused = _refused(project)

    assert refused.startswith("error: numpy 1.21.0 (needs a BLAS and a long build) in uv.lock has no wheel for Python")
    assert "pin a release that publishes wheels for Linux and a Python the template offers" in refused


def _detected(render, backend: Path) -> str:
    """What `detect` shows for a Space copied with only the runtime and the backend's path."""
    return space_tools(render(runtime="python", backend_path=str(backend)), "detect").stdout


def test_the_folders_a_starlette_app_opens_by_name_are_shipped(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        "app.py": """\
from starlette.applications import Starlette
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

templates = Jinja2Templates(directory="templates")


async def homepage(request):
    return templates.TemplateResponse(request, "index.html")


app = Starlette(routes=[Route("/", homepage), Mount("/static", StaticFiles(directory="statics"), name="static")])
""",
        "templates/index.html": "<h1>Hello</h1>\n", "statics/style.css": "h1 { color: teal; }\n",
        "requirements.txt": "starlette\njinja2\nuvicorn\n"})
    detected = _detected(render, backend)

    assert _answer(detected, "backend_files") == '["templates", "statics"]'
    assert "the app opens these by name: templates (app.py), statics (app.py)" in detected


def test_a_data_file_the_code_reads_at_import_is_shipped(render, tmp_path):
    """python-discord's forms backend reads a template for the code it runs from resources/ when its module loads,
    in a module written for Python 3.12 (quotes nested in an f-string), which an older parser refuses."""
    backend = write_backend(tmp_path / "backend", {
        "backend/__init__.py": "from starlette.applications import Starlette\n\nfrom backend.routes import routes\n\n"
                               "app = Starlette(routes=routes)\n",
        "backend/routes.py": 'from pathlib import Path\n\nfrom starlette.routing import Route\n\n'
                             'with Path("resources/unittest_template.py").open(encoding="utf8") as file:\n'
                             "    TEMPLATE = file.read()\n\nroutes: list[Route] = []\n\n\n"
                             'def test_name(unit: str) -> str:\n    return f"test_{unit.removeprefix("#")}"\n',
        "resources/unittest_template.py": "import unittest\n\n### USER CODE\n",
        "requirements.txt": "starlette\nuvicorn\n"})
    detected = _detected(render, backend)

    assert _answer(detected, "backend_files") == '["resources/unittest_template.py"]'
    assert "the app opens these by name: resources/unittest_template.py (backend/routes.py)" in detected


def test_what_the_app_finds_through_a_folder_it_names_is_shipped(render, tmp_path):
    """zylon-ai/private-gpt: its project's root, from its own file's folder (overridable), is where its launcher
    serves ui/ from and where its settings loader looks for settings.yaml, a name it builds no path of."""
    backend = write_backend(tmp_path / "backend", {
        "private_gpt/__init__.py": "",
        "private_gpt/constants.py": 'import os\nfrom pathlib import Path\n\nPROJECT_ROOT_PATH: Path = (\n'
                                    '    Path(os.environ.get("PGPT_PROJECT_ROOT", str(Path(__file__).parents[1])))\n'
                                    '    .expanduser()\n    .resolve()\n)\n',
        "private_gpt/settings.py": 'from pathlib import Path\n\nfrom private_gpt.constants import PROJECT_ROOT_PATH\n'
                                   '\n\ndef load(profile: str) -> str:\n'
                                   '    name = "settings.yaml" if profile == "default" else '
                                   'f"settings-{profile}.yaml"\n'
                                   '    return (PROJECT_ROOT_PATH / name).read_text()\n\n\n'
                                   'SETTINGS = load("default")\n',
        "private_gpt/main.py": 'from fastapi import FastAPI\nfrom fastapi.staticfiles import StaticFiles\n\n'
                               'from private_gpt.constants import PROJECT_ROOT_PATH\n'
                               'from private_gpt.settings import SETTINGS\n\nUI_DIRECTORY = PROJECT_ROOT_PATH / "ui"\n'
                               'app = FastAPI()\napp.mount("/ui", StaticFiles(directory=UI_DIRECTORY, html=True))\n',
        "ui/index.html": "<h1>private</h1>\n", "settings.yaml": "server:\n  port: 8001\n",
        "settings-mock.yaml": "llm:\n  mode: mock\n", "docs/guide.md": "# Guide\n",
        "requirements.txt": "fastapi\nuvicorn\n"})
    detected = _detected(render, backend)

    assert _answer(detected, "backend_files") == '["ui", "settings.yaml"]'
    assert "the app opens these by name: ui (private_gpt/main.py), settings.yaml (private_gpt/settings.py)" in detected


def test_pinned_requirements_that_compile_on_the_default_python_name_the_one_with_wheels_and_detect_answers_it(
        render, tmp_path):
    """A 2023 tutorial's requirements.txt: asyncpg 0.28 and SQLAlchemy 1.4.41 publish wheels up to CPython 3.11."""
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN,
        "requirements.txt": "alembic==1.11.1\nasyncpg==0.28.0\nfastapi==0.100.0\nsqlmodel==0.0.8\nuvicorn==0.22.0\n"})
    project = render(runtime="python", backend_path=str(backend))

    refused = _refused(project)

    assert refused.startswith("error: asyncpg 0.28.0")
    assert "python_version=3.11 has wheels for all" in refused
    assert_shows(detected(project), "python_version 3.11 (space.json: 3.13) <- requirements.txt (resolved)'s wheels: the newest offered "
                 "with the fewest source builds; requirements.txt (resolved) has wheels for every package")
    space_tools(project, "detect", "--write")
    assert space_tools(project, "check").returncode == 0


def test_a_lower_case_variable_the_code_needs_is_refused(render, tmp_path):
    """python-decouple reads os.environ as named: config("secret") needs a variable called `secret`."""
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN.replace("app = FastAPI()", "from app.auth import JWT_SECRET\n\napp = FastAPI()"),
        "app/auth.py": 'from decouple import config\n\nJWT_SECRET = config("secret")\nJWT_ALGORITHM = config("algorithm")\n',
        "requirements.txt": "fastapi\nuvicorn\npython-decouple\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert _refused(project).startswith("error: the code needs secret (app/auth.py), algorithm (app/auth.py) from its "
                                        "environment, with no default, and a Space's Variables and Secrets are "
                                        "declared in capitals")


def test_unpinned_requirements_name_the_python_that_compiles_only_the_pure_python_sources(render, tmp_path):
    """A 2023 FastAPI tutorial's pins: asyncpg 0.29 has wheels up to CPython 3.12; uuid 1.30 only ever had a source
    archive (pure Python), so no Python has wheels for everything."""
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN,
        "requirements.txt": "asyncpg==0.29.0\nfastapi==0.109.0\nuuid==1.30\nuvicorn==0.27.0\n"})
    project = render(runtime="python", backend_path=str(backend))

    refused = _refused(project)

    assert refused.startswith("error: asyncpg 0.29.0, uuid 1.30 in requirements.txt (resolved) have no wheel for "
                              "Python 3.13"), refused
    assert "python_version=3.12 has wheels for all but uuid 1.30" in refused
    space_tools(project, "detect", "--write")
    checked = space_tools(project, "check")
    assert json.loads((project / "space.json").read_text())["python_version"] == "3.12"
    assert "builds from source: uuid 1.30 (no wheel for Python 3.12" in checked.stdout + checked.stderr


# lnbits reads its version from the installed distribution; private-gpt falls back to a file and raises when it is
# missing; letta falls back to a constant, which is all it needs.
OWN_VERSION_READS = {
    "lnbits": 'import importlib.metadata\n\nVERSION = importlib.metadata.version("api")\n',
    "private-gpt": "from importlib.metadata import PackageNotFoundError, version\nfrom pathlib import Path\n\n\n"
                   "def get_version() -> str:\n    try:\n        return version(\"api\")\n"
                   "    except PackageNotFoundError:\n        version_file = Path(__file__).parent / \"version.txt\"\n"
                   "        try:\n            return version_file.read_text().strip()\n"
                   "        except OSError as exc:\n            raise ImportError(\"Version metadata not found\") from exc\n",
    "letta": "from importlib.metadata import PackageNotFoundError, version\n\ntry:\n"
             '    __version__ = version("api")\nexcept PackageNotFoundError:\n'
             "    # Fallback for development installations\n    __version__ = \"0.16.7\"\n",
}


@pytest.mark.parametrize("shape, version, refused", [
    ("lnbits", "dynamic", True), ("private-gpt", "dynamic", True), ("letta", "dynamic", False),
    ("lnbits", "stated", False)])
def test_code_that_reads_its_own_projects_metadata_is_refused_when_only_its_build_knows_the_version(
        render, tmp_path, shape, version, refused):
    """The image records the project as installed with the version pyproject.toml states, never building it: a
    version only the build computes (from git tags, as Prefect's) is missing, and a read of it with nothing to fall
    back on stops the start with PackageNotFoundError."""
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"')
    (backend / "app" / "settings.py").write_text(OWN_VERSION_READS[shape])
    if version == "dynamic":  # as hatch-vcs projects state it (the lock records no version for the project)
        pyproject = backend / "pyproject.toml"
        pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'dynamic = ["version"]'))
    project = render(runtime="python", backend_path=str(backend))

    if refused:
        assert _refused(project) == (
            "error: app/settings.py reads the installed metadata of the backend's own project (version(\"api\")), "
            "whose version only its build computes (pyproject.toml states none), and the image never builds the "
            "project, so the start would fail with PackageNotFoundError: state the version in pyproject.toml, or "
            "read it from a file or a constant.\n")
    else:
        space_tools(project, "check")  # ok


# As assafelovic/gpt-researcher's last commits left one module: annotations naming typing's Any and List, imported
# further down. Its .python-version's 3.11 evaluates them as the def runs: NameError at import, after `check` said ok.
QUERIES = """\
import json


def normalize_sub_queries(parsed: Any, fallback_query: str) -> List[str]:
    if isinstance(parsed, str):
        parsed = json.loads(parsed)
    return [query for query in parsed if isinstance(query, str)] or [fallback_query]


from typing import Any, List
"""


@pytest.mark.parametrize("future, python, refused", [(False, "3.13", True), (True, "3.13", False),
                                                     (False, "3.14", False)],
                         ids=["evaluated-at-import", "future-annotations", "python-3.14-defers-them"])
def test_an_annotation_naming_what_the_module_imports_only_later_is_refused_before_python_3_14(
        render, tmp_path, future, python, refused):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"')
    (backend / "app" / "main.py").write_text("from app.queries import normalize_sub_queries\n" + MAIN)
    (backend / "app" / "queries.py").write_text(("from __future__ import annotations\n\n" if future else "") + QUERIES)
    project = render(runtime="python", backend_path=str(backend), python_version=python)

    if refused:
        assert _refused(project) == (
            "error: app/queries.py:4 annotates with Any before the module imports or defines it, and Python 3.13 "
            "evaluates annotations as the module loads, so the start would fail with NameError: import it above that "
            "line (or add `from __future__ import annotations`).\n")
    else:
        space_tools(project, "check")  # ok


def test_names_a_lambda_binds_inside_an_annotation_are_its_own(render, tmp_path):
    # PrefectHQ/prefect's settings model: `home: Annotated[Path, BeforeValidator(lambda x: Path(x).expanduser())]`.
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"')
    (backend / "app" / "main.py").write_text("from app.settings import Settings\n" + MAIN)
    (backend / "app" / "settings.py").write_text(
        "from pathlib import Path\nfrom typing import Annotated\n\n"
        "from pydantic import BaseModel, BeforeValidator\n\n\nclass Settings(BaseModel):\n"
        "    home: Annotated[Path, BeforeValidator(lambda x: Path(x).expanduser())] = Path('~')\n"
        "    tags: Annotated[list[str], BeforeValidator(lambda v: [t for t in v if t])] = []\n")
    project = render(runtime="python", backend_path=str(backend))

    space_tools(project, "check")  # ok


@pytest.mark.parametrize("committed", [False, True], ids=["not-committed", "committed"])
def test_a_module_of_the_backends_own_package_that_it_lacks_is_refused(render, tmp_path, committed):
    # PrefectHQ/prefect's package opens with `from . import _build_info`, a file its build writes (versioningit) and
    # its .gitignore keeps out; its module __getattr__, defined further down, serves its lazy names only.
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"')
    (backend / "app" / "__init__.py").write_text(
        "from . import _build_info\n\n__version__ = _build_info.__version__\n\n\ndef __getattr__(name):\n"
        "    raise AttributeError(name)\n")
    (backend / "app" / "main.py").write_text(
        "from app.settings import PREFECT_API_URL\nfrom app import routes\n" + MAIN)
    (backend / "app" / "settings.py").write_text("def __getattr__(name):\n    return name\n")
    # All-Hands-AI/OpenHands' package extends its __path__ to the openhands-tools distribution's `openhands.tools`
    (backend / "app" / "plugins" / "__init__.py").parent.mkdir()
    (backend / "app" / "plugins" / "__init__.py").write_text("__path__ = __import__('pkgutil').extend_path(__path__, "
                                                             "__name__)\n")
    # MODSetter/SurfSense's task package defines a generic function in Python 3.12's syntax (`def run[T](...)`), which
    # an older Python running the tools can't parse; its other functions are no missing modules
    (backend / "app" / "tasks" / "__init__.py").parent.mkdir()
    (backend / "app" / "tasks" / "__init__.py").write_text(
        "def session_maker():\n    return None\n\n\ndef run[T](factory) -> T:\n    return factory()\n")
    (backend / "app" / "routes.py").write_text("from app.plugins import tools\nfrom app.tasks import session_maker\n")
    if committed:
        (backend / "app" / "_build_info.py").write_text('__version__ = "3.0"\n')
    project = render(runtime="python", backend_path=str(backend))

    if committed:
        space_tools(project, "check")  # ok: settings' names come from its __getattr__
    else:
        assert _refused(project) == (
            "error: app/__init__.py:1 imports app._build_info, a module the backend does not have (not committed? its "
            "build may write it), so the start would fail with ImportError: add it, or remove the import.\n")


# lnbits/lnbits is started by its own `lnbits` command, which makes its data and extensions folders (from its
# settings, which a Space's Variables may change) and then serves `lnbits.__main__:app`; the app lists the extensions
# folder as it starts (FileNotFoundError in a Space that serves it alone).
LAUNCHER = """\
from pathlib import Path

import uvicorn

from .settings import settings


def main():
    Path(settings.data_folder).mkdir(parents=True, exist_ok=True)
    Path(settings.extensions_path, "extensions").mkdir(parents=True, exist_ok=True)
    uvicorn.run("app.main:app", port=5000)
"""
SETTINGS = """\
import os


class Settings:
    data_folder = os.environ.get("DATA_FOLDER", "./data")
    extensions_path = "app"


settings = Settings()
"""


def _started_by_its_own_command(folder: Path, launcher: str) -> Path:
    backend = _locked(folder, '"fastapi>=0.115", "uvicorn>=0.30"')
    write_backend(backend, {"app/server.py": launcher, "app/settings.py": SETTINGS})
    pyproject = backend / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[project.scripts]\napi = "app.server:main"\n')
    return backend


def test_detect_answers_prestart_with_the_folders_the_projects_own_command_makes_before_serving(render, tmp_path):
    backend = _started_by_its_own_command(tmp_path / "backend", LAUNCHER)
    project = render(runtime="python", backend_path=str(backend))
    assert _refused(project) == (
        "error: the project's own `api` command (app/server.py) makes folders before it serves app.main:app, and "
        "the Space's start serves the app alone, so what the app expects of them would be missing: run "
        "`./space detect --write`, which answers prestart with those steps, or make the app do them.\n")

    space_tools(project, "detect", "--write")
    prestart = json.loads((project / "space.json").read_text())["prestart"]
    assert prestart == (
        'python -c "from pathlib import Path; from app.settings import settings; '
        "Path(settings.data_folder).mkdir(parents=True, exist_ok=True); "
        "Path(settings.extensions_path, 'extensions').mkdir(parents=True, exist_ok=True)\"")
    space_tools(project, "check")  # ok
    # the answer runs as the Space's pre-start does: in the backend's folder, the folders from the settings' values
    subprocess.run(["/bin/sh", "-c", prestart], cwd=backend, check=True, timeout=60,
                   env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(backend), "DATA_FOLDER": "kept"})
    assert (backend / "kept").is_dir() and (backend / "app" / "extensions").is_dir()


def test_a_projects_own_command_whose_folders_come_from_its_own_variables_needs_a_prestart_answered(render,
                                                                                                    tmp_path):
    launcher = LAUNCHER.replace("    Path(settings.data_folder)", "    data = settings.data_folder\n    Path(data)")
    backend = _started_by_its_own_command(tmp_path / "backend", launcher)
    project = render(runtime="python", backend_path=str(backend))
    assert "makes folders before it serves app.main:app" in _refused(project)
    space_tools(project, "detect", "--write")  # can't lift `Path(data)` out of the function: no answer
    assert "answer prestart with those steps (`copier update --defaults --data prestart='mkdir -p ...'`)" in (
        _refused(project))

    project = render(runtime="python", backend_path=str(backend), prestart="mkdir -p data app/extensions")
    space_tools(project, "check")  # ok


# letta-ai/letta's ORM base imports asyncpg's exceptions as it loads, and asyncpg is in its `postgres` extra (its own
# Dockerfile installs --all-extras); the image installs the main dependencies: `check` said ok, the pre-start stopped.
LOADS_AN_EXTRA = {
    "loaded": {"app/orm.py": "from asyncpg.exceptions import DeadlockDetectedError\n\nRETRIED = (DeadlockDetectedError,)\n"},
    "optional-import": {"app/orm.py": "try:\n    import asyncpg\nexcept ImportError:\n    asyncpg = None\n"},
    "never-loaded": {"app/orm.py": "RETRIED = ()\n", "app/plugins/pg.py": "import asyncpg\n"},
    # wandb/openui's util package imports its screenshots module (playwright, its `eval` extra) under `try`
    "optional-module": {"app/orm.py": "from app.util import dump\n\nRETRIED = ()\n",
                        "app/util/__init__.py": "try:\n    from .pg import dump\nexcept ImportError:\n\n"
                                                "    def dump(*args):\n        raise RuntimeError('install asyncpg')\n",
                        "app/util/pg.py": "import asyncpg\n\n\ndef dump(rows):\n    return asyncpg.Record\n"},
}


@pytest.mark.parametrize("shape, refused", [("loaded", True), ("optional-import", False), ("never-loaded", False),
                                            ("optional-module", False)])
def test_a_package_the_app_loads_that_only_an_extra_installs_is_refused(render, tmp_path, shape, refused):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"', extras='postgres = ["asyncpg>=0.30"]')
    write_backend(backend, {**LOADS_AN_EXTRA[shape], "app/main.py": "from app.orm import RETRIED\n" + MAIN
                            if shape != "optional-import" else "from app import orm\n" + MAIN})
    project = render(runtime="python", backend_path=str(backend))

    if refused:
        assert _refused(project) == (
            "error: app/orm.py imports asyncpg, which only the backend's `postgres` extra installs, and the image "
            "installs the main dependencies and the extras answered, so the start would fail with "
            "ModuleNotFoundError: run `./space detect --write`, which answers extras, or move asyncpg to the main "
            "dependencies.\n")
    space_tools(project, "detect", "--write")
    assert json.loads((project / "space.json").read_text())["extras"] == (["postgres"] if refused else [])
    space_tools(project, "check")  # ok


# zylon-ai/private-gpt imports httpx2, which no extra lists but mcp, in its `tool-mcp` extra, needs; its own
# Dockerfile installs its `core` extra (`ARG EXTRAS="core"`, then `uv sync --extra $extra` for each).
OWN_IMAGE = 'FROM python:3.11-slim\nARG EXTRAS="server"\nCOPY . /app\nWORKDIR /app\nRUN pip install uv && \\\n' \
            '    for extra in $EXTRAS; do flags="$flags --extra $extra"; done && uv sync --frozen --no-dev $flags\n'


def test_the_extras_the_backends_own_image_installs_and_those_that_install_what_the_app_loads_are_answered(
        render, tmp_path):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115"',
                      extras='server = ["uvicorn>=0.30"]\nclient = ["httpx>=0.27"]\ndev = ["pytest"]')
    write_backend(backend, {"Dockerfile": OWN_IMAGE, "app/tls.py": "import ssl\n\nimport certifi\n\n"
                            "CONTEXT = ssl.create_default_context(cafile=certifi.where())\n",
                            "app/main.py": "from app.tls import CONTEXT\n" + MAIN})
    project = render(runtime="python", backend_path=str(backend))

    shown = space_tools(project, "detect", "--write").stdout

    assert _answer(shown, "extras") == '["client", "server"]'
    assert "server: the backend's own Dockerfile installs it; client: app/tls.py imports certifi" in shown
    space_tools(project, "check")  # ok


def test_an_extra_a_pdm_lock_was_locked_without_is_answered_and_refused_until_locked(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        "pyproject.toml": '[project]\nname = "api"\nversion = "1"\nrequires-python = ">=3.11"\n'
                          'dependencies = ["fastapi", "uvicorn"]\n[project.optional-dependencies]\n'
                          'human = ["humanize"]\n[tool.pdm]\ndistribution = false\n',
        "main.py": "import humanize\n" + MAIN})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")
    pdm = re.search(r"PDM_VERSION=(\S+)", (project / "Dockerfile").read_text())[1]
    hishel = re.search(r"PDM_HISHEL_VERSION=(\S+)", (project / "Dockerfile").read_text())[1]
    subprocess.run([sys.executable, "-m", "uv", "tool", "run", "--quiet", "--from", f"pdm=={pdm}", "--with",
                    f"hishel=={hishel}", "pdm", "lock"], cwd=backend, check=True, capture_output=True, timeout=300)

    assert "main.py imports humanize, which only the backend's `human` extra installs" in _refused(project)
    space_tools(project, "detect", "--write")
    assert _refused(project) == ("error: extras names human, which pdm.lock was locked without, so `pdm sync` would "
                                 "refuse it: lock them too (`pdm lock -G human`) and commit pdm.lock.\n")


@pytest.mark.parametrize("manifest, extras, refused", ids=["undefined", "requirements"], argvalues=[
    ("uv.lock", ["postgres"], "error: extras names postgres, which pyproject.toml does not define (its extras: server):"
                              " fix the answer with `copier update --defaults --data 'extras=[\"server\"]'` (or run "
                              "`./space detect --write`).\n"),
    ("requirements.txt", ["server"], "error: extras names server, and the image installs requirements.txt, which "
                                     "installs what it lists: list their packages in requirements.txt, or answer "
                                     "`extras=[]`.\n"),
])
def test_extras_the_image_cannot_install_are_refused(render, tmp_path, manifest, extras, refused):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"', extras='server = ["granian"]')
    if manifest == "requirements.txt":
        (backend / "uv.lock").unlink()
        (backend / "pyproject.toml").unlink()
        write_backend(backend, {"requirements.txt": "fastapi>=0.115\nuvicorn>=0.30\n"})
    project = render(runtime="python", backend_path=str(backend), extras=extras)

    assert _refused(project) == refused


# All-Hands-AI/OpenHands serves ./frontend/build, which its frontend's toolchain writes and git ignores, as its
# module loads (under an `if` on SERVE_FRONTEND); hngprojects' boilerplate creates its static folder just before.
STATIC_MOUNTS = {
    "always": ('app.mount("/", StaticFiles(directory="./frontend/build", html=True), name="dist")\n', "refused"),
    "under-an-if": ('if os.getenv("SERVE_FRONTEND", "true").lower() == "true":\n'
                    '    app.mount("/", StaticFiles(directory="./frontend/build", html=True), name="dist")\n', "note"),
    "made-first": ('os.makedirs("frontend/build/images", exist_ok=True)\n'
                   'app.mount("/", StaticFiles(directory="frontend/build"), name="dist")\n', "ok"),
}


@pytest.mark.parametrize("shape", STATIC_MOUNTS)
def test_static_files_on_a_folder_the_backend_lacks_are_refused_or_noted(render, tmp_path, shape):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"')
    mount, verdict = STATIC_MOUNTS[shape]
    (backend / "app" / "main.py").write_text("import os\n\nfrom fastapi.staticfiles import StaticFiles\n" + MAIN
                                             + "\n" + mount)
    project = render(runtime="python", backend_path=str(backend))

    line = ("app/main.py:{} serves frontend/build with StaticFiles as the module loads, and the backend has no such "
            "folder (its frontend's build, or one git ignores?), so the start")
    if verdict == "refused":
        assert _refused(project).startswith("error: " + line.format(13))
    elif verdict == "note":
        assert ("note: " + line.format(14) + " fails with RuntimeError unless the condition around it skips the "
                "mount") in space_tools(project, "check").stdout
    else:
        assert "StaticFiles" not in space_tools(project, "check").stdout


STARLETTE_SETTINGS = 'from starlette.config import Config\n\nconfig = Config(".env")\nDEBUG = config("DEBUG", cast=bool, default=False)\n'


def test_a_settings_file_starlette_0_36_would_stop_the_start_without_is_refused(render, tmp_path):
    """FastAPI 0.109 holds Starlette at 0.36, the one release whose Config raised for a missing file; a Space has
    no .env, so the boilerplate that reads its own stopped at import."""
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN, "app/settings.py": STARLETTE_SETTINGS,
        "requirements.txt": "fastapi==0.109.2\nstarlette==0.36.3\nuvicorn==0.27.0\n"})
    project = render(runtime="python", backend_path=str(backend), python_version="3.12")

    assert _refused(project).startswith("error: app/settings.py gives Starlette's Config a settings file, and "
                                        "Starlette 0.36.3, from requirements.txt (resolved), stops the start")

    (backend / "requirements.txt").write_text("fastapi==0.115.6\nuvicorn==0.34.0\n")  # Starlette 0.41 only warns
    assert space_tools(project, "check").returncode == 0


def test_migrations_against_a_database_only_the_authors_compose_file_has_are_refused(render, tmp_path):
    """A tutorial's alembic.ini names the compose service `db`, and its env.py uses that URL as is."""
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN, "requirements.txt": "fastapi\nuvicorn\nalembic\nasyncpg\n",
        "alembic.ini": "[alembic]\nscript_location = migrations\n"
                       "sqlalchemy.url = postgresql+asyncpg://postgres:postgres@db:5432/foo\n",
        "migrations/env.py": 'from alembic import context\n\nconfig = context.config\n'
                             'url = config.get_main_option("sqlalchemy.url")\n'})
    project = render(runtime="python", backend_path=str(backend))
    space_tools(project, "detect", "--write")

    refused = _refused(project)

    assert refused.startswith("error: alembic.ini's sqlalchemy.url names a database at host db, which the Alembic "
                              "env.py uses as is"), refused
    assert "postgres:postgres" not in refused, "the URL's password is never shown"


def test_an_app_that_imports_its_own_tests_folder_is_refused_until_detect_lists_it(render, tmp_path):
    # As hngprojects/hng_boilerplate_python_fastapi_web's routes do: the image leaves tests/ out unless backend_files
    # lists it, so the start would stop on ModuleNotFoundError after `check` said ok.
    backend = write_backend(tmp_path / "backend", {
        "main.py": "from fastapi import FastAPI\n\nfrom api.routes import router\n\napp = FastAPI()\n"
                   "app.include_router(router)\n",
        "api/__init__.py": "",
        "api/routes.py": "from fastapi import APIRouter\n\nfrom tests.run_all_test import test_rout\n\n"
                         "router = APIRouter()\nrouter.include_router(test_rout)\n",
        "tests/__init__.py": "", "tests/run_all_test.py": "from fastapi import APIRouter\n\ntest_rout = APIRouter()\n",
        "requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")

    assert _refused(project) == ("error: api/routes.py imports tests, a folder the image leaves out unless "
                                 "backend_files lists it, so the app would stop at import: run `./space detect "
                                 "--write`, which adds it.\n")
    assert "backend/tests" in (project / ".dockerignore").read_text().splitlines()
    assert "backend_files [\"tests\"] (space.json: []) <- api/routes.py imports tests" in detected(project)

    space_tools(project, "detect", "--write")
    assert "backend/tests" not in (project / ".dockerignore").read_text().splitlines(), "the image holds it now"
    assert space_tools(project, "check").returncode == 0

    by_hand = render(runtime="python", backend_path=str(backend), asgi_app="main:app", backend_files=["./tests/"])
    assert "backend/tests" not in (by_hand / ".dockerignore").read_text().splitlines(), "`./tests/` is `tests`"
    assert space_tools(by_hand, "check").returncode == 0


def test_migrations_whose_alembic_only_a_dev_group_installs_are_not_run_at_start(render, tmp_path):
    # As vintasoftware/nextjs-fastapi-template's backend keeps alembic: its image never has it, so `alembic upgrade
    # head` as the pre-start stopped the start on "alembic: not found" after `check` said ok.
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30"', '"alembic>=1.14", "pytest>=8"')
    write_backend(backend, {"alembic.ini": "[alembic]\nscript_location = alembic_migrations\n",
                            "alembic_migrations/env.py": "from alembic import context\n",
                            "alembic_migrations/versions/0001_users.py": 'revision = "0001"\n'})
    project = render(runtime="python", backend_path=str(backend))

    assert "alembic.ini: its migrations need alembic, which the backend's main dependencies lack" in detected(project)
    space_tools(project, "detect", "--write")
    assert json.loads((project / "space.json").read_text())["prestart"] == ""
    assert space_tools(project, "check").returncode == 0

    answered = render(runtime="python", backend_path=str(backend), prestart="alembic upgrade head")
    assert _refused(answered) == ("error: prestart `alembic upgrade head` runs alembic, which uv.lock does not "
                                  "install in the image (it installs the main dependencies): move alembic to them, or "
                                  "answer prestart= and run the migrations yourself.\n")


@pytest.mark.parametrize(("entry", "fix"), [
    (PRISMA_FILES["src/index.ts"], "run the server on Node.js (`copier update --defaults --data js_runtime=node`)."),
    # As SaiAkashNeela/better-auth-postgres-starter's server: Bun serves its default export, so Node.js can't run it.
    ('import { Hono } from "hono";\nimport { auth } from "./auth";\n\nconst app = new Hono();\n'
     'app.on(["POST", "GET"], "/api/auth/*", (c) => auth.handler(c.req.raw));\n\n'
     "export default { port: 3000, fetch: app.fetch };\n",
     "the template can't build a Prisma client for a server only Bun runs yet."),
])
def test_prisma_on_bun_is_refused_with_the_fix_the_server_allows(render, tmp_path, entry, fix):
    backend = _bun(tmp_path / "backend", {**PRISMA_FILES, "src/index.ts": entry},
                   {"@prisma/client": "^6.16.0", "hono": "^4.6.0"}, scripts={"dev": "bun run --hot src/index.ts"})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts", js_runtime="bun",
                     prisma_schema="prisma/schema.prisma")

    assert _refused(project) == ("error: js_runtime is bun, and the image's build writes Prisma's client with npm, "
                                 f"which the Bun image lacks: {fix}\n")


# A backend written for its own image, whose code sits in /code (as FastAPI's documentation has it), keeps its files
# there by default; a Space's image has no /code (/app leads to its app folder: tests/test_database_folder.py).
OWN_IMAGE_PATHS = """\
import os

from fastapi import FastAPI
from pydantic_settings import BaseSettings

HISTORY = os.environ.get("HISTORY_DB_PATH", "/code/history/history.db")
STATE = os.getenv("TELEMETRY_STATE_PATH", "/code/history/telemetry.json")
API_PREFIX = os.getenv("API_PREFIX", "/api/v1")
MODELS_DIR = os.getenv("MODELS_DIR", "/tmp/models")
UPLOADS_DIR = os.getenv("UPLOADS_DIR", "/app/uploads")
app = FastAPI()


class Settings(BaseSettings):
    cache_dir: str = "/code/cache"


settings = Settings()
"""


def test_a_default_path_in_a_folder_the_image_lacks_is_a_value_to_give(render, tmp_path):
    backend = _locked(tmp_path / "backend", '"fastapi>=0.115", "uvicorn>=0.30", "pydantic-settings>=2.7"')
    (backend / "app" / "main.py").write_text(OWN_IMAGE_PATHS)
    project = render(runtime="python", backend_path=str(backend))

    written = space_tools(project, "detect", "--write").stdout
    assert_shows(" ".join(written.split()),
                 "HISTORY_DB_PATH Variable, required (its default /code/history/history.db is outside the image)",
                 "TELEMETRY_STATE_PATH Variable, required (its default /code/history/telemetry.json is outside the "
                 "image)", "API_PREFIX Variable, optional, default '/api/v1'",
                 "MODELS_DIR Variable, optional, default '/tmp/models'",
                 "UPLOADS_DIR Variable, optional, default '/app/uploads'",  # /app leads to the app's folder
                 "CACHE_DIR Variable, required (its default /code/cache is outside the image)")
    assert ("Its default in the code, /code/history/history.db, is in a folder the Space's image does not have: set a "
            "path in /tmp, or under /data with storage=bucket.") in (project / ".env.example").read_text()
    (project / ".env").write_text("HISTORY_DB_PATH=/tmp/history.db\n")
    assert _refused(project) == (
        "error: .env lacks required CACHE_DIR, TELEMETRY_STATE_PATH: `./space run` needs them, and `./space deploy` "
        "unless the Space already has them: add `CACHE_DIR=<value>` and `TELEMETRY_STATE_PATH=<value>` to .env (see "
        ".env.example).\n")
    (project / ".env").write_text("HISTORY_DB_PATH=/tmp/history.db\nTELEMETRY_STATE_PATH=/tmp/telemetry.json\n"
                                  "CACHE_DIR=/tmp/cache\n")
    space_tools(project, "check")  # ok


# Agenta-AI/agenta's api installs its own SDK and client from beside it (`[tool.uv.sources] agenta = { path =
# "../sdks/python", editable = true }`, in uv.lock as `source = { editable = "../sdks/python" }`): `check` said ok,
# and the image, which holds the backend alone, could never install them.
@pytest.mark.parametrize("manifest", ["uv", "requirements"])
def test_a_package_installed_from_a_folder_beside_the_backend_is_refused(render, tmp_path, manifest):
    write_backend(tmp_path / "sdks" / "python", {
        "pyproject.toml": '[project]\nname = "acme-sdk"\nversion = "0.1.0"\n\n[build-system]\nrequires = ["hatchling"]'
                          '\nbuild-backend = "hatchling.build"\n',
        "acme_sdk/__init__.py": ""})
    if manifest == "uv":
        backend = write_backend(tmp_path / "api", {"app/__init__.py": "", "app/main.py": MAIN, "pyproject.toml": (
            PYPROJECT.format(dependencies='"fastapi>=0.115", "uvicorn>=0.30", "acme-sdk"', dev="")
            + '\n[tool.uv.sources]\nacme-sdk = { path = "../sdks/python", editable = true }\n')})
        subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet"], cwd=backend, check=True, capture_output=True,
                       timeout=300)
        assert 'source = { editable = "../sdks/python" }' in (backend / "uv.lock").read_text()
    else:
        backend = write_backend(tmp_path / "api", {"app/__init__.py": "", "app/main.py": MAIN,
                                                   "requirements.txt": "fastapi==0.115.8\nuvicorn==0.34.0\n"
                                                                       "-e ../sdks/python\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert _refused(project) == (
        f"error: the backend installs {'acme-sdk (../sdks/python)' if manifest == 'uv' else '../sdks/python'} from a "
        "folder outside it, which the image never has, so the install would fail: depend on a published release, or "
        "move the folder into the backend.\n")
