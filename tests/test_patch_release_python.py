"""A backend that pins one patch release of Python (teamhide's FastAPI boilerplate: Poetry's `python = "3.11.7"`)
runs on that release's image, python:3.11.7-slim, since Poetry installs on no other; check says the image never
gets the series' later fixes. The same backend reads ENV in two places with two defaults (a settings class's
"development", a factory's `os.getenv("ENV", "local")` that knows only local, test and prod): the Space sets
none, so each place keeps its own."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import assert_shows, detected, make_space, running, write_backend

BACKEND = {
    "pyproject.toml": """\
[tool.poetry]
name = "fastapi-boilerplate"
version = "0.2.0"
description = "FastAPI Boilerplate"
authors = ["Hide <hide@example.com>"]

[tool.poetry.dependencies]
python = "3.11.7"
fastapi = "^0.109.1"
uvicorn = "^0.25.0"
pydantic-settings = "^2.1.0"

[tool.poetry.group.dev.dependencies]
pytest = "^7.4.4"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
""",
    "core/__init__.py": "",
    "core/config.py": """\
import os

from pydantic_settings import BaseSettings


class Config(BaseSettings):
    ENV: str = "development"
    DEBUG: bool = True


class LocalConfig(Config):
    ...


class ProductionConfig(Config):
    DEBUG: bool = False


def get_config():
    env = os.getenv("ENV", "local")
    config_type = {
        "test": Config(),
        "local": LocalConfig(),
        "prod": ProductionConfig(),
    }
    return config_type[env]


config: Config = get_config()
""",
    "app/__init__.py": "",
    "app/server.py": """\
import platform

from fastapi import FastAPI

from core.config import config


def create_app() -> FastAPI:
    app_ = FastAPI(title="Hide", version="1.0.0")

    @app_.get("/api/v1/about")
    async def about() -> dict:
        return {"python": platform.python_version(), "config": type(config).__name__}

    return app_


app = create_app()
""",
}


def _lock(space) -> None:
    """poetry.lock, as the team's Poetry writes it (the release the Dockerfile pins)."""
    poetry = re.search(r"POETRY_VERSION=(\S+)", (space.project / "Dockerfile").read_text())[1]
    subprocess.run([sys.executable, "-m", "uv", "tool", "run", "--quiet", "--from", f"poetry=={poetry}", "poetry",
                    "lock"], cwd=space.settings["backend_path"], check=True, capture_output=True, timeout=300)


def test_a_pinned_patch_release_is_the_python_detect_answers_and_check_names_its_cost(render, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", BACKEND), "patch-release")
    _lock(space)

    assert_shows(detected(space.project),
                 "python_version 3.11.7 (space.json: 3.13) <- requires-python ==3.11.7 (pyproject.toml [tool.poetry]): "
                 "the one patch release it admits, python:3.11.7-slim",
                 "ENV Variable, optional <- read in core/config.py (Config)")
    space_tools(space.project, "detect", "--write")
    assert "ARG PYTHON_IMAGE=python:3.11.7-slim\n" in (space.project / "Dockerfile").read_text()
    assert space.settings["variables"]["ENV"]["default"] == ""
    checked = space_tools(space.project, "check")
    assert ("note: python:3.11.7-slim is the one patch release requires-python admits: its image never gets the "
            "security fixes of later 3.11 releases; with a range such as >=3.11.7,<3.12 there, `./space detect "
            "--write` moves the Space to python:3.11-slim") in checked.stdout


@pytest.mark.parametrize(("version", "accepted"), [("3.11.7", True), ("3.12.1", True), ("3.9.18", False),
                                                   ("3.11.x", False), ("3.9", False)])
def test_python_version_is_an_offered_series_or_a_patch_release_of_one(render, version, accepted):
    project = render(runtime="python")
    settings = json.loads((project / "space.json").read_text())
    (project / "space.json").write_text(json.dumps({**settings, "python_version": version}, indent=2))

    result = space_tools(project, "check", check=False)

    problem = (f'error: space.json: "{version}" is not a Python the template offers (3.10, 3.11, 3.12, 3.13, 3.14, '
               "or a patch release of one, like 3.11.7).")
    assert (problem not in result.stderr) if accepted else result.stderr.startswith(problem), result.stderr


def test_a_patch_release_of_a_series_not_offered_is_no_answer(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        **BACKEND, "pyproject.toml": BACKEND["pyproject.toml"].replace('python = "3.11.7"', 'python = "3.9.18"')})
    space = make_space(render, "python", backend, "patch-release-of-3.9")

    assert_shows(detected(space.project),
                 "python_version ? <- requires-python ==3.9.18 (pyproject.toml [tool.poetry])\nnone of the template's "
                 "Pythons (3.10, 3.11, 3.12, 3.13, 3.14) satisfies it: widen requires-python")


@pytest.mark.docker
def test_a_backend_pinned_to_a_patch_release_builds_on_it_and_each_reader_keeps_its_default(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", BACKEND), "patch-release")
    _lock(space)

    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/api/v1/about")
    assert (status, json.loads(body)) == (200, {"python": "3.11.7", "config": "LocalConfig"})
