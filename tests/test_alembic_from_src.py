"""A FastAPI backend whose code lives in `src/` (the app is `src.main:app`) while Alembic sits at the root and its
env.py imports `config` and `db` as top-level modules, because its authors run migrations with `src` on the path
(hotelhub's layout). Copied with only the runtime and the backend's path, detect gives the pre-start that path,
and the migration it runs creates the table the app serves."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import assert_shows, detected, make_space, running, write_backend

BACKEND = {
    "requirements.txt": "fastapi==0.115.6\nuvicorn==0.34.0\nsqlalchemy==2.0.36\nalembic==1.14.0\n"
                        "pydantic-settings==2.7.1\n",
    "alembic.ini": """\
[alembic]
script_location = alembic
prepend_sys_path = .

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
""",
    "alembic/env.py": """\
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from src.hotel.models import Hotel  # noqa
from config import settings
from db import Base

config = context.config
fileConfig(config.config_file_name)
config.set_main_option("sqlalchemy.url", settings.DATABASE_URL)
target_metadata = Base.metadata

connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.",
                                 poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
""",
    "alembic/script.py.mako": "",
    "alembic/versions/0001_hotels.py": """\
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("hotels", sa.Column("id", sa.Integer(), primary_key=True), sa.Column("name", sa.String(100)))
    op.execute("INSERT INTO hotels (name) VALUES ('Grand Budapest')")


def downgrade():
    op.drop_table("hotels")
""",
    "src/__init__.py": "",
    "src/config.py": """\
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    DATABASE_URL: str = "sqlite:///./hotels.db"


settings = Settings()
""",
    "src/db.py": """\
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase

from src.config import settings

engine = create_engine(settings.DATABASE_URL)


class Base(DeclarativeBase):
    pass
""",
    "src/hotel/__init__.py": "",
    "src/hotel/models.py": """\
from sqlalchemy.orm import Mapped, mapped_column

from src.db import Base


class Hotel(Base):
    __tablename__ = "hotels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
""",
    "src/main.py": """\
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from src.db import engine
from src.hotel.models import Hotel

app = FastAPI()


@app.get("/hotels")
def hotels() -> list[str]:
    with Session(engine) as session:
        return [hotel.name for hotel in session.scalars(select(Hotel))]
""",
}


def test_detect_runs_the_migrations_with_the_folder_env_py_imports_from_on_the_path(render, tmp_path):
    backend = write_backend(tmp_path / "backend", BACKEND)
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "prestart PYTHONPATH=src:$PYTHONPATH alembic upgrade head (space.json: ) <- "
                 "alembic.ini", "asgi_app src.main:app (space.json: app.main:app) <- src/main.py")


@pytest.mark.docker
def test_the_migrations_importing_from_src_run_before_the_start_and_the_app_serves_their_rows(render, cli, tmp_path):
    space = make_space(render, "python", write_backend(tmp_path / "backend", BACKEND), "alembic-from-src")

    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/hotels")
        assert (status, json.loads(body)) == (200, ["Grand Budapest"])
    assert space.settings["prestart"] == "PYTHONPATH=src:$PYTHONPATH alembic upgrade head"
    space_tools(space.project, "check")
