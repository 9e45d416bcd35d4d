"""A FastAPI app that prepares itself as it loads, as fastapi-practices/fastapi_best_architecture does: its settings
come from its own .env.example (copied to .env when there is none), Alembic's settings live in pyproject.toml
([tool.alembic], Alembic 1.16), its plugins' requirements files are installed with `uv pip install` unless already
installed, and its uv.lock is formatted by tombi (TOML 1.1: a table spread over lines), which Python's own TOML
reader can't read. detect answers the Alembic pre-start from pyproject.toml and lists the .env.example the app
opens, so the image holds it; `check` refuses the start's install until the plugins' packages are locked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running, write_backend

PYPROJECT = """\
[project]
name = "notes-api"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["fastapi>=0.115", "sqlalchemy>=2.0", "alembic>=1.16", "pydantic-settings>=2.4", "packaging>=24"{more}]

[tool.alembic]
script_location = "%(here)s/backend/alembic"
prepend_sys_path = ["."]
"""
BACKEND = {
    "backend/__init__.py": "",
    "backend/.env.example": "# Copy to .env and adjust\nDATABASE_URL='sqlite:///./notes.db'\nGREETING='Hello'\n",
    "backend/core/__init__.py": "",
    "backend/core/path_conf.py": "from pathlib import Path\n\nBASE_PATH = Path(__file__).resolve().parent.parent\n"
                                 "ENV_FILE_PATH = BASE_PATH / '.env'\nENV_EXAMPLE_FILE_PATH = BASE_PATH / '.env.example'\n"
                                 "PLUGIN_DIR = BASE_PATH / 'plugin'\n",
    "backend/core/conf.py": """\
import shutil
from functools import cache

from pydantic_settings import BaseSettings, SettingsConfigDict

from backend.core.path_conf import ENV_EXAMPLE_FILE_PATH, ENV_FILE_PATH


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ENV_FILE_PATH, extra='ignore')

    DATABASE_URL: str
    GREETING: str


@cache
def get_settings() -> Settings:
    if not ENV_FILE_PATH.exists():
        shutil.copy(ENV_EXAMPLE_FILE_PATH, ENV_FILE_PATH)
    return Settings()


settings = get_settings()
""",
    "backend/plugin/__init__.py": "",
    "backend/plugin/humanizer/__init__.py": "",
    "backend/plugin/humanizer/requirements.txt": "humanize>=4\n",
    "backend/plugin/requirements.py": """\
import subprocess
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import Requirement

from backend.core.path_conf import PLUGIN_DIR


def _installed(requirements_file: Path) -> bool:
    for line in requirements_file.read_text().splitlines():
        try:
            distribution(Requirement(line).name)
        except PackageNotFoundError:
            return False
    return True


def install_requirements() -> None:
    for requirements_file in sorted(PLUGIN_DIR.glob('*/requirements.txt')):
        if not _installed(requirements_file):
            subprocess.check_call(['uv', 'pip', 'install', '-r', str(requirements_file)])
""",
    "backend/main.py": """\
import humanize
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from backend.core.conf import settings
from backend.plugin.requirements import install_requirements

install_requirements()

engine = create_engine(settings.DATABASE_URL)
app = FastAPI(title='Notes')


@app.get('/notes')
def notes() -> dict:
    with engine.connect() as connection:
        count = connection.execute(text('SELECT count(*) FROM notes')).scalar_one()
    return {'greeting': settings.GREETING, 'notes': humanize.apnumber(count)}
""",
    "backend/alembic.ini": "[loggers]\nkeys = root\n\n[handlers]\nkeys = console\n\n[formatters]\nkeys = generic\n\n"
                           "[logger_root]\nlevel = WARN\nhandlers = console\n\n[handler_console]\nclass = StreamHandler\n"
                           "args = (sys.stderr,)\nformatter = generic\n\n[formatter_generic]\nformat = %(message)s\n",
    "backend/alembic/script.py.mako": "",
    "backend/alembic/env.py": """\
from alembic import context
from sqlalchemy import create_engine

from backend.core.conf import settings

with create_engine(settings.DATABASE_URL).connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
""",
    "backend/alembic/versions/0001_notes.py": """\
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None


def upgrade() -> None:
    op.create_table('notes', sa.Column('id', sa.Integer, primary_key=True), sa.Column('text', sa.String))
""",
}


def _tombi_formatted(lock: Path) -> None:
    """Each file table spread over lines, as tombi formats a uv.lock (TOML 1.1)."""
    spread = re.sub(r"^sdist = \{ (.*) \}$", lambda m: "sdist = {\n  " + m[1].replace(", ", ",\n  ") + "\n}",
                    lock.read_text(), flags=re.M)
    lock.write_text(spread)


def _backend(folder: Path, more: str = "") -> Path:
    backend = write_backend(folder, {**BACKEND, "pyproject.toml": PYPROJECT.format(more=more)})
    subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet"], cwd=backend, check=True, capture_output=True,
                   timeout=300)
    _tombi_formatted(backend / "uv.lock")
    return backend


def test_an_app_that_installs_its_plugins_requirements_as_it_starts_is_refused_until_they_are_locked(render, tmp_path):
    space = make_space(render, "python", _backend(tmp_path / "notes"), "plugin-installs")
    space_tools(space.project, "detect", "--write")

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip() == (
        "error: backend/plugin/requirements.py:19 installs packages as the app starts, and the image's packages are "
        "fixed at its build, read-only to the app, so the start would fail installing humanize "
        "(backend/plugin/humanizer/requirements.txt): add them to the backend's dependencies and lock them.")


@pytest.mark.docker
def test_its_settings_migrations_and_plugins_reach_the_image_and_it_serves(render, cli, tmp_path):
    space = make_space(render, "python", _backend(tmp_path / "notes", ', "humanize>=4"'), "prepares-itself")

    with running(cli, space, {"DATABASE_URL": "sqlite:///./notes.db"}) as url:  # a Secret: its example never counts
        answer = docker.http_get(f"{url}/notes")

    assert answer == (200, b'{"greeting":"Hello","notes":"zero"}')
    assert (space.settings["prestart"], space.settings["backend_files"]) == (
        "alembic upgrade head", ["pyproject.toml", "backend/alembic", "backend/.env.example"])
    assert "!backend/backend/.env.example" in (space.project / ".dockerignore").read_text().splitlines()
