"""The Python a Space builds on comes from what the backend's lock can install: the newest offered Python inside
requires-python for which every locked package has a wheel. A lock written early in 2024 pins httptools, uvloop
and pydantic-core releases with wheels up to CPython 3.12 only: on 3.13 the build would compile them (and fail on
3.13's C-API), so detect answers 3.12, `check` refuses 3.13 in one line, and the Space builds and serves on 3.12.
Poetry's old lock format (1.1, files under [metadata.files]) is read the same way."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running, write_backend

MAIN = """\
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI(title="Tasks")


class Task(BaseModel):
    title: str
    done: bool = False


TASKS: list[Task] = [Task(title="write the README")]


@app.get("/tasks")
def list_tasks() -> list[Task]:
    return TASKS


@app.post("/tasks", status_code=201)
def add_task(task: Task) -> Task:
    TASKS.append(task)
    return task
"""
PYPROJECT = """\
[project]
name = "tasks-api"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = ["fastapi>=0.109", "uvicorn[standard]>=0.27"]
"""
# What a team's `uv lock` wrote in February 2024: the releases current then.
LOCKED_AS_OF = "2024-02-15T00:00:00Z"


def early_2024_backend(folder: Path) -> Path:
    backend = write_backend(folder, {"app/__init__.py": "", "app/main.py": MAIN, "pyproject.toml": PYPROJECT})
    subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet", "--exclude-newer", LOCKED_AS_OF], cwd=backend,
                   check=True, capture_output=True, timeout=300)
    lock = backend / "uv.lock"  # without the option that made it: the lock as uv wrote it back then
    lock.write_text(re.sub(r"\n\[options\]\n(?:[^\[\n].*\n)*", "\n", lock.read_text()))
    return backend


def test_check_refuses_a_python_whose_build_would_compile_what_another_has_wheels_for(render, tmp_path):
    project = render(runtime="python", backend_path=str(early_2024_backend(tmp_path / "backend")))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: httptools 0.6.1, ")
    assert ("no wheel for Python 3.13 on Linux x86_64, so the image's build would compile them from source, which "
            "may fail; python_version=3.12 has wheels for all: fix the backend, or the answer with "
            "`copier update --defaults --data python_version=3.12`.") in result.stderr
    assert "uvloop 0.19.0" in result.stderr


@pytest.mark.docker
def test_detect_answers_the_python_the_lock_has_wheels_for_and_the_space_serves_on_it(render, cli, tmp_path):
    space = make_space(render, "python", early_2024_backend(tmp_path / "backend"), "lock-from-early-2024")

    detected = space_tools(space.project, "detect").stdout

    assert ("python_version  3.12 (space.json: 3.13)  <- requires-python >=3.10 (pyproject.toml), >=3.10 (uv.lock): "
            "the newest offered with the fewest source builds; uv.lock has wheels for every package") in detected
    with running(cli, space) as url:
        assert space.settings["python_version"] == "3.12"
        assert "builds from source" not in space_tools(space.project, "check").stdout
        status, body = docker.http_get(f"{url}/tasks")
        assert (status, json.loads(body)) == (200, [{"title": "write the README", "done": False}])
        version = docker.docker("run", "--rm", "--network", "none", f"{space.settings['space_name']}:local",
                                "python", "-c", "import sys; print(sys.version_info[:2])").stdout.strip()
        assert version == "(3, 12)"


# A Poetry 1.1 lock as Poetry 1.1 writes it (package files apart, under [metadata.files]; categories, not groups).
POETRY_1_1_LOCK = """\
[[package]]
name = "httptools"
version = "0.6.1"
description = "A collection of framework independent HTTP protocol utils."
category = "main"
optional = false
python-versions = ">=3.8.0"

[package.extras]
test = ["Cython (>=0.29.24,<0.30.0)"]

[[package]]
name = "fastapi"
version = "0.109.2"
description = "FastAPI framework, high performance, easy to learn, fast to code, ready for production"
category = "main"
optional = false
python-versions = ">=3.8"

