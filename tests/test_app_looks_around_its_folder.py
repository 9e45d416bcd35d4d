"""A backend written for its own Dockerfile's `WORKDIR /app`: at import it looks for its frontend among the folders
beside its own, as insistence/RuoYi-Vue3-FastAPI's plugin runtime does, and it keeps uploads under /app/uploads.
The image keeps the code in uid 1000's home, as Hugging Face's example does, so the search meets only folders it may
read (beside a root-level /app it met /root and stopped on PermissionError), and /app leads there."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.support.shapes import make_space, running, write_backend

SERVER = """\
from pathlib import Path

from fastapi import FastAPI

BACKEND_ROOT = Path(__file__).resolve().parent
UPLOADS = Path("/app/uploads")


def find_frontend(backend_root: Path) -> Path | None:
    for sibling in sorted(backend_root.parent.iterdir()):
        if sibling != backend_root and (sibling / "package.json").is_file():
            return sibling
    return None


FRONTEND_ROOT = find_frontend(BACKEND_ROOT)
app = FastAPI()


@app.post("/uploads/{name}")
def upload(name: str):
    UPLOADS.mkdir(exist_ok=True)
    (UPLOADS / name).write_text("kept")
    return {"saved": name, "frontend": str(FRONTEND_ROOT)}


@app.get("/uploads")
def uploads():
    return sorted(path.name for path in UPLOADS.iterdir())
"""
FILES = {"requirements.txt": "fastapi==0.115.12\nuvicorn==0.34.2\n", "server.py": SERVER}


@pytest.mark.docker
def test_an_app_that_looks_beside_its_folder_and_writes_under_slash_app_starts(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", FILES), "looks-around-its-folder")

    with running(cli, space) as url:  # the import-time search finished: the app answers
        saved = docker.http_post_json(f"{url}/uploads/report.txt", {})
        listed = docker.http_get(f"{url}/uploads")
    assert (saved[0], json.loads(saved[1])) == (200, {"saved": "report.txt", "frontend": "None"})
    assert (listed[0], json.loads(listed[1])) == (200, ["report.txt"])
