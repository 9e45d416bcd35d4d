"""Layouts real backends assume, in one backend shaped like insistence/RuoYi-Vue3-FastAPI's: written for its own
Dockerfile's `WORKDIR /app`, it looks at import for its frontend among the folders beside its own and keeps uploads
under /app/uploads; its requirements.txt ends with `.`, so that `pip install -r requirements.txt` also installs its
own project (its CLI); its routes include a router kept in its tests/ folder, as
hngprojects/hng_boilerplate_python_fastapi_web's do; and it serves its frontend's build, committed in dist/, from
the folder of its own file at import, as wandb/openui does.
The image keeps the code in uid 1000's home, as Hugging Face's example does, so the search meets only folders it may
read (beside a root-level /app it met /root and stopped on PermissionError), and /app leads there; sync's
pylock.toml names the `.` project relative to the backend, where the image installs it (it named the scratch folder
uv wrote the file in, which the build could not find); detect lists tests/ and dist/ in backend_files, so the image
holds them (dist/ is build output, which the image leaves out unless listed: openui stopped at import on the missing
folder)."""

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
SERVER = """\
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from tests.smoke import smoke_router

BACKEND_ROOT = Path(__file__).resolve().parent
UPLOADS = Path("/app/uploads")
DIST = Path(__file__).parent / "dist"


def find_frontend(backend_root: Path) -> Path | None:
    for sibling in sorted(backend_root.parent.iterdir()):
        if sibling != backend_root and (sibling / "package.json").is_file():
            return sibling
    return None


FRONTEND_ROOT = find_frontend(BACKEND_ROOT)
app = FastAPI()
app.include_router(smoke_router)
app.mount("/assets", StaticFiles(directory=DIST / "assets"), name="spa")


@app.get("/", include_in_schema=False)
def spa():
    return HTMLResponse((DIST / "index.html").read_bytes())


@app.post("/uploads/{name}")
def upload(name: str):
    UPLOADS.mkdir(exist_ok=True)
    (UPLOADS / name).write_text("kept")
    return {"saved": name, "frontend": str(FRONTEND_ROOT)}


@app.get("/uploads")
def uploads():
    return sorted(path.name for path in UPLOADS.iterdir())
"""
SMOKE = """\
from fastapi import APIRouter

smoke_router = APIRouter()


@smoke_router.get("/smoke")
def smoke():
    return {"status": "ok"}
"""
FILES = {
    "pyproject.toml": PYPROJECT,
    "requirements.txt": "fastapi==0.115.12\nuvicorn==0.34.2\n.\n",
    "cli/__init__.py": "",
    "cli/main.py": 'def main():\n    print("tasks: nothing to do")\n',
    "server.py": SERVER,
    "tests/__init__.py": "",
    "tests/smoke.py": SMOKE,
    "tests/test_uploads.py": "def test_nothing():\n    pass\n",
    "dist/index.html": '<!doctype html><script type="module" src="/assets/index.js"></script>\n',
    "dist/assets/index.js": 'console.log("tasks");\n',
}


@pytest.mark.docker
def test_a_backend_that_looks_beside_its_folder_installs_itself_and_imports_its_tests_starts(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", FILES), "real-layouts")

    with running(cli, space) as url:  # the build installed the project, and the import-time search finished
        saved = docker.http_post_json(f"{url}/uploads/report.txt", {})
        listed = docker.http_get(f"{url}/uploads")
        smoke = docker.http_get(f"{url}/smoke")
        page, script = docker.http_get(f"{url}/"), docker.http_get(f"{url}/assets/index.js")
    assert (saved[0], json.loads(saved[1])) == (200, {"saved": "report.txt", "frontend": "None"})
    assert (listed[0], json.loads(listed[1])) == (200, ["report.txt"])
    assert (smoke[0], json.loads(smoke[1])) == (200, {"status": "ok"})
    assert page[0] == 200 and b"/assets/index.js" in page[1]
    assert script == (200, b'console.log("tasks");\n')
    assert sorted(space.settings["backend_files"]) == ["dist", "tests"]
    pins = (space.project / "backend" / "pylock.toml").read_text()
    assert 'directory = { path = "." }' in pins and 'path = "../' not in pins
    assert space_tools(space.project, "check").returncode == 0
