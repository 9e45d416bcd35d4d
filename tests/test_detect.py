"""`detect` reads what a backend's own files say (its app or entry file, the runtime's version, the variables its
code reads) from backends in the shapes teams write them, shows where each was read, and `--write` makes it the
answers the way Copier would, never over a file the user edited and never reading outside the backend."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, space_tools
from tests.support import copier_cli
from tests.support.shapes import assert_shows, detected, write_backend

PYDANTIC_SETTINGS = """\
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_")
    debug: bool = False
    signing_key: SecretStr
    items_per_page: int = Field(20, alias="PAGE_SIZE")
    upstream_url: str = Field(...)
"""
PACKAGE_MAIN = """\
import os

from fastapi import FastAPI

from shop.settings import Settings

settings = Settings()
api = FastAPI(title=os.getenv("SHOP_TITLE", "Shop"))
"""
NODE_SERVER = """\
import { createServer } from "node:http";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./auth";
const { GITHUB_CLIENT_ID, REGION = "eu" } = process.env;
const handle = toNodeHandler(auth);
createServer((req, res) => handle(req, res)).listen(Number(process.env.PORT ?? 3000));
"""
NODE_AUTH = """\
import { Pool } from "pg";
import { betterAuth } from "better-auth";

export const auth = betterAuth({
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  socialProviders: { github: { clientId: process.env.GITHUB_CLIENT_ID!, clientSecret: process.env["GITHUB_CLIENT_SECRET"]! } },
  appName: process.env.APP_NAME || "Shop",
});
"""


@pytest.fixture
def backend(tmp_path) -> Path:
    (tmp_path / "backend").mkdir()
    return tmp_path / "backend"


def _settings(project: Path) -> dict:
    return json.loads((project / "space.json").read_text())


def _files(project: Path) -> dict[str, bytes]:
    return {p.relative_to(project).as_posix(): p.read_bytes() for p in project.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_hf_single_file_app_is_found_with_the_variables_it_reads(render, backend):
    write_backend(backend, {
        "app.py": 'import os\nfrom fastapi import FastAPI\n\napp = FastAPI()\nMODEL = os.environ.get("MODEL_NAME", "gpt2")\n'
                  'TOKEN = os.environ["UPSTREAM_API_TOKEN"]\n',
        "requirements.txt": "fastapi\nuvicorn\n",
    })
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert "asgi_app app:app (space.json: app.main:app) <- app.py: app = FastAPI(...)" in shown
    assert "MODEL_NAME Variable, optional, default 'gpt2' <- read in app.py" in shown
    assert "UPSTREAM_API_TOKEN Secret, required <- read in app.py" in shown
    assert ("dependencies: requirements.txt (no lock: sync pins what uv resolves, as of its last commit when that "
            "resolves, in pylock.toml)") in shown
    assert "./space detect --write" in shown
    assert _settings(project)["asgi_app"] == "app.main:app", "detect alone writes nothing"


def test_write_makes_the_findings_the_answers_in_every_file_rendered_from_them(render, backend):
    write_backend(backend, {"app.py": "from fastapi import FastAPI\nimport os\napp = FastAPI()\nos.getenv('GREETING', 'hi')\n",
                     "requirements.txt": "fastapi\nuvicorn\n", ".python-version": "3.12\n"})
    project = render(runtime="python", backend_path=str(backend))

    written = space_tools(project, "detect", "--write").stdout

    assert "wrote .copier-answers.yml, .env.example, Dockerfile, README.md, space.json" in written
    settings = _settings(project)
    assert (settings["asgi_app"], settings["python_version"]) == ("app:app", "3.12")
    assert settings["variables"]["GREETING"] == {"secret": False, "required": False, "default": "hi",
                                                 "help": "Read in app.py."}
    assert "ARG PYTHON_IMAGE=python:3.12-slim" in (project / "Dockerfile").read_text()
    assert "GREETING=hi" in (project / ".env.example").read_text()
    assert "asgi_app: app:app" in (project / ".copier-answers.yml").read_text()
    assert "ok: the answers already say what the backend does." in detected(project)
    assert "note: the backend says" not in space_tools(project, "check").stdout


def test_a_package_app_with_pydantic_settings(render, backend):
    write_backend(backend, {"shop/__init__.py": "", "shop/main.py": PACKAGE_MAIN, "shop/settings.py": PYDANTIC_SETTINGS,
                     "pyproject.toml": '[project]\nname = "shop"\nversion = "1"\nrequires-python = ">=3.12,<3.14"\n'
                                       'dependencies = ["fastapi", "uvicorn", "pydantic-settings"]\n'})
    project = render(runtime="python", backend_path=str(backend), python_version="3.11")

    shown = detected(project)

    assert_shows(shown,
           "asgi_app shop.main:api (space.json: app.main:app) <- shop/main.py: api = FastAPI(...)",
           "python_version 3.13 (space.json: 3.11) <- requires-python >=3.12,<3.14 (pyproject.toml): "
           "the newest offered that fits",
           "SHOP_DEBUG Variable, optional, default 'false' <- read in shop/settings.py (Settings)",
           "SHOP_SIGNING_KEY Secret, required <- read in shop/settings.py (Settings)",
           "PAGE_SIZE Variable, optional, default '20'",
           "SHOP_UPSTREAM_URL Variable, required <- read in shop/settings.py (Settings)",
           "SHOP_TITLE Variable, optional, default 'Shop' <- read in shop/main.py",
           "dependencies: pyproject.toml without a lock")


def test_no_offered_python_fits_says_so_and_names_the_fix(render, backend):
    write_backend(backend, {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n",
                     "pyproject.toml": '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.15"\n'})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert "python_version ? <- requires-python >=3.15 (pyproject.toml)" in shown
    assert "none of the template's Pythons (3.10, 3.11, 3.12, 3.13, 3.14) satisfies it: widen requires-python" in shown


def test_a_node_server_built_to_dist_with_its_auth_in_a_second_file(render, backend):
    write_backend(backend, {
        "package.json": json.dumps({"scripts": {"build": "tsc", "start": "node dist/server.js"},
                                    "engines": {"node": ">=20 <25"}, "dependencies": {"better-auth": "^1.5.0", "pg": "^8"}}),
        "src/server.ts": NODE_SERVER, "src/auth.ts": NODE_AUTH,
    })
    project = render(runtime="node", backend_path=str(backend), node_version="26")

    shown = detected(project)

    assert_shows(shown,
           'entry_file src/server.ts (space.json: auth-server.ts) <- package.json scripts.start: "node dist/server.js"',
           'node_version 24 (space.json: 26) <- package.json engines.node ">=20 <25": the newest offered',
           "database postgres (space.json: sqlite) <- the code uses pg",
           "GITHUB_CLIENT_ID Variable, required <- read in src/auth.ts",
           "GITHUB_CLIENT_SECRET Secret, required <- read in src/auth.ts",
           "APP_NAME Variable, optional, default 'Shop'",
           "REGION Variable, optional, default 'eu' <- read in src/server.ts")
    assert "DATABASE_URL" not in shown and "PORT " not in shown, "the template's own variables are not the app's"


def test_node_version_files_win_over_engines(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "index.js", "engines": {"node": "*"}}),
                     "index.js": "require('http').createServer().listen(process.env.PORT)\n", ".nvmrc": "v22.11.0\n"})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert "entry_file index.js (space.json: auth-server.ts) <- package.json main: \"index.js\"" in shown
    assert "node_version 22 (space.json: 24) <- .nvmrc: v22.11.0" in shown


def test_write_refuses_over_an_edited_file_and_writes_nothing(render, backend):
    write_backend(backend, {"app.py": "from fastapi import FastAPI\napp = FastAPI()\n", "requirements.txt": "uvicorn\n"})
    project = render(runtime="python", backend_path=str(backend))
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# our own line\n")
    before = _files(project)

    result = space_tools(project, "detect", "--write", check=False)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: Dockerfile changed since Copier rendered them, so nothing was written")
    assert _files(project) == before


def test_only_the_backend_is_read_never_a_link_out_nor_a_real_env(render, backend, tmp_path):
    (tmp_path / "elsewhere.py").write_text('import os\nos.environ["LEAKED_FROM_OUTSIDE"]\n')
    write_backend(backend, {"app.py": "from fastapi import FastAPI\napp = FastAPI()\n", "requirements.txt": "uvicorn\n",
                     ".env": "FROM_THE_REAL_ENV=a-real-value\n", ".env.example": "STRIPE_API_KEY=\nFEATURE_FLAGS=a,b\n"})
    (backend / "linked.py").symlink_to(tmp_path / "elsewhere.py")
    (backend / "outside").symlink_to(tmp_path, target_is_directory=True)
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert "LEAKED_FROM_OUTSIDE" not in shown and "FROM_THE_REAL_ENV" not in shown and "a-real-value" not in shown
    assert "STRIPE_API_KEY Secret, optional <- read in .env.example" in shown
    assert "FEATURE_FLAGS Variable, optional <- read in .env.example" in shown


def test_a_backend_at_its_repositorys_root_is_read_without_the_spaces_it_holds(tmp_path):
    repo = write_backend(tmp_path / "repo", {
        "app.py": 'import os\nfrom fastapi import FastAPI\n\napp = FastAPI()\nREGION = os.environ.get("REGION", "eu")\n',
        "requirements.txt": "fastapi\nuvicorn\n",
    })
    for name in ("api", "worker"):  # a sibling Space is no more the backend's code than this one
        copied = copier_cli.copier_copy(repo / "spaces" / name, REPO / "examples" / "answers" / "python.yml",
                                        backend_path="../..", backend_files='["app.py", "requirements.txt"]',
                                        space_name=name)  # fmt: skip
        assert copied.returncode == 0, copied.stderr

    shown = detected(repo / "spaces" / "api")

    assert "REGION Variable, optional, default 'eu' <- read in app.py" in shown
    assert "spaces/" not in shown, "nothing the template wrote is read as the backend's code"


def test_check_names_what_the_code_reads_but_space_json_does_not_declare(render, backend):
    write_backend(backend, {"app.py": 'import os\nfrom fastapi import FastAPI\napp = FastAPI()\nos.environ["OPENAI_API_KEY"]\n',
                     "requirements.txt": "uvicorn\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="app:app")

    shown = space_tools(project, "check").stdout

    assert ("note: the code reads OPENAI_API_KEY, which space.json does not declare, so neither .env nor deploy "
            "sets them.") in shown
    assert shown.strip().splitlines()[-1].startswith("ok: ")


def test_code_that_would_misbehave_on_spaces_is_warned_about(render, backend):
    write_backend(backend, {"app.py": "import os, secrets\nfrom fastapi import FastAPI\n\n"
                               'SIGNING_KEY = os.getenv("SIGNING_KEY", secrets.token_urlsafe(32))\n'
                               'DB_URL = "sqlite:////data/app.db"\napp = FastAPI()\n',
                     "requirements.txt": "uvicorn\n"})
    one_worker = render(runtime="python", backend_path=str(backend), asgi_app="app:app")
    two_workers = render(runtime="python", backend_path=str(backend), asgi_app="app:app", workers=2)

    shown = space_tools(two_workers, "check").stdout

    assert ("warning: app.py makes SIGNING_KEY at random (secrets.token_urlsafe) in each process, and workers=2 "
            "gives each worker its own, so what one signs the others refuse: read it from a Secret, or keep "
            "workers=1.") in shown
    assert ("warning: app.py names /data/app.db, outside HOME and /app, which uid 1000 can't write on Spaces: "
            "use a path under HOME or one a Variable sets.") in shown
    assert "at random" not in space_tools(one_worker, "check").stdout, "one process has one key"


def test_a_node_server_on_a_fixed_port_is_served_on_that_port(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "server.js"}),
                     "server.js": "require('http').createServer().listen(3000);\n"})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert "app_port 3000 (space.json: 7860) <- server.js listens on port 3000, whatever PORT says" in shown
    assert "listens on port 3000, not PORT" not in shown


def test_a_fixed_port_outside_what_the_entry_imports_is_warned_about(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "server.js"}),
                            "server.js": "require('http').createServer().listen(Number(process.env.PORT));\n",
                            "tools/mock-mail.js": "require('http').createServer().listen(1025);\n"})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert "app_port 1025" not in shown
    assert ("warning: tools/mock-mail.js listens on port 1025, not PORT: Spaces routes to app_port, so read "
            "process.env.PORT.") in shown



def _at_a_terminal(project: Path, typed: bytes) -> str:
    """`detect` run at a pseudo-terminal, typing `typed` when it asks; everything it showed."""
    primary, secondary = os.openpty()
    process = subprocess.Popen([sys.executable, "-m", "space_tools", "detect"], cwd=project,
                               stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    shown = b""
    while b"[y/N] " not in shown:
        shown += os.read(primary, 4096)
    os.write(primary, typed)
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when detect exits
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert process.wait(timeout=120) == 0
    return shown.decode()


def test_at_a_terminal_the_summary_asks_and_only_a_yes_writes(render, backend):
    write_backend(backend, {"app.py": "from fastapi import FastAPI\napp = FastAPI()\n", "requirements.txt": "uvicorn\n"})
    project = render(runtime="python", backend_path=str(backend))

    declined = _at_a_terminal(project, b"\n")
    assert "Make asgi_app what the backend says? [y/N]" in declined and _settings(project)["asgi_app"] == "app.main:app"
    accepted = _at_a_terminal(project, b"y\n")
    assert "wrote .copier-answers.yml" in accepted and _settings(project)["asgi_app"] == "app:app"
