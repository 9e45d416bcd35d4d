"""Layouts real backends assume, in one backend written for its own Dockerfile's `WORKDIR /app`: at import it looks
for its frontend among the folders beside its own, as insistence/RuoYi-Vue3-FastAPI's plugin runtime does; it keeps
uploads under /app/uploads; and its routes include a router kept in its tests/ folder, as
hngprojects/hng_boilerplate_python_fastapi_web's do. The image keeps the code in uid 1000's home, as Hugging Face's
example does, so the search meets only folders it may read (beside a root-level /app it met /root and stopped on
PermissionError), and /app leads there; detect lists tests/ in backend_files, so the image holds it."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.support.shapes import make_space, running, write_backend

SERVER = """\
from pathlib import Path

from fastapi import FastAPI

from tests.smoke import smoke_router

BACKEND_ROOT = Path(__file__).resolve().parent
UPLOADS = Path("/app/uploads")


def find_frontend(backend_root: Path) -> Path | None:
    for sibling in sorted(backend_root.parent.iterdir()):
        if sibling != backend_root and (sibling / "package.json").is_file():
            return sibling
    return None


FRONTEND_ROOT = find_frontend(BACKEND_ROOT)
app = FastAPI()
app.include_router(smoke_router)


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
FILES = {"requirements.txt": "fastapi==0.115.12\nuvicorn==0.34.2\n", "server.py": SERVER, "tests/__init__.py": "",
         "tests/smoke.py": SMOKE, "tests/test_uploads.py": "def test_nothing():\n    pass\n"}


@pytest.mark.docker
def test_an_app_that_looks_beside_its_folder_writes_under_slash_app_and_imports_its_tests_starts(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", FILES), "looks-around-its-folder")

    with running(cli, space) as url:  # the import-time search finished: the app answers
        saved = docker.http_post_json(f"{url}/uploads/report.txt", {})
        listed = docker.http_get(f"{url}/uploads")
        smoke = docker.http_get(f"{url}/smoke")
    assert (saved[0], json.loads(saved[1])) == (200, {"saved": "report.txt", "frontend": "None"})
    assert (listed[0], json.loads(listed[1])) == (200, ["report.txt"])
    assert (smoke[0], json.loads(smoke[1])) == (200, {"status": "ok"})
    assert space.settings["backend_files"] == ["tests"]
