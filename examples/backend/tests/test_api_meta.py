"""Service information and the OpenAPI documents."""

import platform

from fastapi.testclient import TestClient

import app.main
from app import __version__


def test_info_reports_name_version_runtime_and_note_count(client):
    client.post("/notes", json={"title": "one"})

    assert client.get("/info").json() == {
        "name": "Notes API",
        "version": __version__,
        "python": platform.python_version(),
        "notes": 1,
    }


def test_app_name_comes_from_the_environment(env, monkeypatch):
    monkeypatch.setenv("APP_NAME", "Team Notes")

    with TestClient(app.main.create_app()) as client:
        assert client.get("/info").json()["name"] == "Team Notes"
        assert client.get("/openapi.json").json()["info"]["title"] == "Team Notes"


def test_the_module_level_app_serves_its_docs():
    # The object uvicorn loads as app.main:app; no `with`, so no lifespan and no database file.
    client = TestClient(app.main.app)

    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) == {
        "/notes",
        "/notes/{note_id}",
        "/notes/{note_id}/share",
        "/shared/{token}",
        "/text/stats",
        "/info",
    }
    assert "swagger-ui" in client.get("/docs").text


def test_there_is_no_health_route_of_its_own(client):
    # The Space template adds /healthz around the app; the app must leave that path free.
    assert client.get("/healthz").status_code == 404
