"""Rendering the Python template: each variant gives a complete Space repo."""

from __future__ import annotations

import json

from tests.conftest import python_example_answers


def test_the_starter_is_a_fastapi_app_in_backend(render):
    project = render(runtime="python")
    assert (project / "backend" / "app" / "main.py").is_file()
    assert (project / "space_serve" / "__main__.py").is_file()


def test_space_json_declares_the_template_variables_then_the_backend_ones_by_name(render, python_backends):
    project = render(**python_example_answers(python_backends["uv-lock"]))
    variables = json.loads((project / "space.json").read_text())["variables"]
    assert list(variables) == ["WEB_CONCURRENCY", "APP_NAME", "APP_SECRET_KEY", "CORS_ORIGINS", "LOG_LEVEL", "NOTES_DB_PATH"]
    assert variables["APP_SECRET_KEY"]["secret"] and variables["APP_SECRET_KEY"]["required"]
    assert not variables["LOG_LEVEL"]["secret"] and variables["LOG_LEVEL"]["default"] == "INFO"
    assert "APP_SECRET_KEY=\n" in (project / ".env.example").read_text()
    assert "- `APP_SECRET_KEY` (Secret, required): " in (project / "README.md").read_text()


def test_workers_answer_is_the_default_of_web_concurrency(render):
    project = render(runtime="python", workers=2)
    assert json.loads((project / "space.json").read_text())["variables"]["WEB_CONCURRENCY"]["default"] == "2"
    assert "WEB_CONCURRENCY=2" in (project / ".env.example").read_text()
    assert "WEB_CONCURRENCY" not in (project / "Dockerfile").read_text(), "the image reads it from space.json"


def test_python_version_picks_the_base_image(render):
    project = render(runtime="python", python_version="3.12")
    assert "ARG PYTHON_IMAGE=python:3.12-slim" in (project / "Dockerfile").read_text()
    assert 'requires-python = ">=3.12"' in (project / "backend" / "pyproject.toml").read_text()
