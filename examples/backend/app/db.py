"""SQLite access through the standard library: one short-lived connection per request."""

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


def connect(path: Path) -> sqlite3.Connection:
    # FastAPI may open, use and close a request's connection on different threadpool threads;
    # each connection still serves one request at a time, so the same-thread check is not needed.
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    return connection


def init_db(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = connect(path)
    try:
        with connection:
            connection.execute(SCHEMA)
    finally:
        connection.close()
