"""The first hour of a new user, as the README's quick start says it, on a fresh repository holding a backend of each
runtime written here as a person writes one: `copier copy`, `./space detect --write`, `cp .env.example .env` with its
Secrets filled in, `./space run`, one answer changed with `copier update`, `./space run` again, `./space deploy` to
the stand-in Hub (tests/hub_standin, whose real runtime builds and runs the upload with Docker), `./space status`.
It fails on any conflict, any traceback or warning, and any value the app gets, locally or on the Space, that is
not what space.json or .env says. (The commands run as `python -m space_tools`, what `./space` runs:
tests/test_tool_install.py covers the launcher.)"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from space_tools.dotenv_files import read_env_file

from harness import docker
from tests.conftest import AUTH_SECRET, REPO, TEST_SECRET
from tests.hub_standin import RealRuntime
from tests.hub_standin.fixtures import SpaceRepo
from tests.support.shapes import npm_lock, write_backend

pytestmark = pytest.mark.docker

PYTHON_APP = """\
import os

from fastapi import FastAPI

SECRET_KEY = os.environ["SECRET_KEY"]
GREETING = os.getenv("GREETING", "hello")

app = FastAPI(title="Tasks")


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/info")
def info():
    return {"GREETING": GREETING, "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY"),
            "SECRET_KEY": len(SECRET_KEY)}
"""
NODE_SERVER = """\
import { createServer } from "node:http";
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { toNodeHandler } from "better-auth/node";

const greeting = process.env.GREETING ?? "hello";

export const auth = betterAuth({
  database: new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db"),
  emailAndPassword: { enabled: true },
});

