"""Secrets in a backend's .env (or the Space's) never reach the build context, a layer or the history."""

from __future__ import annotations

import shutil
import uuid

import pytest

from harness import docker
from harness.images import PYTHON_IMAGE
from tests.conftest import python_example_answers

pytestmark = pytest.mark.docker


def test_canary_secret_appears_in_no_layer_or_history(render, python_backends, built_images, tmp_path):
    canary = f"CANARY-{uuid.uuid4().hex}"
    backend = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    (backend / ".env").write_text(f"APP_SECRET_KEY={canary}\n")
    (backend / "app" / ".env.production").write_text(f"APP_SECRET_KEY={canary}\n")
    project = render(**python_example_answers(backend))
    (project / ".env").write_text(f"APP_SECRET_KEY={canary}\n")

    tag = built_images("python-canary", project)

    assert not list((project / "backend").rglob(".env*")), "sync never copies .env files"
    assert not any(canary in line for line in docker.history(tag))
    for layer in docker.save_layers(tag, tmp_path / "layers", skip_base=PYTHON_IMAGE):
        for path in layer.rglob("*"):
            if path.is_file():
                assert canary.encode() not in path.read_bytes(), f"canary found in {path.relative_to(layer)}"
