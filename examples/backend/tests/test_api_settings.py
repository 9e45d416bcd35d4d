"""Configuration comes from environment variables; the secret is required."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

import app
from app.main import create_app
from app.settings import Settings

BACKEND_DIR = Path(__file__).resolve().parents[1]


def test_every_setting_is_read_from_its_variable(env, monkeypatch, tmp_path):
    monkeypatch.setenv("CORS_ORIGINS", " https://a.example , https://b.example/ ,")
    monkeypatch.setenv("NOTES_DB_PATH", str(tmp_path / "elsewhere.db"))
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("APP_NAME", "Team Notes")

    settings = Settings()

    assert settings.app_secret_key.get_secret_value() == env["APP_SECRET_KEY"]
    assert settings.cors_origin_list == ["https://a.example", "https://b.example"]
    assert settings.notes_db_path == tmp_path / "elsewhere.db"
    assert settings.log_level == "DEBUG"
    assert settings.app_name == "Team Notes"


def test_defaults_put_the_database_next_to_the_code(env, monkeypatch):
    monkeypatch.delenv("NOTES_DB_PATH")
    monkeypatch.delenv("CORS_ORIGINS")

    settings = Settings()

    assert settings.notes_db_path == Path(app.__file__).resolve().parent / "notes.db"
    assert settings.cors_origin_list == []
    assert settings.log_level == "INFO"
    assert settings.app_name == "Notes API"


def test_log_level_sets_the_app_logger(env, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    create_app()
    assert logging.getLogger("app").level == logging.WARNING


def test_an_unknown_log_level_is_refused(env, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with pytest.raises(ValidationError, match="unknown log level 'loud'"):
        Settings()


def test_the_secret_is_required(env, monkeypatch):
    monkeypatch.delenv("APP_SECRET_KEY")
    with pytest.raises(ValidationError, match=r"app_secret_key\s+Field required"):
        Settings()


def test_a_short_secret_is_refused_without_echoing_it(env, monkeypatch):
    monkeypatch.setenv("APP_SECRET_KEY", "too-short")
    with pytest.raises(ValidationError, match="APP_SECRET_KEY must be at least 16 characters long") as error:
        Settings()
    assert "too-short" not in str(error.value)


def test_the_server_will_not_start_without_the_secret(env, monkeypatch):
    monkeypatch.delenv("APP_SECRET_KEY")

    # The way a deployment starts it; the import of app.main is where it stops.
    result = subprocess.run(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", "0"],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "app_secret_key" in result.stderr and "Field required" in result.stderr


def test_cors_allows_the_listed_origin_only(client):
    allowed = client.get("/info", headers={"Origin": "https://allowed.example"})
    other = client.get("/info", headers={"Origin": "https://evil.example"})

    assert allowed.headers["access-control-allow-origin"] == "https://allowed.example"
    assert "access-control-allow-origin" not in other.headers


def test_cors_preflight_answers_the_listed_origin_only(client):
    def preflight(origin):
        return client.options("/notes", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})

    assert preflight("https://allowed.example").status_code == 200
    assert preflight("https://evil.example").status_code == 400


def test_no_origin_is_allowed_when_cors_origins_is_empty(env, monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "")
    with TestClient(create_app()) as client:
        response = client.get("/info", headers={"Origin": "https://allowed.example"})
    assert "access-control-allow-origin" not in response.headers