const handle = toNodeHandler(auth);
createServer((req, res) => {
  if (req.url === "/info") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({
      GREETING: greeting,
      DATABASE_PATH: process.env.DATABASE_PATH ?? null,
      BETTER_AUTH_SECRET: (process.env.BETTER_AUTH_SECRET ?? "").length,
    }));
    return;
  }
  handle(req, res);
}).listen(Number(process.env.PORT ?? 3000));
"""
BACKENDS = {
    "python": {"requirements.txt": "fastapi\nuvicorn\n", "main.py": PYTHON_APP},
    "node": {"package.json": json.dumps({"name": "tasks-auth", "private": True, "type": "module", "main": "server.ts",
                                         "dependencies": {"better-auth": "^1.7.25"}}, indent=2) + "\n",
             "server.ts": NODE_SERVER},
}
SECRETS = {"python": {"SECRET_KEY": TEST_SECRET}, "node": {"BETTER_AUTH_SECRET": AUTH_SECRET}}
# The answer each changes after its first run (the README's own example for Python; for Node the default of the
# variable the code reads), and the Variable whose value must follow it.
CHANGED = {"python": ("workers", "2", "WEB_CONCURRENCY", "2"), "node": ("env_vars", None, "GREETING", "bonjour")}


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"})


def _copier(cwd: Path, *args: str) -> str:
    """Copier's command line, as the user types it; what it printed, which must hold no traceback or warning."""
    result = subprocess.run([sys.executable, "-m", "copier", *args], cwd=cwd, capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Warning" not in result.stderr, result.stderr
    return result.stderr


def _ok(result) -> str:
    assert result.returncode == 0, result.output
    assert "Traceback" not in result.output and not re.search(r"(?m)^error:", result.output), result.output
    return result.output


def _expected(space: Path) -> dict[str, str]:
    """What the app must see: each variable's value in .env, else its default in space.json (if it has one)."""
    local = read_env_file(space / ".env")
    variables = json.loads((space / "space.json").read_text())["variables"]
    return {name: local.get(name) or spec["default"] for name, spec in variables.items()
            if local.get(name) or spec["default"]}


def _seen(url: str, expected: dict[str, str], secrets: dict[str, str]) -> None:
    """The app's own /info: each Variable it reads as expected, each Secret of the expected length."""
    status, body = docker.http_get(url + "/info")
    info = json.loads(body)
    assert status == 200
    for name, value in info.items():
        assert value == (len(secrets[name]) if name in secrets else expected.get(name)), (name, info, expected)


def _run_locally(cli, repo: SpaceRepo, expected: dict[str, str], secrets: dict[str, str]) -> None:
    port = docker.free_port()
    _ok(cli(repo, "run", "--network", "host", "--detach", "--port", str(port)))
    try:
        _seen(f"http://127.0.0.1:{port}", expected, secrets)
    finally:
        _ok(cli(repo, "stop"))


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_first_hour_from_a_fresh_repository_to_a_healthy_deployed_space(runtime, tmp_path, hub, cli):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.5, startup_timeout_s=300)
    team = tmp_path / "team"
    write_backend(team / "backend", BACKENDS[runtime])
    if runtime == "node":
        npm_lock(team / "backend")  # the lock a team commits
    _git(team, "init", "-q", "-b", "main")
    _git(team, "add", "-A")
    _git(team, "commit", "-q", "-m", "our backend")
    name = f"first-hour-{runtime}-{uuid.uuid4().hex[:6]}"
    space = team / "spaces" / name
    repo = SpaceRepo(space, f"alice/{name}")
    secrets = SECRETS[runtime]
    try:
        # copier copy, then detect --write: the backend's own files make the answers
        _copier(team, "copy", "--defaults", "--vcs-ref", "HEAD", "--data", f"runtime={runtime}", "--data",
                "backend_path=../../backend", "--data", f"space_name={name}", "--data", "space_owner=alice",
                str(REPO), f"spaces/{name}")
        _ok(cli(repo, "detect", "--write"))
        assert "GREETING" in json.loads((space / "space.json").read_text())["variables"]

        # cp .env.example .env, the Secrets filled in: the only lines that hold a value
        example = (space / ".env.example").read_text()
        filled = re.sub(r"(?m)^(\w+)=$", lambda m: f"{m[1]}={secrets.get(m[1], '')}", example)
        (space / ".env").write_text(filled)
        assert read_env_file(space / ".env") == secrets
        checked = _ok(cli(repo, "check"))
        assert checked.splitlines()[-1].startswith(f"ok: {name} ({runtime})")
        _run_locally(cli, repo, _expected(space), secrets)

        # one answer changed with copier update, on a committed repository as Copier needs
        _git(team, "add", "-A")
        _git(team, "commit", "-q", "-m", "the Space, copied and detected")
        answer, value, variable, becomes = CHANGED[runtime]
        if value is None:  # env_vars: the whole answer again, one default changed
            variables = json.loads((space / "space.json").read_text())["variables"]
            value = json.dumps({"GREETING": {**variables["GREETING"], "default": becomes}})
        said = _copier(space, "update", "--defaults", "--vcs-ref", "HEAD", "--data", f"{answer}={value}")
        assert f"Updated {name}" in said and "starter" not in said
        conflicted = [str(path) for path in space.rglob("*") if path.is_file() and ".git" not in path.parts
                      and re.search(r"(?m)^<<<<<<< ", path.read_text(errors="replace"))]
        assert conflicted == [] and not list(space.rglob("*.rej"))
        expected = _expected(space)
        assert expected[variable] == becomes, "the new default applies: .env holds no copy of the old one"
        _run_locally(cli, repo, expected, secrets)

        # deploy to the Hub (the stand-in), then status
        _git(team, "add", "-A")
        _git(team, "commit", "-q", "-m", f"{answer} changed")
        deployed = _ok(cli(repo, "deploy", "--poll-interval", "0.2", "--yes", hub=hub))
        assert f"{variable}={becomes} (space.json)" in deployed and "over space.json's" not in deployed
        on_hub = hub.space(repo.space_id)
        variables = json.loads((space / "space.json").read_text())["variables"]
        assert {key: item["value"] for key, item in on_hub.variables.items()} == {
            key: text for key, text in expected.items() if not variables[key]["secret"]}
        assert {key: item["value"] for key, item in on_hub.secrets.items()} == secrets
        _seen(deployed.split("Live at ")[1].split()[0], expected, secrets)
        status = _ok(cli(repo, "status", hub=hub))
        assert status.splitlines()[0] == f"{repo.space_id}: RUNNING"
    finally:
        docker.docker("rm", "--force", f"{name}-local", check=False)
        docker.remove_image(f"{name}:local")
