"""The SQLite file: created at startup where NOTES_DB_PATH says, and kept across restarts."""

from pathlib import Path

from fastapi.testclient import TestClient

from app.main import create_app


def test_the_database_file_is_created_at_startup_not_at_import(env):
    db_path = Path(env["NOTES_DB_PATH"])
    app = create_app()
    assert not db_path.exists()

    with TestClient(app):
        assert db_path.is_file()


def test_missing_parent_folders_are_created(env, monkeypatch, tmp_path):
    db_path = tmp_path / "data" / "nested" / "notes.db"
    monkeypatch.setenv("NOTES_DB_PATH", str(db_path))

    with TestClient(create_app()):
        assert db_path.is_file()


def test_notes_survive_a_restart(env):
    with TestClient(create_app()) as first_run:
        note = first_run.post("/notes", json={"title": "persisted"}).json()

    with TestClient(create_app()) as second_run:
        assert second_run.get(f"/notes/{note['id']}").json() == note
