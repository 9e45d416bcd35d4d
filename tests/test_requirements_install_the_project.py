"""A requirements.txt whose last line is `.`, so that `pip install -r requirements.txt` also installs the backend's
own project (its CLI), as insistence/RuoYi-Vue3-FastAPI's backend does. sync resolves it with uv into pylock.toml,
where that line becomes a directory: relative to the backend, where the image installs it, not to the scratch
folder uv wrote the file in (which named this machine's folders, and the build could not find)."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running, write_backend

PYPROJECT = """\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "tasks-cli"
version = "1.0.0"
requires-python = ">=3.10"

[project.scripts]
tasks = "cli.main:main"

[tool.setuptools.packages.find]
include = ["cli*"]
"""
FILES = {
    "pyproject.toml": PYPROJECT,
    "requirements.txt": "fastapi==0.115.12\nuvicorn==0.34.2\n.\n",
    "cli/__init__.py": "",
    "cli/main.py": 'def main():\n    print("tasks: nothing to do")\n',
    "server.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/tasks')\ndef tasks():\n"
                 "    return [{'title': 'ship it'}]\n",
}


@pytest.mark.docker
def test_the_project_a_requirements_file_installs_is_found_in_the_backend(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", FILES), "requirements-install-project")

    with running(cli, space) as url:  # the build installed the project from the backend, then the app serves
        served = docker.http_get(f"{url}/tasks")
    assert (served[0], json.loads(served[1])) == (200, [{"title": "ship it"}])
    pins = (space.project / "backend" / "pylock.toml").read_text()
    assert 'directory = { path = "." }' in pins and 'path = "../' not in pins
    assert space_tools(space.project, "check").returncode == 0
