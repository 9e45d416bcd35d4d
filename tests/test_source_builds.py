"""A lock with a package that has no wheel for the image's Python builds anyway, with uv or with Poetry: the
build stage compiles it with a C toolchain that never reaches the image, and with the system headers it needs
(psycopg2's libpq, python-ldap's OpenLDAP), whose libraries the image then holds, as it holds one a wheel loads
with ctypes (psycopg 3's pure-Python libpq). `check` predicts it from the lock alone, and refuses a lock the build
could not install at all, naming a Python that works (which then passes)."""

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

APP = """\
import netifaces
from fastapi import FastAPI

app = FastAPI()


@app.get("/interfaces")
def interfaces():
    return sorted(netifaces.interfaces())
"""
# A lock as uv writes it, for a package published only as wheels for other platforms and Pythons.
PLATFORM_ONLY_LOCK = """\
version = 1
requires-python = ">=3.11"

[[package]]
name = "api"
version = "1.0"
source = { virtual = "." }
dependencies = [{ name = "fastwin" }, { name = "uvicorn" }, { name = "colorama", marker = "sys_platform == 'win32'" }]

[[package]]
name = "fastwin"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://files.pythonhosted.org/packages/fastwin-2.0-cp313-cp313-win_amd64.whl" },
    { url = "https://files.pythonhosted.org/packages/fastwin-2.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl" },
]

[[package]]
name = "colorama"
version = "0.4.6"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.pythonhosted.org/packages/colorama-0.4.6-cp313-cp313-win_amd64.whl" }]

[[package]]
name = "uvicorn"
version = "0.30.0"
source = { registry = "https://pypi.org/simple" }
wheels = [{ url = "https://files.pythonhosted.org/packages/uvicorn-0.30.0-py3-none-any.whl" }]
"""


def _backend(folder: Path, *dependencies: str) -> Path:
    (folder / "app").mkdir(parents=True)
    (folder / "app" / "__init__.py").write_text("")
    (folder / "app" / "main.py").write_text(APP)
    listed = ", ".join(json.dumps(d) for d in dependencies)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "api"\nversion = "1.0"\nrequires-python = ">=3.11"\ndependencies = [{listed}]\n'
        '[tool.poetry]\npackage-mode = false\n')
    return folder


def test_a_lock_the_build_could_not_install_is_refused_with_a_python_that_works(render, tmp_path):
    backend = _backend(tmp_path / "backend", "fastwin", "uvicorn")
    (backend / "uv.lock").write_text(PLATFORM_ONLY_LOCK)
    project = render(runtime="python", backend_path=str(backend))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(
        "error: fastwin 2.0 in uv.lock has no wheel for Python 3.13 on Linux x86_64 and no source to build, so the "
        "image's build would fail; fix the backend, or the answer with "
        "`copier update --defaults --data python_version=3.12`.")
    assert "colorama" not in result.stderr, "a Windows-only dependency is not installed on Linux"
    detected = space_tools(project, "detect").stdout
    assert "python_version  3.12 (space.json: 3.13)  <- requires-python >=3.11 (pyproject.toml), >=3.11 (uv.lock): " \
           "the newest offered with the fewest source builds" in detected
    assert space_tools(render(runtime="python", backend_path=str(backend), python_version="3.12"), "check").returncode == 0


def _lock(backend: Path, tool: str, project: Path) -> None:
    """Lock as the backend's team does: with uv, or with the Poetry the Dockerfile pins."""
    if tool == "uv":
        command = ["lock", "--quiet"]
    else:
        poetry = re.search(r"POETRY_VERSION=(\S+)", (project / "Dockerfile").read_text())[1]
        command = ["tool", "run", "--quiet", "--from", f"poetry=={poetry}", "poetry", "lock"]
    subprocess.run([sys.executable, "-m", "uv", *command], cwd=backend, check=True, capture_output=True, timeout=300)


