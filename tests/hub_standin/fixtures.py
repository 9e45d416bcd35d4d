"""Fixtures for the deploy and local-run tests: a stand-in Hub, hand-made Space repos, and the CLI run as users run it.

tests/conftest.py loads them for every test module (`pytest_plugins`).
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from harness import docker
from harness.images import PYTHON_IMAGE

from .server import HubStandin

REPO = Path(__file__).resolve().parents[2]
SPACE_TOOLS = REPO / "common" / "space_tools"
SECRET_VALUE = "sk-test-SECRET-VALUE-7f3a9c"  # must never show up in any output
GREETING = "bonjour"

# A backend small enough to build in seconds: stdlib only, tells the test what the container saw.
APP = """\
import json, os, signal, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            body = {"status": "ok"}
        elif self.path == "/info":
            names = ("SPACE_ID", "SPACE_HOST", "SPACE_AUTHOR_NAME", "SPACE_REPO_NAME", "SPACE_TITLE",
                     "CPU_CORES", "MEMORY", "GREETING", "PORT")
            body = {name: os.environ.get(name) for name in names}
            body["uid"] = os.getuid()
            body["api_key_length"] = len(os.environ.get("API_KEY", ""))
            body["greeting_at_build"] = open("/build-greeting").read().strip()
            body["secret_at_build"] = open("/build-secret-check").read().strip()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        print("request", self.path, flush=True)


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # PID 1 has no default handler: stop as servers do
print("app starting on port", os.environ.get("PORT"), flush=True)
ThreadingHTTPServer(("0.0.0.0", int(os.environ.get("PORT", "7860"))), Handler).serve_forever()
"""

# Variables reach the build as build args; the Secret only as a BuildKit secret (required: the build fails without it).
DOCKERFILE = f"FROM {PYTHON_IMAGE}\n" + """\
RUN useradd --create-home --uid 1000 user
ARG GREETING=unset
RUN echo "$GREETING" > /build-greeting
RUN --mount=type=secret,id=API_KEY,required=true test -s /run/secrets/API_KEY && echo mounted > /build-secret-check
COPY --chown=1000:1000 backend/ /app/
WORKDIR /app
USER 1000
ENV PORT={port}
CMD {cmd}
"""
SERVE = '["python", "app.py"]'
NEVER_LISTENS = '["python", "-c", "import time; print(\'busy, never listening\', flush=True); time.sleep(3600)"]'

# The test Space's variables, as space.json declares them.
VARIABLES = {
    "GREETING": {"secret": False, "required": True, "default": "hello", "help": "What the app says."},
    "LOG_LEVEL": {"secret": False, "required": False, "default": "info", "help": "How much it logs."},
    "API_KEY": {"secret": True, "required": True, "default": "", "help": "Key for an upstream API."},
    "OPTIONAL_TOKEN": {"secret": True, "required": False, "default": "", "help": "A token nobody sets."},
}


@dataclass
class SpaceRepo:
    root: Path
    space_id: str

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    @property
    def settings(self) -> dict:
        return json.loads((self.root / "space.json").read_text())

    def write_settings(self, settings: dict) -> None:
        """space.json and the files the template renders from it (front matter, .env.example), in agreement."""
        self.write("space.json", json.dumps(settings, indent=2))
        front = {
            "title": settings["space_title"],
            "emoji": settings["emoji"],
            "colorFrom": settings["color_from"],
            "colorTo": settings["color_to"],
            "sdk": "docker",
            "app_port": settings["app_port"],
            "short_description": settings["short_description"],
            "startup_duration_timeout": settings["startup_duration_timeout"],
            "suggested_hardware": settings["hardware"],
        }
        if settings.get("hf_oauth"):
            front.update({key: settings[key] for key in ("hf_oauth", "hf_oauth_scopes", "hf_oauth_expiration_minutes")})
        self.write("README.md", f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n\n# {settings['space_name']}\n")
        # As the template writes it: a line to fill in for each Secret, other Variables' defaults commented out.
        self.write(".env.example", "".join(
            f"# {spec['help']}\n{'' if spec['secret'] or (spec['required'] and not spec['default']) else '# '}"
            f"{name}={spec['default']}\n" for name, spec in settings["variables"].items()
        ))

    def declare(self, name: str, *, secret: bool, required: bool = False, default: str = "", help: str = "") -> None:
        """Declare one more variable, as its owner would: in space.json and in .env.example."""
        settings = self.settings
        settings["variables"][name] = {"secret": secret, "required": required, "default": default, "help": help}
        self.write_settings(settings)

    def git_commit(self, message: str = "change") -> str:
        subprocess.run(["git", "add", "-A"], cwd=self.root, check=True, capture_output=True)
        subprocess.run(
            ["git", "commit", "-qm", message], cwd=self.root, check=True, capture_output=True, env=_git_env()
        )
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=self.root, check=True, capture_output=True, text=True
        ).stdout.strip()


def _git_env() -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }


@pytest.fixture
def make_space(tmp_path, request) -> Callable[..., SpaceRepo]:
    """A Space repo as the templates generate it (the contract), with a tiny stdlib app as its backend.

    The image and container a local run (a `docker`-marked test) makes of it (`<name>:local`, `<name>-local`) are
    removed afterwards.
    """
    names: list[str] = []

    def _make(
        *,
        name: str | None = None,
        owner: str = "alice",
        app_port: int = 7860,
        cmd: str = SERVE,
        dockerfile: str | None = None,
        env: dict[str, str] | None = None,
        startup: str = "30m",
        visibility: str = "public",
        hf_oauth: bool = False,
    ) -> SpaceRepo:
        name = name or f"space-{uuid.uuid4().hex[:8]}"
        names.append(name)
        root = tmp_path / name
        repo = SpaceRepo(root, f"{owner or 'alice'}/{name}")  # no owner: the token's user (alice on the stand-in)
        repo.write_settings({
            "runtime": "python",
            "space_name": name,
            "space_owner": owner,
            "space_title": f"Test {name}",
            "short_description": "A Space made by the tests",
            "emoji": "🧪",
            "color_from": "blue",
            "color_to": "gray",
            "license": "",
            "visibility": visibility,
            "hardware": "cpu-basic",
            "app_port": app_port,
            "base_path": "",
            "health_path": "/health",
            "startup_duration_timeout": startup,
            "dev_mode": False,
            "backend_path": "",
            "backend_files": [],
            "python_version": "3.13",
            "asgi_app": "app:app",
            "variables": dict(VARIABLES),
            **({"hf_oauth": True, "hf_oauth_scopes": ["openid", "profile"], "hf_oauth_expiration_minutes": 480}
               if hf_oauth else {}),
        })
        values = {"GREETING": GREETING, "API_KEY": SECRET_VALUE} if env is None else env
        repo.write(".env", "".join(f"{k}={v}\n" for k, v in values.items()))
        repo.write("Dockerfile", dockerfile or DOCKERFILE.format(port=app_port, cmd=cmd))
        repo.write(".dockerignore", "*\n!Dockerfile\n!backend/\n**/__pycache__\n**/dist\n")
        repo.write(".gitignore", ".env\n.env.*\n!.env.example\n/backend/\n__pycache__/\n")
        repo.write("backend/app.py", APP)
        # The backend checks want a manifest naming uvicorn; this app runs on the stdlib, so nothing is installed.
        repo.write("backend/requirements.txt", "uvicorn\n" + ("huggingface_hub[oauth]\n" if hf_oauth else ""))
        repo.write(".github/workflows/deploy.yml", "name: deploy\n")
        shutil.copytree(SPACE_TOOLS, root / "space_tools", ignore=shutil.ignore_patterns("__pycache__"))
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
        repo.git_commit("generated")
        return repo

    yield _make
    if request.node.get_closest_marker("docker") is None:
        return
    for name in names:
        docker.docker("rm", "--force", f"{name}-local", check=False)
        docker.docker("rm", "--force", f"{name}-local-sign-in", check=False)  # with hf_oauth
        docker.remove_image(f"{name}:local")


@pytest.fixture
def hub(monkeypatch):
    """A running stand-in Hub (scripted runtimes unless a test sets `hub.runtime_factory`)."""
    monkeypatch.setenv("DOCKER", docker.client())  # the real runtime builds with space_tools' docker client
    standin = HubStandin().start()
    yield standin
    standin.stop()


@pytest.fixture
def deployed(hub, make_space, cli) -> SpaceRepo:
    """A Space repo deployed once to the stand-in Hub (scripted: RUNNING and healthy)."""
    repo = make_space()
    result = cli(repo, "deploy", "--poll-interval", "0.1", "--yes", hub=hub)
    assert result.returncode == 0, result.output
    return repo


@dataclass
class Result:
    returncode: int
    output: str  # stdout and stderr together, as a user reads them


@pytest.fixture
def cli(tmp_path) -> Callable[..., Result]:
    """`python -m space_tools ARGS` run inside the Space repo, against `hub` when given."""
    hf_home = tmp_path / "hf-home"

    def _run(
        repo: SpaceRepo,
        *args: str,
        hub: HubStandin | None = None,
        token: str | None = "valid",
        extra_env: dict[str, str] | None = None,
        timeout: float = 900,
        terminal_input: str | None = None,
        interrupt_after: str | None = None,
    ) -> Result:
        """`interrupt_after`: press Ctrl-C once a line of the output contains that text (a command that follows)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
        env.update(
            {
                "DOCKER": docker.client(),
                "HF_HOME": str(hf_home),
                "XDG_STATE_HOME": str(tmp_path / "state"),  # deploy's record of sent Secrets, per test
                "HF_HUB_DISABLE_TELEMETRY": "1",
                "HF_HUB_DISABLE_PROGRESS_BARS": "1",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if hub is not None:
            env["HF_ENDPOINT"] = hub.url
            if token is not None:
                env["HF_TOKEN"] = hub.token if token == "valid" else token
        else:
            env["HF_ENDPOINT"] = (
                "http://127.0.0.1:9"  # nothing listens there: a command that must not call the Hub can't
            )
        env.update(extra_env or {})
        if interrupt_after is not None:
            return _interrupted(repo, args, env, interrupt_after, timeout)
        # A terminal on stdin (what a person types there), or none, as in CI.
        terminal, keyboard = pty.openpty() if terminal_input is not None else (None, None)
        if keyboard is not None:
            os.write(terminal, terminal_input.encode())
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "space_tools", *args],
                cwd=repo.root,
                env=env,
                timeout=timeout,
                stdin=keyboard if keyboard is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        finally:
            for fd in (terminal, keyboard):
                if fd is not None:
                    os.close(fd)
        return Result(completed.returncode, completed.stdout)

    return _run


def ctrl_c_as_at_a_terminal() -> None:
    """A command started from a terminal handles Ctrl-C; one that inherits an ignored SIGINT (a runner started in
    the background, a worker after a failed cleanup) never would: the next child starts with Ctrl-C handled."""
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _interrupted(repo: SpaceRepo, args, env: dict[str, str], text: str, timeout: float) -> Result:
    """Run the command until its output shows `text`, then SIGINT it, as Ctrl-C would."""
    ctrl_c_as_at_a_terminal()
    process = subprocess.Popen([sys.executable, "-m", "space_tools", *args], cwd=repo.root, env=env, text=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    output = []
    try:
        for line in process.stdout:
            output.append(line)
            if text in line:
                process.send_signal(signal.SIGINT)
                break
        output.append(process.stdout.read())
        process.wait()
    finally:
        timer.cancel()
    return Result(process.returncode, "".join(output))
