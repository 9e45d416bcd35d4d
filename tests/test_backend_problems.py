"""A backend that can't become a Space is refused before anything is written, with what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import python_example_answers, space_tools


def _project_for(render, backend: Path, **answers) -> Path:
    return render(**python_example_answers(backend, **answers))


@pytest.fixture
def backend(python_backends, tmp_path) -> Path:
    copy = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], copy)
    return copy


def _refused(project: Path, command: str, message: str) -> None:
    result = space_tools(project, command, check=False)
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert not (project / "backend").exists(), "nothing is written when the backend is refused"


def test_missing_backend_folder(render, tmp_path):
    project = _project_for(render, tmp_path / "nowhere")
    _refused(project, "sync", "is not a folder; fix it with `copier update --defaults --data backend_path=")


def test_backend_without_a_manifest(render, backend):
    (backend / "pyproject.toml").unlink()
    (backend / "uv.lock").unlink()
    _refused(_project_for(render, backend), "sync", "has neither pyproject.toml nor requirements.txt")


def test_asgi_app_that_is_not_there(render, backend):
    _refused(_project_for(render, backend, asgi_app="service.api:app"), "sync", "Found app.main:app in the backend.")


def _requires_python(backend: Path, spec: str) -> None:
    pyproject = backend / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('requires-python = ">=3.11"', f'requires-python = "{spec}"'))


@pytest.mark.parametrize(("spec", "suggested"), [(">=3.11,<3.13", "3.12"), (">=3.14", "3.14"), ("<3.12", "3.11"),
                                                 ("~=3.12.0", "3.12"), ("==3.11.*", "3.11")])
def test_a_python_outside_requires_python_is_refused_with_an_answer_that_passes(render, backend, spec, suggested):
    _requires_python(backend, spec)

    _refused(_project_for(render, backend), "check",
             f"python_version 3.13 does not satisfy requires-python '{spec}' of pyproject.toml; fix the backend, "
             f"or the answer with `copier update --defaults --data python_version={suggested}`.")

    assert space_tools(_project_for(render, backend, python_version=suggested), "check").returncode == 0


def test_a_requires_python_no_offered_python_satisfies_says_so(render, backend):
    _requires_python(backend, ">=3.15")
    _refused(_project_for(render, backend), "check",
             "none of the template's Pythons (3.10, 3.11, 3.12, 3.13, 3.14) does: widen requires-python.")


def test_a_backend_without_uvicorn_is_served_by_the_images_own(render, backend):
    (backend / "uv.lock").unlink()
    pyproject = backend / "pyproject.toml"
    pyproject.write_text("\n".join(line for line in pyproject.read_text().splitlines() if "uvicorn" not in line))
    result = space_tools(_project_for(render, backend), "check")
    assert "uvicorn is not among the backend's main dependencies: the image serves the app with its own" in result.stdout


@pytest.mark.docker
def test_stale_lock_fails_the_build_with_uv_own_message(render, backend):
    pyproject = backend / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('dependencies = [', 'dependencies = [\n    "idna>=3",', 1))
    project = _project_for(render, backend)
    result = space_tools(project, "build", "--network", "host", "--tag", docker.unique_tag("stale-lock"), check=False)
    assert result.returncode != 0
    assert "The lockfile at `uv.lock` needs to be updated" in result.stdout + result.stderr


def test_the_manifest_ships_though_backend_files_leaves_it_out(render, tmp_path):
    """The code's own files follow its imports, and the manifest the image installs from always comes along."""
    backend = tmp_path / "backend"
    backend.mkdir()
    (backend / "app.py").write_text("from fastapi import FastAPI\n\napp = FastAPI()\n")
    (backend / "requirements.txt").write_text("fastapi\nuvicorn\n")
    project = _project_for(render, backend, asgi_app="app:app", backend_files=["app.py"])

    synced = space_tools(project, "sync").stdout

    assert "also synced what the code installs from: requirements.txt" in synced
    assert (project / "backend" / "requirements.txt").is_file()