[[package]]
name = "uvicorn"
version = "0.27.1"
description = "The lightning-fast ASGI server."
category = "main"
optional = false
python-versions = ">=3.8"

[[package]]
name = "portalocker"
version = "2.8.2"
description = "Wraps the portalocker recipe for easy usage"
category = "main"
optional = false
python-versions = ">=3.8"

[package.dependencies]
pywin32 = {version = ">=226", markers = "platform_system == \\"Windows\\""}

[[package]]
name = "pywin32"
version = "306"
description = "Python for Window Extensions"
category = "main"
optional = false
python-versions = "*"

[[package]]
name = "pytest-watch"
version = "4.2.0"
description = "Local continuous test runner with pytest and watchdog."
category = "dev"
optional = false
python-versions = "*"

[metadata]
lock-version = "1.1"
python-versions = "^3.10"
content-hash = "5b1b4bc4a3a1f4b1e0d1c1b2f3e4d5c6b7a8990a1b2c3d4e5f60718293a4b5c6"

[metadata.files]
httptools = [
    {file = "httptools-0.6.1-cp311-cp311-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:75c8022dca7935cba14741a42744eee13ba05db00b27a4b940f0d646bd4d56d0"},
    {file = "httptools-0.6.1-cp312-cp312-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:f58e335a1402fb5a650e271e8c2d03cfa7cea46ae124649346d17bd30d59c90f"},
    {file = "httptools-0.6.1.tar.gz", hash = "sha256:c6e26c30455600b95d94b1b836085138e82f177351454ee841c148f93a9bad5a"},
]
fastapi = [
    {file = "fastapi-0.109.2-py3-none-any.whl", hash = "sha256:2c9bab24667293b501cad8dd388c05240c850b58ec5876ee3283c47d6e1e3a4d"},
    {file = "fastapi-0.109.2.tar.gz", hash = "sha256:f3817eac96fe4f65a2ebb4baa000f394e55f5fccdaf7f75250804bc58f354f73"},
]
uvicorn = [
    {file = "uvicorn-0.27.1-py3-none-any.whl", hash = "sha256:5c89da2f3895767472a35556e539fd59f7edbe9b1e9c0e1c99eebeadc61838e4"},
    {file = "uvicorn-0.27.1.tar.gz", hash = "sha256:3d9a267296243532db80c83a959a3400502165ade2c1338dea4e67915fd4745a"},
]
portalocker = [
    {file = "portalocker-2.8.2-py3-none-any.whl", hash = "sha256:cfb86acc09b9aa7c3b43594e19be1345b9d16af3feb08bf92f23d4dce513a28e"},
    {file = "portalocker-2.8.2.tar.gz", hash = "sha256:2b035aa7828e46c58e9b31390ee1f169b98e1066ab10b9a6a861fe7e25ee4f33"},
]
pywin32 = [
    {file = "pywin32-306-cp312-cp312-win_amd64.whl", hash = "sha256:37257794c1ad39ee9be652da0462dc2e394c8159dfd913a8a4e8eb6fd346da0e"},
]
pytest-watch = [
    {file = "pytest-watch-4.2.0.tar.gz", hash = "sha256:06136f03d5b361718b8d0d234042f7b2f203910d8568f63df2f866b547b3d4b9"},
]
"""


def test_a_poetry_1_1_lock_is_read_for_its_wheels(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN, "poetry.lock": POETRY_1_1_LOCK,
        "pyproject.toml": '[tool.poetry]\nname = "tasks-api"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n\n'
                          '[tool.poetry.dependencies]\npython = "^3.10"\nfastapi = "^0.109"\nuvicorn = "^0.27"\n'
                          'httptools = "^0.6"\nportalocker = "^2.8"\n'})
    project = render(runtime="python", backend_path=str(backend))

    detected = space_tools(project, "detect").stdout
    refused = space_tools(project, "check", check=False)

    assert ("python_version  3.12 (space.json: 3.13)  <- requires-python >=3.10,<4 (pyproject.toml [tool.poetry]): "
            "the newest offered with the fewest source builds; poetry.lock has wheels for every package") in detected
    assert refused.returncode == 2 and refused.stderr.startswith(
        "error: httptools 0.6.1 in poetry.lock has no wheel for Python 3.13 on Linux x86_64"), refused.stderr
    assert "pywin32" not in refused.stderr, "a Windows-only dependency is not installed on Linux"
    assert "pytest-watch" not in refused.stderr, "a dev dependency is not installed in the image"


# A Poetry 2 lock (python-discord's forms backend): cffi 1.16.0 publishes wheels up to CPython 3.12, and
# nested-dict only ever published a source archive (pure Python), so no Python has wheels for everything.
POETRY_2_LOCK = """\
# This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.

