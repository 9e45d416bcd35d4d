"""The layout of the FastAPI full-stack template and the apps made from it: the migrations live inside the app's
package (`app/alembic`), and `scripts/prestart.sh` runs the package's own modules (`python app/backend_pre_start.py`,
`python app/initial_data.py`) around `alembic upgrade head`. Copied with only the runtime and the backend's path,
detect finds the pre-start script; sync ships the whole package although backend_files names a folder inside it,
and the scripts' modules with what they import; the data the prestart step seeds is served."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import make_space, running, write_backend

BACKEND = {
    "pyproject.toml": """\
[project]
name = "app"
version = "0.1.0"
requires-python = ">=3.10,<4.0"
dependencies = [
    "fastapi>=0.114.2,<1.0.0",
    "uvicorn>=0.30",
    "sqlmodel>=0.0.21,<1.0.0",
    "alembic>=1.12.1,<2.0.0",
    "tenacity>=8.2.3,<9.0.0",
    "pydantic-settings>=2.2.1,<3.0.0",
]

[dependency-groups]
dev = ["pytest>=7.4.3,<8.0.0"]
""",
    "alembic.ini": """\
# A generic, single database configuration.

[alembic]
# path to migration scripts
script_location = app/alembic

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
""",
    "scripts/prestart.sh": """\
#! /usr/bin/env bash

set -e
set -x

# Let the DB start
python app/backend_pre_start.py

# Run migrations
alembic upgrade head

# Create initial data in DB
python app/initial_data.py
""",
    "app/__init__.py": "",
    "app/core/__init__.py": "",
    "app/core/config.py": """\
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    PROJECT_NAME: str = "Inventory"
    SQLALCHEMY_DATABASE_URI: str = "sqlite:///./inventory.db"
    FIRST_ITEM: str = "the first item"


settings = Settings()
""",
    "app/models.py": """\
from sqlmodel import Field, SQLModel


class Item(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=255)
""",
    "app/core/db.py": """\
from sqlmodel import Session, create_engine, select

from app.core.config import settings
from app.models import Item

engine = create_engine(settings.SQLALCHEMY_DATABASE_URI)


def init_db(session: Session) -> None:
    if session.exec(select(Item)).first() is None:
        session.add(Item(title=settings.FIRST_ITEM))
        session.commit()
""",
    "app/backend_pre_start.py": """\
import logging

from sqlalchemy import Engine
from sqlmodel import Session, select
from tenacity import after_log, before_log, retry, stop_after_attempt, wait_fixed

from app.core.db import engine

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)

max_tries = 60 * 5  # 5 minutes
wait_seconds = 1


@retry(
    stop=stop_after_attempt(max_tries),
    wait=wait_fixed(wait_seconds),
    before=before_log(logger, logging.INFO),
    after=after_log(logger, logging.WARN),
)
def init(db_engine: Engine) -> None:
    with Session(db_engine) as session:
        # Try to create session to check if DB is awake
        session.exec(select(1))


def main() -> None:
    logger.info("Initializing service")
    init(engine)
    logger.info("Service finished initializing")


if __name__ == "__main__":
    main()
""",
    "app/initial_data.py": """\
import logging

from sqlmodel import Session

from app.core.db import engine, init_db

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)


def init() -> None:
    with Session(engine) as session:
        init_db(session)


def main() -> None:
    logger.info("Creating initial data")
    init()
    logger.info("Initial data created")


if __name__ == "__main__":
    main()
""",
    "app/alembic/env.py": """\
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

from app.core.config import settings  # noqa
from app.models import SQLModel  # noqa

config = context.config
fileConfig(config.config_file_name)
target_metadata = SQLModel.metadata


def run_migrations_online():
    configuration = config.get_section(config.config_ini_section)
    configuration["sqlalchemy.url"] = settings.SQLALCHEMY_DATABASE_URI
    connectable = engine_from_config(configuration, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
""",
    "app/alembic/script.py.mako": '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
''',
    "app/alembic/versions/e2412789c190_initialize_models.py": '''\
"""Initialize models

Revision ID: e2412789c190
Revises:
Create Date: 2023-11-24 22:55:43.195942

"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "e2412789c190"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("item")
''',
    "app/main.py": """\
from fastapi import FastAPI
from sqlmodel import Session, select

from app.core.config import settings
from app.core.db import engine
from app.models import Item

app = FastAPI(title=settings.PROJECT_NAME)


@app.get("/items/")
def read_items() -> list[Item]:
    with Session(engine) as session:
        return list(session.exec(select(Item)).all())
""",
}


@pytest.fixture
def backend(tmp_path: Path) -> Path:
    folder = write_backend(tmp_path / "backend", BACKEND)
    subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet"], cwd=folder, check=True, capture_output=True,
                   timeout=300)
    return folder


def test_sync_ships_the_package_the_migrations_live_in_and_what_the_prestart_script_runs(render, backend):
    project = render(runtime="python", backend_path=str(backend))
    detected = space_tools(project, "detect", "--write").stdout
    assert re.search(r"(?m)^  prestart +sh scripts/prestart\.sh ", detected), detected

    space_tools(project, "sync")

    shipped = sorted(path.relative_to(project / "backend").as_posix()
                     for path in (project / "backend").rglob("*") if path.is_file() and path.name != ".backend-sync.json")
    assert shipped == sorted([*BACKEND, "uv.lock"])


@pytest.mark.docker
def test_the_prestart_steps_run_the_packages_modules_and_the_app_serves_what_they_seeded(render, cli, backend):
    space = make_space(render, "python", backend, "full-stack-layout")

    with running(cli, space) as url:
        status, body = docker.http_get(f"{url}/items/")
        assert (status, json.loads(body)) == (200, [{"id": 1, "title": "the first item"}])


def test_what_a_prestart_script_names_outside_the_backend_is_never_shipped(render, tmp_path):
    """A script that runs a file above the backend, or a link out of it: sync follows neither."""
    outside = tmp_path / "ops"
    outside.mkdir()
    (outside / "seed.py").write_text("print('seeding')\n")
    (outside / "secret-steps.sh").write_text("echo never shipped\n")
    backend = write_backend(tmp_path / "backend", {
        "app/__init__.py": "", "app/main.py": BACKEND["app/main.py"].split("from app.core")[0] + "app = FastAPI()\n",
        "requirements.txt": "fastapi\nuvicorn\n",
        "scripts/prestart.sh": "#! /usr/bin/env bash\nset -e\npython ../ops/seed.py\nsh scripts/linked.sh\n"})
    (backend / "scripts" / "linked.sh").symlink_to(outside / "secret-steps.sh")
    project = render(runtime="python", backend_path=str(backend), prestart="sh scripts/prestart.sh",
                     backend_files=["scripts/prestart.sh"])

    space_tools(project, "sync")

    shipped = {p.relative_to(project / "backend").as_posix() for p in (project / "backend").rglob("*")
               if p.is_file() and p.name != ".backend-sync.json"}
    assert shipped == {"app/__init__.py", "app/main.py", "requirements.txt", "pylock.toml", "scripts/prestart.sh"}
