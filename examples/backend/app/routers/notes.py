"""Notes CRUD, plus signed share links that give read-only access to one note."""

import sqlite3
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from pydantic import BaseModel, Field

from ..deps import DbDep, SettingsDep
from ..sharing import make_token, read_token

router = APIRouter(tags=["notes"])


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field("", max_length=10_000)


class NotePatch(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, max_length=10_000)


class Note(BaseModel):
    id: int
    title: str
    body: str
    created_at: datetime
    updated_at: datetime


class ShareLink(BaseModel):
    token: str
    url: str


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _fetch(db: sqlite3.Connection, note_id: int) -> Note:
    row = db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"note {note_id} not found")
    return Note(**dict(row))


@router.post("/notes", status_code=status.HTTP_201_CREATED)
def create_note(note: NoteIn, db: DbDep) -> Note:
    now = _now()
    with db:  # commits on success, rolls back on error
        cursor = db.execute(
            "INSERT INTO notes (title, body, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (note.title, note.body, now, now),
        )
    return _fetch(db, cursor.lastrowid)


@router.get("/notes")
def list_notes(
    db: DbDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Note]:
    rows = db.execute("SELECT * FROM notes ORDER BY id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
    return [Note(**dict(row)) for row in rows]


@router.get("/notes/{note_id}")
def read_note(note_id: int, db: DbDep) -> Note:
    return _fetch(db, note_id)


@router.patch("/notes/{note_id}")
def update_note(note_id: int, patch: NotePatch, db: DbDep) -> Note:
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    _fetch(db, note_id)
    if changes:
        # Column names come from NotePatch's fields, never from the request text.
        assignments = ", ".join(f"{column} = ?" for column in changes)
        with db:
            db.execute(
                f"UPDATE notes SET {assignments}, updated_at = ? WHERE id = ?",
                (*changes.values(), _now(), note_id),
            )
    return _fetch(db, note_id)


@router.delete("/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_note(note_id: int, db: DbDep) -> Response:
    with db:
        deleted = db.execute("DELETE FROM notes WHERE id = ?", (note_id,)).rowcount
    if not deleted:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"note {note_id} not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/notes/{note_id}/share")
def share_note(note_id: int, request: Request, db: DbDep, settings: SettingsDep) -> ShareLink:
    _fetch(db, note_id)
    token = make_token(note_id, settings.app_secret_key.get_secret_value())
    # An absolute URL: behind a TLS-terminating proxy it is https only if the server trusts X-Forwarded-Proto.
    return ShareLink(token=token, url=str(request.url_for("read_shared_note", token=token)))


@router.get("/shared/{token}")
def read_shared_note(token: str, db: DbDep, settings: SettingsDep) -> Note:
    note_id = read_token(token, settings.app_secret_key.get_secret_value())
    if note_id is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid share token")
    return _fetch(db, note_id)