[[package]]
name = "cffi"
version = "1.16.0"
description = "Foreign Function Interface for Python calling C code."
optional = false
python-versions = ">=3.8"
files = [
    {file = "cffi-1.16.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:b2ca4e77f9f47c55c194982e10f058db063937845bb2b7a86c84a6cfe0aefa8b"},
    {file = "cffi-1.16.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", hash = "sha256:9f90389693731ff1f659e55c7d1640e2ec43ff725cc61b04b2f9c6d8d017df6a"},
    {file = "cffi-1.16.0.tar.gz", hash = "sha256:bcb3ef43e58665bbda2fb198698fcae6776483e0c4a631aa5647806c25e02cc0"},
]

[[package]]
name = "fastapi"
version = "0.110.0"
description = "FastAPI framework"
optional = false
python-versions = ">=3.8"
files = [
    {file = "fastapi-0.110.0-py3-none-any.whl", hash = "sha256:87a1f6fb632a218222c5984be540055346a8f5d8a68e8f6fb647b1dc9934de4b"},
]

[[package]]
name = "nested-dict"
version = "1.61"
description = "Python dictionary with automatic and arbitrary levels of nestedness"
optional = false
python-versions = "*"
files = [
    {file = "nested_dict-1.61.tar.gz", hash = "sha256:de0fb5bac82ba7bcc23736f09373f18628ea57f92bbaa13480d23f261c41e771"},
]

[[package]]
name = "uvicorn"
version = "0.29.0"
description = "The lightning-fast ASGI server."
optional = false
python-versions = ">=3.8"
files = [
    {file = "uvicorn-0.29.0-py3-none-any.whl", hash = "sha256:2c2aac7e3cc7d5b4f7d8b7f7bd1b6ba61dd9a7cf7f3f9a1c2f2b1b0f1d6b7e21"},
]

[metadata]
lock-version = "2.0"
python-versions = "3.11.*"
content-hash = "4d1e1e0c7a1f0b7c2b0d5c3a7f2e6a4b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f"
"""


def test_a_python_that_compiles_less_is_chosen_when_none_has_wheels_for_all(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": MAIN, "poetry.lock": POETRY_2_LOCK,
        "pyproject.toml": '[tool.poetry]\nname = "forms"\nversion = "0.1.0"\ndescription = ""\nauthors = []\n\n'
                          '[tool.poetry.dependencies]\npython = ">=3.11"\nfastapi = "^0.110"\nuvicorn = "^0.29"\n'
                          'cffi = "^1.16"\nnested-dict = "^1.61"\n'})
    project = render(runtime="python", backend_path=str(backend))

    detected = space_tools(project, "detect").stdout
    refused = space_tools(project, "check", check=False)

    assert ("python_version  3.12 (space.json: 3.13)  <- requires-python >=3.11 (pyproject.toml [tool.poetry]): the "
            "newest offered with the fewest source builds; poetry.lock has wheels for all but nested-dict 1.61, which "
            "no offered Python has") in detected, detected
    assert refused.returncode == 2 and refused.stderr.startswith(
        "error: cffi 1.16.0, nested-dict 1.61 in poetry.lock have no wheel for Python 3.13 on Linux x86_64"), refused.stderr
    assert "python_version=3.12 has wheels for all but nested-dict 1.61" in refused.stderr
