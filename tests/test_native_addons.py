"""A Better Auth server whose dependencies load compiled code (here argon2 password hashing, an npm package
with prebuilt `.node` binaries) can't be one bundle: the build finds that by itself and ships the production
node_modules beside it, saying what that costs; users sign up and sign in through the compiled code."""

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


def _backend(folder: Path, scripts: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "package.json").write_text(json.dumps({
        "name": "argon-auth", "type": "module", "main": "server.ts", "scripts": scripts,
        "dependencies": {"better-auth": "1.7.25", "@node-rs/argon2": "2.2.1"}}))
    (folder / "auth.ts").write_text(AUTH)
    (folder / "server.ts").write_text(SERVER)
    subprocess.run(["npm", "install", "--package-lock-only", "--no-audit", "--no-fund", "--ignore-scripts"],
                   cwd=folder, check=True, capture_output=True, timeout=300)
    return folder


# With a pre-start command the backend's folder ships with its node_modules, which the bundle then shares.
PRESTART = {"prestart": "node -e \"require('@node-rs/argon2').hashSync('warm up')\""}


@pytest.mark.docker
@pytest.mark.parametrize("scripts", [{}, PRESTART], ids=["bundle", "with-prestart"])
def test_a_native_add_on_ships_node_modules_and_signs_users_in(render, cli, tmp_path, scripts):
    space = make_space(render, "node", _backend(tmp_path / "backend", scripts), "native-add-on")
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
