"""A FastAPI backend laid out as igorbenav's boilerplate is: the code and Alembic under src/ (src/alembic.ini, run
from src/ as its README says), and settings read through Starlette's Config from a .env it computes from
`__file__`. Starlette 0.36, which its FastAPI pins, stops the start when that file is missing, and the image never
holds one: detect answers a pre-start that creates it empty (the values arrive as environment variables, which
Config reads first) and then runs the migrations from src/. `SECRET_KEY: str = config("SECRET_KEY")` is required."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import assert_shows, detected, make_space, running, write_backend

CONFIG = """\
import os

from pydantic_settings import BaseSettings
from starlette.config import Config

current_file_dir = os.path.dirname(os.path.realpath(__file__))
env_path = os.path.join(current_file_dir, "..", "..", ".env")
config = Config(env_path)


class CryptSettings(BaseSettings):
    SECRET_KEY: str = config("SECRET_KEY")
    ALGORITHM: str = config("ALGORITHM", default="HS256")


class PostgresSettings(BaseSettings):
    POSTGRES_USER: str = config("POSTGRES_USER", default="postgres")
    POSTGRES_PASSWORD: str = config("POSTGRES_PASSWORD", default="postgres")
    POSTGRES_SERVER: str = config("POSTGRES_SERVER", default="localhost")
    POSTGRES_PORT: int = config("POSTGRES_PORT", default=5432)
    POSTGRES_DB: str = config("POSTGRES_DB", default="postgres")
    POSTGRES_URI: str = f"{POSTGRES_USER}:{POSTGRES_PASSWORD}@{POSTGRES_SERVER}:{POSTGRES_PORT}/{POSTGRES_DB}"


class Settings(CryptSettings, PostgresSettings):
    pass


settings = Settings()
"""

BACKEND = {
    "requirements.txt": "fastapi==0.109.2\nuvicorn==0.27.1\npydantic-settings==2.1.0\nsqlalchemy==2.0.27\n"
                        "alembic==1.13.1\npsycopg2-binary==2.9.9\n",
    "src/__init__.py": "",
    "src/app/__init__.py": "",
    "src/app/core/__init__.py": "",
    "src/app/core/config.py": CONFIG,
    "src/app/core/db.py": """\
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

from .config import settings


class Base(DeclarativeBase):
    pass


engine = create_engine(f"postgresql+psycopg2://{settings.POSTGRES_URI}")
Session = sessionmaker(engine)
""",
    "src/app/models.py": """\
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .core.db import Base


class Note(Base):
    __tablename__ = "note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
""",
    "src/app/main.py": """\
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import select

from .core.db import Session
from .models import Note

app = FastAPI(title="Boilerplate")


class NoteIn(BaseModel):
    text: str


@app.post("/api/v1/notes", status_code=201)
def create_note(note: NoteIn) -> dict:
    with Session.begin() as session:
        session.add(Note(text=note.text))
    return {"text": note.text}


@app.get("/api/v1/notes")
def list_notes() -> list[str]:
    with Session() as session:
        return list(session.scalars(select(Note.text).order_by(Note.id)))
""",
    "src/alembic.ini": """\
[alembic]
script_location = migrations
prepend_sys_path = .
sqlalchemy.url = driver://user:pass@localhost/dbname
""",
    "src/migrations/env.py": """\
from alembic import context
from app.core.config import settings
from app.core.db import Base
from sqlalchemy import engine_from_config, pool

config = context.config
config.set_main_option("sqlalchemy.url", f"postgresql+psycopg2://{settings.POSTGRES_URI}")
target_metadata = Base.metadata

connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                 poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
""",
    "src/migrations/versions/0001_note.py": """\
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table("note", sa.Column("id", sa.Integer, primary_key=True), sa.Column("text", sa.String(200)))


def downgrade() -> None:
    op.drop_table("note")
""",
}

PRESTART = "touch src/.env && cd src && alembic upgrade head"


def test_detect_creates_the_settings_file_before_the_migrations_and_check_refuses_without_it(render, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", BACKEND), "settings-file")

    assert_shows(detected(space.project),
                 f"prestart {PRESTART} (space.json: ) <- src/alembic.ini; src/app/core/config.py gives Starlette "
                 "0.36.3's Config src/.env, which must exist",
                 'backend_files ["src/alembic.ini", "src/migrations"] (space.json: []) <- src/alembic.ini runs before '
                 "the start and needs src/alembic.ini, src/migrations",
                 "SECRET_KEY Secret, required <- read in src/app/core/config.py")
    space_tools(space.project, "detect", "--write")
    assert space_tools(space.project, "check").returncode == 0
    settings = json.loads((space.project / "space.json").read_text())
    (space.project / "space.json").write_text(json.dumps({**settings, "prestart": "cd src && alembic upgrade head"}))
    refused = space_tools(space.project, "check", check=False)
    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        "upgrade Starlette to 0.37 or later, which only warns, or answer prestart=`touch src/.env` before what it "
        "runs (`./space detect --write` does)."), refused.stderr


def test_a_starlette_that_only_warns_gets_no_settings_file(render, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        **BACKEND, "requirements.txt": BACKEND["requirements.txt"].replace("fastapi==0.109.2", "fastapi==0.110.1")})
    space = make_space(render, "python", backend, "settings-file-037")

    assert_shows(detected(space.project), "prestart cd src && alembic upgrade head (space.json: ) <- src/alembic.ini")


@pytest.mark.docker
def test_the_boilerplate_migrates_from_src_and_serves_without_a_settings_file(render, cli, tmp_path,
                                                                               postgres_cluster):
    space = make_space(render, "python", write_backend(tmp_path / "backend", BACKEND), "settings-file")
    database = urlsplit(postgres_cluster.new_database())
    env = {"SECRET_KEY": "a-secret-key-of-the-team-0123456789", "POSTGRES_SERVER": database.hostname,
           "POSTGRES_PORT": str(database.port), "POSTGRES_DB": database.path.lstrip("/")}

    with running(cli, space, env=env) as url:
        created = docker.http_post_json(f"{url}/api/v1/notes", {"text": "first"})
        listed = docker.http_get(f"{url}/api/v1/notes")
    assert created[0] == 201 and listed == (200, b'["first"]')