@pytest.mark.docker
@pytest.mark.parametrize("tool", ["uv", "poetry"])  # requirements.txt: the system-headers test below
def test_a_dependency_without_a_wheel_is_compiled_in_the_build_stage_only(render, cli, tmp_path, tool):
    backend = _backend(tmp_path / "backend", "fastapi", "uvicorn", "netifaces==0.11.0")  # sdist only, C code
    space = make_space(render, "python", backend, f"sdist-only-dependency-{tool}")
    _lock(backend, tool, space.project)

    checked = space_tools(space.project, "check").stdout

    assert ("builds from source: netifaces 0.11.0 (no wheel for Python 3.13 on Linux x86_64 or any other offered "
            "Python): the image's build stage compiles with a C toolchain, which takes longer") in checked
    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/interfaces")
        assert status == 200 and "lo" in json.loads(body)
        toolchain = docker.docker("run", "--rm", "--network", "none", f"{space.settings['space_name']}:local",
                                  "sh", "-c", "command -v gcc cc g++ make || echo none").stdout.strip()
        assert toolchain == "none", f"the image holds a compiler: {toolchain}"


HEADERS_APP = """\
import os

import ldap
import psycopg2
from fastapi import FastAPI

app = FastAPI()


@app.get("/answer")
def answer():
    with psycopg2.connect(os.environ["DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute("select 40 + 2")
        return {"answer": cursor.fetchone()[0], "ldap": ldap.__version__}
"""


@pytest.mark.docker
def test_packages_that_compile_against_system_headers_get_them_to_build_and_their_libraries_to_run(
        render, cli, tmp_path, postgres_cluster):
    backend = write_backend(tmp_path / "backend", {  # neither publishes a wheel for Linux
        "main.py": HEADERS_APP, "requirements.txt": "fastapi\nuvicorn\npsycopg2==2.9.13\npython-ldap==3.4.8\n"})
    space = make_space(render, "python", backend, "compiled-against-headers")
    space_tools(space.project, "detect", "--write")

    checked = space_tools(space.project, "check").stdout

    assert "builds from source: psycopg2 2.9.13, python-ldap 3.4.8 (no wheel for Python" in checked
    assert "compiles with a C toolchain and libldap2-dev, libpq-dev, libsasl2-dev, which takes longer" in checked
    with running(cli, space, {"DATABASE_URL": postgres_cluster.new_database()}) as url:
        status, body = docker.http_get(f"{url}/answer")
        assert (status, json.loads(body)) == (200, {"answer": 42, "ldap": "3.4.8"}), body
        left = docker.docker("run", "--rm", "--network", "none", f"{space.settings['space_name']}:local", "sh", "-c",
                             "ls /usr/include/libpq-fe.h /usr/include/ldap.h 2>/dev/null; command -v gcc; true").stdout
        assert left.strip() == "", f"the image holds what only the build needs: {left}"


# mem0ai/mem0's server: psycopg 3 without its binary extra loads libpq with ctypes, which no link shows.
PURE_PSYCOPG_APP = """\
import os

import psycopg
from fastapi import FastAPI

app = FastAPI()


@app.get("/answer")
def answer():
    with psycopg.connect(os.environ["DATABASE_URL"]) as connection:
        return {"answer": connection.execute("select 6 * 7").fetchone()[0], "libpq": psycopg.pq.__impl__}
"""


@pytest.mark.docker
def test_a_library_a_wheel_loads_with_ctypes_reaches_the_image(render, cli, tmp_path, postgres_cluster):
    backend = write_backend(tmp_path / "backend", {"main.py": PURE_PSYCOPG_APP,
                                                   "requirements.txt": "fastapi\nuvicorn\npsycopg>=3.2\n"})
    space = make_space(render, "python", backend, "libpq-through-ctypes")

    with running(cli, space, {"DATABASE_URL": postgres_cluster.new_database()}) as url:
        status, body = docker.http_get(f"{url}/answer")
        assert (status, json.loads(body)) == (200, {"answer": 42, "libpq": "python"}), body


def test_unlocked_requirements_that_cannot_resolve_are_refused_with_a_python_where_they_do(render, tmp_path):
    backend = _backend(tmp_path / "backend", "fastapi", "uvicorn")
    (backend / "pyproject.toml").unlink()
    (backend / "requirements.txt").write_text("fastapi\nuvicorn\nonnxruntime==1.17.0\n")  # wheels up to 3.12, no sdist
    project = render(runtime="python", backend_path=str(backend))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: requirements.txt does not resolve for Python 3.13 on Linux x86_64, so "
                                    "the image's build would fail the same way: "), result.stderr
    assert result.stderr.rstrip().endswith("`copier update --defaults --data python_version=3.12`."), result.stderr
    assert space_tools(render(runtime="python", backend_path=str(backend), python_version="3.12"),
                       "check").returncode == 0
