"""A Better Auth server whose dependencies load compiled code (here argon2 password hashing, an npm package
with prebuilt `.node` binaries) can't be one bundle: the build finds that by itself and ships the production
node_modules beside it, saying what that costs; users sign up and sign in through the compiled code. An add-on
with no prebuilt binary to be had (better-sqlite3, as Better Auth's docs set it up) is compiled in the build stage,
and the image that runs it holds no compiler."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest

from harness import docker
from tests.support import figures
from tests.support.shapes import make_space, running, sign_up
from tests.test_code_imports import SERVER

AUTH = """\
import { DatabaseSync } from "node:sqlite";
import { hash, verify } from "@node-rs/argon2";
import { betterAuth } from "better-auth";

export const auth = betterAuth({
  database: new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db"),
  emailAndPassword: {
    enabled: true,
    password: { hash: (password) => hash(password), verify: ({ hash: digest, password }) => verify(digest, password) },
  },
});
"""


def _backend(folder: Path, scripts: dict[str, str], better_auth: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({
        "name": "argon-auth", "type": "module", "main": "server.ts", "scripts": scripts,
        "dependencies": {"better-auth": better_auth, "@node-rs/argon2": "2.2.1"}}))
    (folder / "auth.ts").write_text(AUTH)
    (folder / "server.ts").write_text(SERVER)
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--ignore-scripts"],
                   cwd=folder, check=True, capture_output=True, timeout=300)
    return folder


# With a pre-start command the backend's folder ships with its node_modules, which the bundle then shares.
PRESTART = {"prestart": "node -e \"require('@node-rs/argon2').hashSync('warm up')\""}


@pytest.mark.docker
# Better Auth before 1.5 keeps its migration in better-auth/db, which the start-up then imports from node_modules.
@pytest.mark.parametrize("scripts, better_auth", [({}, "1.7.25"), (PRESTART, "1.7.25"), ({}, "1.4.18")],
                         ids=["bundle", "with-prestart", "better-auth-1.4"])
def test_a_native_add_on_ships_node_modules_and_signs_users_in(render, cli, tmp_path, scripts, better_auth):
    space = make_space(render, "node", _backend(tmp_path / "backend", scripts, better_auth), "native-add-on")
    with running(cli, space) as url:
        assert sign_up(url)["user"]["email"] == "ada@example.com"
        request = urllib.request.Request(
            f"{url}/api/auth/sign-in/email", method="POST", headers={"content-type": "application/json", "origin": url},
            data=json.dumps({"email": "ada@example.com", "password": "a-long-password-1"}).encode())
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
            assert json.loads(response.read())["user"]["email"] == "ada@example.com"
        image = f"{space.settings['space_name']}:local"
        shipped = docker.docker("run", "--rm", "--network", "none", "--entrypoint", "ls", image,
                                "/app/node_modules/@node-rs").stdout.split()
        assert "argon2" in shipped and "argon2-linux-x64-gnu" in shipped
        link = docker.docker("run", "--rm", "--network", "none", "--entrypoint", "readlink", image,
                             "/app/node_modules", check=False).stdout.strip()
        assert link == ("backend/node_modules" if scripts else "")
        figures.record(f"native-add-on{' with prestart' if scripts else ''}: image {docker.image_size(image) / 1e6:.1f} MB with node_modules")


# Better Auth's docs' SQLite setup on Express, as a team writes it: its config in src/lib/auth.ts (not exported
# from the entry), better-sqlite3, TypeScript built with tsc. better-sqlite3's install fetches a prebuilt binary
# and, when none can be had (no network to its host, a platform without one), compiles itself with node-gyp.
EXPRESS_BETTER_SQLITE = {
    "package.json": json.dumps({
        "name": "auth-server", "version": "1.0.0", "type": "module", "main": "dist/index.js",
        "scripts": {"dev": "tsx watch src/index.ts", "build": "tsc", "start": "node dist/index.js"},
        "dependencies": {"better-auth": "1.7.25", "better-sqlite3": "^12.4.1", "express": "^5.1.0"},
        "devDependencies": {"@types/better-sqlite3": "^7.6.13", "@types/express": "^5.0.3", "tsx": "^4.20.6",
                            "typescript": "^5.9.3"}}, indent=2),
    "tsconfig.json": json.dumps({"compilerOptions": {
        "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext", "outDir": "dist", "strict": True,
        "esModuleInterop": True, "skipLibCheck": True}, "include": ["src"]}, indent=2),
    "src/lib/auth.ts": """\
import { betterAuth, logger } from "better-auth";
import Database from "better-sqlite3";

export const auth = betterAuth({
  database: new Database(process.env.DATABASE_PATH ?? "./sqlite.db"),
  emailAndPassword: {
    enabled: true,
  },
  databaseHooks: {
    user: { create: { after: async (user) => logger.info(`new user ${user.id}`) } },
  },
});
""",
    "src/index.ts": """\
import express from "express";
import { fromNodeHeaders, toNodeHandler } from "better-auth/node";
import { auth } from "./lib/auth.js";

const app = express();
const port = Number(process.env.PORT) || 3005;

app.all("/api/auth/*splat", toNodeHandler(auth));

// Mount express json middleware after Better Auth handler
app.use(express.json());

app.get("/api/me", async (req, res) => {
  const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
  res.json(session);
});

app.listen(port, () => {
  console.log(`Better Auth app listening on port ${port}`);
});
""",
}


@pytest.mark.docker
def test_better_sqlite3_compiles_in_the_build_stage_when_no_prebuilt_binary_can_be_had(render, cli, tmp_path):
    backend = tmp_path / "backend"
    for name, text in EXPRESS_BETTER_SQLITE.items():
        (backend / name).parent.mkdir(parents=True, exist_ok=True)
        (backend / name).write_text(text)
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--ignore-scripts"],
                   cwd=backend, check=True, capture_output=True, timeout=300)
    space = make_space(render, "node", backend, "express-better-sqlite3")

    with running(cli, space) as url:
        user = sign_up(url)
        assert user["user"]["email"] == "ada@example.com"
        cookie = user["set-cookie"].split(";")[0]
        request = urllib.request.Request(f"{url}/api/me", headers={"cookie": cookie})
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as response:
            assert json.loads(response.read())["user"]["email"] == "ada@example.com"
        image = f"{space.settings['space_name']}:local"
        addon = docker.docker("run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c",
                              "ls /app/node_modules/better-sqlite3/build/Release/better_sqlite3.node; "
                              "command -v g++ make python3 cc || echo 'no compiler'").stdout.split()
        assert addon == ["/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node", "no", "compiler"]
        figures.record(f"express-better-sqlite3: image {docker.image_size(image) / 1e6:.1f} MB with node_modules")
