"""Better Auth servers that differ from the example each get a clear path or a clear error, never a broken image.

A server run with tsx and no build script, from an entry other than auth-server.ts; a schema made with the
Better Auth CLI; a project without (or with a stale) package-lock.json; a server that makes its Better Auth
instance only on the first request.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from harness import docker
from tests.support import listening
from tests.conftest import AUTH_SECRET, copy_node_backend, node_example_answers, space_tools
from tests.support import node

HEALTH = "/api/auth/ok"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def backend(tmp_path) -> Path:
    return copy_node_backend(tmp_path / "backend")


def _edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n")


def _refused(project: Path, message: str) -> str:
    result = space_tools(project, "check", check=False)
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    return result.stderr


def _start(tag: str, *, volumes: dict[str, str] | None = None, **env: str) -> tuple[docker.Container, str]:
    port = docker.free_port()
    base = f"http://127.0.0.1:{port}"
    container = docker.run(tag, env={"PORT": str(port), "BETTER_AUTH_SECRET": AUTH_SECRET, "BETTER_AUTH_URL": base,
                                     **env}, volumes=volumes)
    return container, base


def _data_folder(tmp_path: Path) -> Path:
    """A folder to mount at /home/node/data, owned by uid 1000 as the image's own folder is."""
    data = tmp_path / "data"
    data.mkdir(parents=True)
    os.chown(data, 1000, 1000)
    return data


@pytest.mark.docker
def test_tsx_server_with_another_entry_and_no_build_script(render_session, built_images, auth_client, tmp_path):
    """src/server.ts, started with tsx in development, no build script, trusted origins left to the Space."""
    backend = copy_node_backend(tmp_path / "backend")
    (backend / "src").mkdir()
    server = (backend / "auth-server.ts").read_text()
    server = re.sub(r"\n  trustedOrigins: .*?\.filter\(Boolean\),", "", server, flags=re.DOTALL)
    assert "trustedOrigins" not in server
    (backend / "src" / "server.ts").write_text(server)
    (backend / "auth-server.ts").unlink()
    _edit_json(backend / "package.json", lambda manifest: manifest.update(scripts={"start": "tsx src/server.ts"}))

    project = render_session(**node_example_answers(backend, entry_file="src/server.ts"))
    tag = built_images("node-tsx-src-entry", project)
    container, base = _start(tag, TRUSTED_ORIGINS="https://app.example.test, https://admin.example.test")
    with container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        email = f"user-{uuid.uuid4().hex[:12]}@example.test"
        report = auth_client.run("full", baseURL=base, origin="https://app.example.test", email=email,
                                 password=PASSWORD, name="Tess")
        assert report["signUp"]["ok"] and report["session"]["email"] == email, "TRUSTED_ORIGINS reached Better Auth"
        other = auth_client.run("sign-in", baseURL=base, origin="https://elsewhere.example.test", email=email,
                                password=PASSWORD)
        assert (other["signIn"]["status"], other["signIn"]["code"]) == (403, "INVALID_ORIGIN")


