"""A Poetry project that commits no poetry.lock (igorbenav's FastAPI boilerplate does so): its pyproject.toml has
only [tool.poetry] tables, names a README and packages its `src/` folder. Resolving it through its build backend
(poetry-core) would need the README and the code in the dependency stage; the image installs it with Poetry
itself, the main group only and not the project, so the dependency layer still holds the manifests alone."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running, write_backend

BACKEND = {
    "pyproject.toml": """\
[tool.poetry]
name = "fastapi-boilerplate"
version = "0.1.0"
description = "A fully async FastAPI boilerplate"
authors = ["A Team <team@example.com>"]
license = "MIT"
readme = "README.md"
packages = [{ include = "src" }]

[tool.poetry.dependencies]
python = "^3.11"
fastapi = "^0.115.0"
uvicorn = "^0.32.0"
pydantic-settings = "^2.6.0"

[tool.poetry.group.dev.dependencies]
pytest = "^8.3.0"

[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
""",
    "README.md": "# FastAPI boilerplate\n",
    "src/__init__.py": "",
    "src/app/__init__.py": "",
    "src/app/core/__init__.py": "",
    "src/app/core/config.py": """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    APP_NAME: str = "boilerplate"


settings = Settings()
""",
    "src/app/main.py": """\
from fastapi import FastAPI

from .core.config import settings

app = FastAPI(title=settings.APP_NAME)


@app.get("/api/v1/about")
def about() -> dict:
    return {"name": settings.APP_NAME}
""",
}


@pytest.mark.docker
def test_a_poetry_project_without_a_lock_builds_without_its_readme_or_code_and_serves(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", BACKEND), "poetry-without-lock")

    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/api/v1/about")
        assert (status, json.loads(body)) == (200, {"name": "boilerplate"})
    assert space.settings["asgi_app"] == "src.app.main:app"
    assert "dependencies: pyproject.toml (no lock: run `poetry lock` in the backend to pin them)" in \
        space_tools(space.project, "check").stdout
