"""Shared fixtures: every test app gets a test secret and a database in pytest's tmp dir, never in the tree."""

import os

import pytest
from fastapi.testclient import TestClient

TEST_SECRET = "test-secret-key-0123456789"
ALLOWED_ORIGIN = "https://allowed.example"
APP_VARS = ("APP_SECRET_KEY", "CORS_ORIGINS", "NOTES_DB_PATH", "LOG_LEVEL", "APP_NAME")

# app.main builds its module-level app at import, as uvicorn needs: it must find a secret then.
os.environ.setdefault("APP_SECRET_KEY", TEST_SECRET)

from app.main import create_app  # noqa: E402  (after the secret is set)


@pytest.fixture
def env(monkeypatch, tmp_path) -> dict[str, str]:
    """The variables a deployment sets; anything from the developer's shell is cleared first."""
    for name in APP_VARS:
        monkeypatch.delenv(name, raising=False)
    values = {
        "APP_SECRET_KEY": TEST_SECRET,
        "CORS_ORIGINS": ALLOWED_ORIGIN,
        "NOTES_DB_PATH": str(tmp_path / "notes.db"),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def client(env) -> TestClient:
    # `with` runs the lifespan, as a server start does: the database and its table exist.
    with TestClient(create_app()) as client:
        yield client