@pytest.mark.docker
def test_schema_made_with_the_better_auth_cli(render_session, built_images, auth_client, example_node_project,
                                              node24, tmp_path):
    """migrate_on_start=false: the image leaves the schema alone; the team's own `auth migrate` makes it."""
    project = render_session(**node_example_answers(example_node_project, migrate_on_start=False))
    tag = built_images("node-cli-schema", project)

    empty = _data_folder(tmp_path / "empty")
    container, base = _start(tag, volumes={str(empty): "/home/node/data"})
    with container:
        docker.wait_http(base + HEALTH, status=500, container=container, timeout=30)
        assert "space: database schema" not in container.logs(), "nothing touches the schema at start"

    data = _data_folder(tmp_path / "migrated")
    database = data / "auth.db"
    migrate = subprocess.run(
        [str(node24 / "npm"), "run", "migrate"], cwd=example_node_project, capture_output=True, text=True, timeout=300,
        env=node.node_env(node24, DATABASE_PATH=str(database), PORT="0", BETTER_AUTH_SECRET=AUTH_SECRET),
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "migration was completed successfully" in migrate.stdout + migrate.stderr
    for path in data.iterdir():
        os.chown(path, 1000, 1000)

    container, base = _start(tag, volumes={str(data): "/home/node/data"})
    with container:
        docker.wait_http(base + HEALTH, container=container, timeout=30)
        email = f"user-{uuid.uuid4().hex[:12]}@example.test"
        report = auth_client.run("full", baseURL=base, origin=base, email=email, password=PASSWORD, name="Cleo")
        assert report["signUp"]["ok"] and report["session"]["email"] == email


def test_missing_lock_file_is_refused_with_the_way_out(render, backend):
    (backend / "package-lock.json").unlink()
    stderr = _refused(render(**node_example_answers(backend)),
                      "has no lock file (package-lock.json, pnpm-lock.yaml, yarn.lock or bun.lock), so the build can't")
    assert "run `npm install --package-lock-only` in the backend and commit the lock." in stderr


BERRY_LOCK = '__metadata:\n  version: {format}\n\n"better-auth@npm:^1.7.25":\n  version: 1.7.25\n  resolution: "{resolution}"\n'


def test_a_yarn_3_lock_without_packagemanager_is_refused_before_yarn_4_rewrites_it(render, backend):
    (backend / "package-lock.json").unlink()
    (backend / "yarn.lock").write_text(BERRY_LOCK.format(format=6, resolution="better-auth@npm:1.7.25"))
    project = render(**node_example_answers(backend))
    assert "`yarn set version 3.8.7`" in _refused(project, "was written by Yarn 2 or 3 (lock format 6)")
    _edit_json(backend / "package.json", lambda data: data.update(packageManager="yarn@3.8.7"))
    assert "dependencies: yarn.lock (yarn install --immutable)" in space_tools(project, "check").stdout


def test_a_yarn_lock_with_local_patches_is_refused(render, backend):
    (backend / "package-lock.json").unlink()
    patched = "better-auth@patch:better-auth@npm%3A1.7.25#~/.yarn/patches/better-auth-npm-1.7.25.patch"
    (backend / "yarn.lock").write_text(BERRY_LOCK.format(format=8, resolution=patched))
    _refused(render(**node_example_answers(backend)), "applies patches from .yarn/patches, which the image doesn't copy")


@pytest.mark.docker
def test_missing_lock_file_fails_a_plain_docker_build_with_the_same_advice(render):
    project = render(runtime="node")
    (project / "backend" / "package-lock.json").unlink()
    with pytest.raises(docker.BuildFailed) as failed:
        docker.build(project, docker.unique_tag("node-no-lock"))
    assert "the backend has no lock file (package-lock.json, pnpm-lock.yaml, yarn.lock or bun.lock)" in failed.value.log
    assert "create one with your package manager and commit it" in failed.value.log


@pytest.mark.docker
def test_stale_lock_is_refused_by_check_and_by_npm_ci(render, backend):
    add_dependency = lambda manifest: manifest["dependencies"].update({"left-pad": "^1.3.0"})  # noqa: E731
    _edit_json(backend / "package.json", add_dependency)
    _refused(render(**node_example_answers(backend)), "is out of date with package.json (dependencies differ: left-pad)")

    starter = render(runtime="node")
    _edit_json(starter / "backend" / "package.json", add_dependency)
    with pytest.raises(docker.BuildFailed) as failed:
        docker.build(starter, docker.unique_tag("node-stale-lock"))
    assert "can only install packages when your package.json and package-lock.json" in failed.value.log


def test_entry_file_that_is_not_there(render, backend):
    _refused(render(**node_example_answers(backend, entry_file="server.ts")), "entry_file 'server.ts' is not in")


def test_better_auth_only_in_dev_dependencies(render, backend):
    def move(manifest: dict) -> None:
        manifest["devDependencies"]["better-auth"] = manifest["dependencies"].pop("better-auth")

    _edit_json(backend / "package.json", move)
    _refused(render(**node_example_answers(backend)), "better-auth is only in devDependencies")


BROKEN_ENTRIES = {
    # migrate_on_start and iframe need the Better Auth instance while the server loads, in whichever module.
    "auth-made-on-first-request": (
        "let auth;\n"
        "createServer((req, res) => res.end(String(Boolean(auth ??= betterAuth({ emailAndPassword: { enabled: true } })))))\n"
        "  .listen(Number(process.env.PORT));\n",
        10,
        "space: server.mjs made no betterAuth(...) instance while loading, which migrate_on_start and iframe need",
    ),
    # A top-level `await` on listen() would wait forever for the held listen: the start says so instead.
    "awaits-listen": (
        "export const auth = betterAuth({ emailAndPassword: { enabled: true } });\n"
        "const server = createServer((req, res) => res.end());\n"
        "await new Promise((resolve) => server.listen(Number(process.env.PORT), resolve));\n",
        30,
        "space: server.mjs waits for its own server to listen while it loads (a top-level await)",
    ),
    # Better Auth's migration drives its built-in Kysely adapter only; on anything else it would exit 1.
    "adapter-migration": (
        "export const auth = betterAuth({ emailAndPassword: { enabled: true } });\n"
        "createServer((req, res) => res.end()).listen(Number(process.env.PORT));\n",
        10,
        "space: migrate_on_start: server.mjs's betterAuth() has no database (users would live in memory)",
    ),
    # Spaces routes app_port only: a server that ignores PORT is named at once, not after a 30-minute timeout.
    "hard-coded-port": (
        'import { DatabaseSync } from "node:sqlite";\n'
        'export const auth = betterAuth({ database: new DatabaseSync(":memory:"),\n'
        "  emailAndPassword: { enabled: true } });\n"
        "createServer((req, res) => res.end()).listen(39217);\n",
        10,
        "space: server.mjs listens on port 39217, not on PORT (",
    ),
}


@pytest.mark.docker
@pytest.mark.parametrize("case", BROKEN_ENTRIES, ids=BROKEN_ENTRIES)
def test_entry_the_wrapper_cannot_serve_stops_with_one_line(render_session, built_images, case):
    body, seconds, message = BROKEN_ENTRIES[case]
    project = render_session(runtime="node", entry_file="server.mjs")
    (project / "backend" / "server.mjs").write_text(
        'import { createServer } from "node:http";\nimport { betterAuth } from "better-auth";\n' + body
    )
    tag = built_images(f"node-{case}", project)
    container, _ = _start(tag)
    with container:
        assert container.wait_exit(timeout=seconds) == 78, container.logs()
        assert container.logs().strip().splitlines()[-1].startswith(message), container.logs()


@pytest.mark.docker
def test_a_server_that_listens_on_localhost_is_served_on_every_interface(render_session, built_images):
    """Express starters read HOST with 'localhost' as its default: in a container Spaces' proxy can't reach that."""
    project = render_session(runtime="node", entry_file="server.mjs")
    (project / "backend" / "server.mjs").write_text(
        'import { createServer } from "node:http";\nimport { DatabaseSync } from "node:sqlite";\n'
        'import { betterAuth } from "better-auth";\nimport { toNodeHandler } from "better-auth/node";\n\n'
        'export const auth = betterAuth({ database: new DatabaseSync(":memory:") });\n'
        'const HOST = process.env.HOST || "localhost";\nconst PORT = Number(process.env.PORT) || 3000;\n'
        "createServer(toNodeHandler(auth)).listen(PORT, HOST, () => console.log(`on http://${HOST}:${PORT}`));\n")
    tag = built_images("node-listens-on-localhost", project)
    port = docker.free_port()

    where, logs = listening.in_a_container_of_its_own(tag, {"BETTER_AUTH_SECRET": AUTH_SECRET}, port)

    assert where and where <= {"0.0.0.0", "::"}, where
    assert "space: the server asked to listen on localhost only" in logs