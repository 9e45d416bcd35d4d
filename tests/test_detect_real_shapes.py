"""`detect` on backends written the way public projects write them, where it once went wrong: Starlette's and
python-decouple's config readers, pydantic v1 settings, the backend's own `.env.example` values, names that are
about a secret but are not one (durations, counts), the storage a PostgreSQL backend needs, and code that meets
Spaces badly (a port kept in a constant, a `workspace:` dependency). No Docker: detect only reads files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from space_tools import config, detect
from tests.conftest import space_tools
from tests.support.shapes import assert_shows, detected, write_backend

STARLETTE_MAIN = """\
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from app import settings


async def homepage(request):
    return JSONResponse({"hello": "world"})


app = Starlette(debug=settings.DEBUG, routes=[Route("/", homepage)])
"""
# As Starlette's documentation (Configuration) writes it.
STARLETTE_CONFIG = """\
import databases
from starlette.config import Config
from starlette.datastructures import CommaSeparatedStrings, Secret

config = Config(".env")

DEBUG = config("DEBUG", cast=bool, default=False)
TESTING = config("TESTING", cast=bool, default=False)
DATABASE_URL = config("DATABASE_URL", cast=databases.DatabaseURL)
SECRET_KEY = config("SECRET_KEY", cast=Secret)
SMTP_PASS = config("SMTP_PASS", cast=Secret)
ALLOWED_HOSTS = config("ALLOWED_HOSTS", cast=CommaSeparatedStrings)
LOG_LEVEL = config("LOG_LEVEL", str, "info")
"""
DECOUPLE_SETTINGS = """\
from decouple import Csv, config

DEBUG = config("DEBUG", default=False, cast=bool)
SECRET_KEY = config("SECRET_KEY")
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="localhost,127.0.0.1", cast=Csv())
REDIS_URL = config("REDIS_URL", "redis://localhost:6379/0")
PAGE_SIZE = config("PAGE_SIZE", default=20, cast=int)
SENTRY_ENVIRONMENT = config("SENTRY_ENVIRONMENT", default=None)
"""
DECOUPLE_MAILER = """\
from pathlib import Path

from decouple import AutoConfig

config = AutoConfig(search_path=Path(__file__).resolve().parent)

SMTP_HOST = config("SMTP_HOST", default="localhost")
SMTP_PORT = config("SMTP_PORT", default=25, cast=int)
SMTP_API_KEY = config("SMTP_API_KEY")
"""
FASTAPI_MAIN = """\
from fastapi import FastAPI

from app import settings

app = FastAPI(debug=settings.DEBUG)
"""
# pydantic 1.x, as FastAPI's full-stack template wrote it before pydantic-settings.
PYDANTIC_V1_SETTINGS = """\
from typing import Optional

from pydantic import AnyHttpUrl, BaseSettings, EmailStr, Field, SecretStr


class Settings(BaseSettings):
    PROJECT_NAME: str = "Items API"
    SECRET_KEY: str
    FIRST_SUPERUSER: EmailStr = ...
    FIRST_SUPERUSER_PASSWORD: SecretStr = Field(..., env="ADMIN_PASSWORD")
    SMTP_HOST: str = Field("smtp.example.com", env="MAIL_HOST")
    SENTRY_DSN: Optional[AnyHttpUrl] = None
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24 * 8

    class Config:
        env_prefix = "APP_"
        case_sensitive = True


settings = Settings()
"""
PYDANTIC_V2_SETTINGS = """\
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTES_", env_file=".env")

    admin_email: str = ...
    openai_api_key: SecretStr
    page_size: int = Field(50, alias="PAGE_SIZE")


settings = Settings()
"""


@pytest.fixture
def backend(tmp_path) -> Path:
    (tmp_path / "backend").mkdir()
    return tmp_path / "backend"


def _answers_found(project: Path) -> dict:
    """What `detect --write` makes the answers (read in-process: --write renders from the template's commit)."""
    settings = config.load(project)
    return detect.changes(settings, *detect.find(settings))


def test_starlette_config_as_its_docs_write_it(render, backend):
    write_backend(backend, {"app/__init__.py": "", "app/main.py": STARLETTE_MAIN, "app/settings.py": STARLETTE_CONFIG,
                            "requirements.txt": "starlette\nuvicorn\ndatabases[sqlite]\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown,
           "DEBUG Variable, optional, default 'false' <- read in app/settings.py",
           "DATABASE_URL Secret, required <- read in app/settings.py",
           "SECRET_KEY Secret, required",
           "SMTP_PASS Secret, required",  # cast=Secret, though the name alone says nothing
           "ALLOWED_HOSTS Variable, required",
           "LOG_LEVEL Variable, optional, default 'info'")  # Config.__call__(key, cast, default)


def test_python_decouple_config_and_autoconfig(render, backend):
    write_backend(backend, {"app/__init__.py": "", "app/main.py": FASTAPI_MAIN, "app/settings.py": DECOUPLE_SETTINGS,
                            "app/mailer.py": DECOUPLE_MAILER, "requirements.txt": "fastapi\nuvicorn\npython-decouple\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown,
           "DEBUG Variable, optional, default 'false' <- read in app/settings.py",
           "SECRET_KEY Secret, required",
           "ALLOWED_HOSTS Variable, optional, default 'localhost,127.0.0.1'",
           "REDIS_URL Variable, optional, default 'redis://localhost:6379/0'",  # config(key, default, cast)
           "PAGE_SIZE Variable, optional, default '20'",
           "SENTRY_ENVIRONMENT Variable, optional <- read in app/settings.py",
           "SMTP_HOST Variable, optional, default 'localhost' <- read in app/mailer.py",
           "SMTP_PORT Variable, optional, default '25'",
           "SMTP_API_KEY Secret, required")


def test_pydantic_v1_settings_with_env_prefix_and_field_env(render, backend):
    write_backend(backend, {"app/__init__.py": "", "app/main.py": FASTAPI_MAIN.replace("settings.DEBUG", "False"),
                            "app/core/__init__.py": "", "app/core/config.py": PYDANTIC_V1_SETTINGS,
                            "requirements.txt": "fastapi\nuvicorn\npydantic[email]<2\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown,
           "APP_PROJECT_NAME Variable, optional, default 'Items API' <- read in app/core/config.py (Settings)",
           "APP_SECRET_KEY Secret, required",
           "APP_FIRST_SUPERUSER Variable, required",  # `= ...` is pydantic's "required"
           "ADMIN_PASSWORD Secret, required",  # Field(env=...) names the variable itself, without the prefix
           "MAIL_HOST Variable, optional, default 'smtp.example.com'",
           "APP_SENTRY_DSN Secret, optional",
           "APP_ACCESS_TOKEN_EXPIRE_MINUTES Variable, optional")
    assert "APP_ADMIN_PASSWORD" not in shown and "APP_SMTP_HOST" not in shown and "APP_CASE_SENSITIVE" not in shown


def test_pydantic_v2_settings_keep_their_prefix_and_aliases(render, backend):
    write_backend(backend, {"notes/__init__.py": "", "notes/config.py": PYDANTIC_V2_SETTINGS,
                            "notes/main.py": "from fastapi import FastAPI\n\nfrom notes.config import settings\n\n"
                                             "app = FastAPI()\n",
                            "requirements.txt": "fastapi\nuvicorn\npydantic-settings\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown,
           "NOTES_ADMIN_EMAIL Variable, required <- read in notes/config.py (Settings)",
           "NOTES_OPENAI_API_KEY Secret, required",
           "PAGE_SIZE Variable, optional, default '50'")


NOTES_APP = """\
import logging
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

logging.basicConfig(level=os.getenv("LOG_LEVEL", "info").upper())
app = FastAPI(title=os.getenv("APP_NAME"))
app.add_middleware(CORSMiddleware, allow_origins=os.environ["ALLOWED_ORIGINS"].split(","))
OPENAI_API_KEY = os.getenv("OPENAI_API_KEY")
ADMIN_EMAIL = os.getenv("ADMIN_EMAIL")
UPLOAD_DIR = os.getenv("UPLOAD_DIR")
DATA_DIR = os.getenv("DATA_DIR")
"""
NOTES_EXAMPLE = """\
# Copy to .env and fill in your own values.
APP_NAME="Notes API"
ALLOWED_ORIGINS=http://localhost:5173,https://notes.example.com
LOG_LEVEL=debug
OPENAI_API_KEY=sk-proj-abc123
ADMIN_EMAIL=changeme
UPLOAD_DIR=<path to the uploads folder>
DATA_DIR=${HOME}/notes
SENTRY_RELEASE=xxx
"""


def test_the_backends_env_example_gives_defaults_to_what_the_code_reads(render, backend):
    write_backend(backend, {"app.py": NOTES_APP, ".env.example": NOTES_EXAMPLE, "requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="app:app")

    shown = detected(project)

    assert_shows(shown,
           "APP_NAME Variable, optional, default 'Notes API' <- read in app.py",
           "LOG_LEVEL Variable, optional, default 'info'",  # the code's own default wins over the example's
           "OPENAI_API_KEY Secret, optional <- read in app.py",  # a Secret's example value is never a default
           "ADMIN_EMAIL Variable, optional <- read in app.py",  # a placeholder is no default
           "UPLOAD_DIR Variable, optional <- read in app.py",
           "DATA_DIR Variable, optional <- read in app.py",  # names another variable: this machine's HOME is not it
           "SENTRY_RELEASE Variable, optional <- read in .env.example")
    assert "sk-proj-abc123" not in shown and str(Path.home()) not in shown

    variables = _answers_found(project)["env_vars"]
    assert variables["ALLOWED_ORIGINS"]["default"] == "http://localhost:5173,https://notes.example.com"
    assert variables["ALLOWED_ORIGINS"]["required"] is True, "the code still needs it; the default gives it"
    assert variables["APP_NAME"]["default"] == "Notes API"
    assert variables["OPENAI_API_KEY"]["default"] == "" and variables["ADMIN_EMAIL"]["default"] == ""


@pytest.mark.parametrize("name", [".env.sample", ".env.template", "example.env"])
def test_other_names_of_the_example_file_are_read_too(render, backend, name):
    write_backend(backend, {"app.py": 'import os\nfrom fastapi import FastAPI\n\napp = FastAPI(title=os.getenv("APP_NAME"))\n',
                            name: "APP_NAME=Notes\n", "requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="app:app")

    assert "APP_NAME Variable, optional, default 'Notes' <- read in app.py" in detected(project)


# A FastAPI JWT module as tutorials write it: most of these names mention a token or secret but hold a number.
AUTH_SETTINGS = """\
import os
from datetime import timedelta

JWT_SECRET_KEY = os.environ["JWT_SECRET_KEY"]
JWT_ALGORITHM = os.getenv("JWT_ALGORITHM", "HS256")
ACCESS_TOKEN_EXPIRE_MINUTES = int(os.environ["ACCESS_TOKEN_EXPIRE_MINUTES"])
REFRESH_TOKEN_TTL = timedelta(days=int(os.environ["REFRESH_TOKEN_TTL"]))
TOKEN_LIFETIME_SECONDS = int(os.environ["TOKEN_LIFETIME_SECONDS"])
PASSWORD_MIN_LENGTH = int(os.environ["PASSWORD_MIN_LENGTH"])
SECRET_ROTATION_DAYS = os.environ.get("SECRET_ROTATION_DAYS")
MAX_TOKENS = int(os.environ["MAX_TOKENS"])
TOKEN_LEEWAY = int(os.getenv("TOKEN_LEEWAY", 10))
API_TOKEN = os.environ["API_TOKEN"]
DB_PASSWORD = os.environ["DB_PASSWORD"]
"""


def test_durations_and_counts_named_after_a_secret_are_not_secrets(render, backend):
    write_backend(backend, {"app.py": "from fastapi import FastAPI\n\nimport auth_settings\n\napp = FastAPI()\n",
                            "auth_settings.py": AUTH_SETTINGS, "requirements.txt": "fastapi\nuvicorn\npyjwt\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="app:app")

    shown = detected(project)

    assert_shows(shown,
           "ACCESS_TOKEN_EXPIRE_MINUTES Variable, required",
           "REFRESH_TOKEN_TTL Variable, required",
           "TOKEN_LIFETIME_SECONDS Variable, required",
           "PASSWORD_MIN_LENGTH Variable, required",
           "SECRET_ROTATION_DAYS Variable, optional",
           "MAX_TOKENS Variable, required",
           "TOKEN_LEEWAY Variable, optional, default '10'",  # a number is never a secret
           "JWT_ALGORITHM Variable, optional, default 'HS256'",
           "JWT_SECRET_KEY Secret, required",
           "API_TOKEN Secret, required",
           "DB_PASSWORD Secret, required")


def test_check_and_deploy_take_for_secrets_what_detect_does(render, backend):
    write_backend(backend, {"app.py": "from fastapi import FastAPI\n\nimport auth_settings\n\napp = FastAPI()\n",
                            "auth_settings.py": AUTH_SETTINGS + 'SMTP_PASS = os.environ["SMTP_PASS"]\n',
                            "requirements.txt": "fastapi\nuvicorn\npyjwt\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="app:app")
    space_tools(project, "detect", "--write")
    variables = json.loads((project / "space.json").read_text())["variables"]
    (project / ".env").write_text("".join(f"{name}={spec['default'] or 'a-value'}\n" for name, spec in variables.items()))

    checked = space_tools(project, "check").stdout

    assert variables["SMTP_PASS"]["secret"] and not variables["ACCESS_TOKEN_EXPIRE_MINUTES"]["secret"]
    assert "looks like a secret" not in checked  # deploy would refuse what check names here


NODE_PG_SERVER = """\
import express from "express";
import pg from "pg";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const app = express();
app.get("/todos", async (req, res) => res.json((await pool.query("select * from todos")).rows));
app.listen(Number(process.env.PORT ?? 3000));
"""


def _express_server_with(backend: Path, module: str, text: str) -> None:
    """An Express server whose entry imports `module` (written with `text`) where NODE_PG_SERVER imports pg."""
    write_backend(backend, {"package.json": json.dumps({"main": "server.js", "dependencies": {"express": "^4"}}),
                            "server.js": NODE_PG_SERVER.replace('import pg from "pg";', f'import "./{module}";'),
                            module: text})


def test_a_node_backend_on_postgres_answers_storage_external(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "server.js", "dependencies": {"express": "^4", "pg": "^8"}}),
                            "server.js": NODE_PG_SERVER})
    project = render(runtime="node", backend_path=str(backend), storage="bucket")

    shown = detected(project)

    assert_shows(shown, "database postgres (space.json: sqlite) <- the code uses pg",
           "storage external (space.json: bucket) <- database postgres: the data lives in PostgreSQL, outside the Space")
    answers = _answers_found(project)
    assert (answers["database"], answers["storage"]) == ("postgres", "external")
    answers.pop("env_vars", None)
    render(**{"runtime": "node", "backend_path": str(backend), "storage": "bucket", **answers})  # Copier accepts both


def test_a_node_read_falling_back_to_undefined_is_optional(render, backend):
    redis = ('import { createClient } from "redis";\n\n'
             "export const redis = createClient({ url: process.env.REDIS_URL,\n"
             "  password: process.env.REDIS_PASSWORD || undefined });\n")
    _express_server_with(backend, "redis.js", redis)
    project = render(runtime="node", backend_path=str(backend))

    assert_shows(detected(project), "REDIS_URL Variable, required", "REDIS_PASSWORD Secret, optional")


def test_a_node_read_with_another_read_or_a_branch_to_fall_back_on_is_optional(render, backend):
    # As anucha-tk/elysia-postgresql-starter's config: only JWT_SECRET has nothing to fall back on.
    config = ('const isTest = process.env.NODE_ENV === "test";\n\nexport const config = {\n'
              '  host: process.env.TEST_APP_HOST || process.env.APP_HOST || "localhost",\n'
              '  port: (isTest ? process.env.TEST_APP_PORT : process.env.APP_PORT) || "8000",\n'
              '  jwtSecret: process.env.JWT_SECRET,\n  dbPort: Number(process.env.POSTGRES_PORT) || 5432,\n};\n')
    _express_server_with(backend, "config.js", config)
    project = render(runtime="node", backend_path=str(backend))

    assert_shows(detected(project), "TEST_APP_HOST Variable, optional <-", "APP_HOST Variable, optional, default "
                 "'localhost'", "TEST_APP_PORT Variable, optional <-", "APP_PORT Variable, optional, default '8000'",
                 "POSTGRES_PORT Variable, optional, default '5432'", "JWT_SECRET Secret, required")


def test_a_node_read_compared_made_a_boolean_or_tested_is_optional(render, backend):
    # As usekaneo/kaneo's settings: unset compares false, which is the setting's default; a key trimmed before its
    # fallback, passed with one to a parser, or kept in a local the code tests, has one too.
    settings = ('export const settings = {\n  disableRegistration: process.env.DISABLE_REGISTRATION === "true",\n'
                '  telemetry: process.env.TELEMETRY !== "false",\n'
                '  googleLogin: Boolean(process.env.GOOGLE_CLIENT_ID) && Boolean(process.env.GOOGLE_CLIENT_SECRET),\n'
                '  smtpHost: process.env.SMTP_HOST,\n'
                '  githubClientId: process.env.GITHUB_CLIENT_ID?.trim() || "",\n'
                '  forcePathStyle: parseBoolean(process.env.S3_FORCE_PATH_STYLE, true),\n};\n\n'
                'export function turnstileSecret() {\n  const secret = process.env.TURNSTILE_SECRET_KEY;\n'
                '  if (!secret) return null;\n  return secret;\n}\n')
    _express_server_with(backend, "settings.js", settings)
    project = render(runtime="node", backend_path=str(backend))

    assert_shows(detected(project), "DISABLE_REGISTRATION Variable, optional <-", "TELEMETRY Variable, optional <-",
                 "GOOGLE_CLIENT_ID Variable, optional <-", "GOOGLE_CLIENT_SECRET Secret, optional <-",
                 "SMTP_HOST Variable, required", "GITHUB_CLIENT_ID Variable, optional <-",
                 "TURNSTILE_SECRET_KEY Secret, optional <-", "S3_FORCE_PATH_STYLE Variable, optional <-")


# As AreaInc's NestJS server reads DEPLOY_ADDRESS: a default where it listens, and elsewhere only whether it is set
# (its Better Auth baseURL became https://api.0.0.0.0 when the Space set the default).
DEPLOY_ADDRESS_READS = {
    "src/main.ts": 'import { createServer } from "node:http";\nimport { auth } from "./auth";\n\n'
                   'createServer((req, res) => res.end("ok")).listen(Number(process.env.PORT),\n'
                   '  process.env.DEPLOY_ADDRESS || "0.0.0.0");\n',
    "src/auth.ts": 'import { betterAuth } from "better-auth";\n\nexport const auth = betterAuth({\n'
                   '  baseURL: process.env.DEPLOY_ADDRESS && process.env.DEPLOY_ADDRESS !== "localhost"\n'
                   '    ? `https://api.${process.env.DEPLOY_ADDRESS}`\n    : process.env.AUTH_BASE_URL,\n});\n',
    "src/callback.ts": "export function callbackUrl(): string {\n  if (process.env.DEPLOY_ADDRESS) {\n"
                       "    return `http://${process.env.DEPLOY_ADDRESS}:8080/callback`;\n  }\n"
                       '  return "http://localhost:8080/callback";\n}\n',
}


def test_a_variable_the_code_asks_is_set_gets_no_default(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "src/main.ts", "dependencies": {"better-auth": "^1.4"}}),
                            **DEPLOY_ADDRESS_READS})
    project = render(runtime="node", backend_path=str(backend))

    assert_shows(detected(project), "DEPLOY_ADDRESS Variable, optional <- read in src/")
    assert "DEPLOY_ADDRESS Variable, optional, default" not in detected(project)


ZOD_ENV = """\
import "dotenv/config";
import { z } from "zod";

const EnvSchema = z.object({
  APP_NAME: z.string().default("profiles"),
  // local, dev, stg, prod
  NODE_ENV: z.enum(["prod", "stg", "dev", "local", "test"]),
  PORT: z.coerce.number().default(3000),
  PUBLIC_URL: z.string().url(),
  LOG_LEVEL: z.string().default("info, warn"),
  SENTRY_DSN: z.string().optional(),
  STRIPE_SECRET_KEY: z.string().min(10),
  MAX_UPLOAD_MB: z.coerce.number().default(25),
});

const { data: env, error } = EnvSchema.safeParse(process.env);

if (error) {
  console.error("Invalid env:", error.flatten().fieldErrors);
  process.exit(1);
}

export default env!;
"""


def test_a_zod_env_schema_gives_each_variable_and_a_node_env_its_production_name(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "server.js", "dependencies": {"zod": "^3.24"}}),
                            "server.js": 'import env from "./env.js";\n\nconsole.log(env.APP_NAME);\n',
                            "env.js": ZOD_ENV})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown, "APP_NAME Variable, optional, default 'profiles' <- read in env.js",
                 "PUBLIC_URL Variable, required <- read in env.js",
                 "LOG_LEVEL Variable, optional, default 'info, warn' <- read in env.js",
                 "SENTRY_DSN Secret, optional <- read in env.js",
                 "STRIPE_SECRET_KEY Secret, required <- read in env.js",
                 "MAX_UPLOAD_MB Variable, optional, default '25' <- read in env.js",
                 "NODE_ENV Variable, optional, default 'prod' <- read in env.js")
    assert "PORT " not in shown, "the Space sets PORT"


SQLMODEL_DB = """\
import os

from sqlmodel import Session, create_engine

DATABASE_URL = os.getenv("DATABASE_URL", "postgresql+psycopg2://postgres:postgres@localhost:5432/todos")
engine = create_engine(DATABASE_URL)


def get_session():
    with Session(engine) as session:
        yield session
"""
ASYNCPG_DB = """\
import os

import asyncpg

POOL = None


async def connect():
    global POOL
    POOL = await asyncpg.create_pool(os.environ["DATABASE_URL"])
"""
UV_LOCK_WITH_ASYNCPG = """\
version = 1
revision = 2
requires-python = ">=3.12"

[[package]]
name = "asyncpg"
version = "0.30.0"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.pythonhosted.org/packages/asyncpg-0.30.0.tar.gz", hash = "sha256:c551e9928ab6707602f44811817f82ba3c446e018bfe1d3abecc8ba5f3eac851", size = 957746 }

[[package]]
name = "todos"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "asyncpg" }]
"""


@pytest.mark.parametrize("files, because", [
    ({"db.py": SQLMODEL_DB, "requirements.txt": "fastapi\nuvicorn\nsqlmodel\n"},
     "the code uses PostgreSQL: DATABASE_URL's default in db.py is a postgres URL"),
    ({"db.py": ASYNCPG_DB, "uv.lock": UV_LOCK_WITH_ASYNCPG,
      "pyproject.toml": '[project]\nname = "todos"\nversion = "0.1.0"\nrequires-python = ">=3.12"\n'
                        'dependencies = ["asyncpg"]\n'},
     "the code uses PostgreSQL: asyncpg in uv.lock"),
], ids=["url-default", "driver-in-lock"])
def test_a_python_backend_on_postgres_answers_storage_external(render, backend, files, because):
    write_backend(backend, {"main.py": "from fastapi import FastAPI\n\nimport db\n\napp = FastAPI()\n", **files})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")

    shown = detected(project)

    assert_shows(shown, f"storage external (space.json: none) <- {because}")
    assert "postgres:postgres@" not in shown, "a URL's password is never shown"


def test_a_postgres_backend_that_reads_no_database_url_keeps_its_storage(render, backend):
    """storage=external declares DATABASE_URL: an app that builds its URL from POSTGRES_* pieces would never read it."""
    write_backend(backend, {"main.py": "from fastapi import FastAPI\n\nimport db\n\napp = FastAPI()\n",
                            "db.py": ASYNCPG_DB.replace('os.environ["DATABASE_URL"]',
                                                        'f"postgresql://{os.environ[\'POSTGRES_USER\']}@'
                                                        '{os.environ[\'POSTGRES_SERVER\']}/app"'),
                            "uv.lock": UV_LOCK_WITH_ASYNCPG,
                            "pyproject.toml": '[project]\nname = "todos"\nversion = "0.1.0"\n'
                                              'requires-python = ">=3.12"\ndependencies = ["asyncpg"]\n'})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")

    shown = detected(project)

    assert "storage external" not in shown
    assert_shows(shown, "the code uses PostgreSQL (asyncpg in uv.lock) but reads no DATABASE_URL, so storage stays as "
                        "answered")


def test_a_python_backend_on_sqlite_keeps_its_storage(render, backend):
    write_backend(backend, {"main.py": 'import os\nfrom fastapi import FastAPI\n\napp = FastAPI()\n'
                                       'DATABASE_URL = os.getenv("DATABASE_URL", "sqlite:///./app.db")\n',
                            "requirements.txt": "fastapi\nuvicorn\nsqlalchemy\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")

    assert "storage " not in detected(project)


EXPRESS_FIXED_PORT = """\
const express = require("express");

const app = express();
const port = 3005;

app.get("/", (req, res) => res.send("Hello World!"));

app.listen(port, () => {
  console.log(`Example app listening on port ${port}`);
});
"""
TS_FIXED_PORT = """\
import { createServer } from "node:http";

const PORT_CONST: number = 8080;

const server = createServer((req, res) => res.end("ok"));
server.listen(PORT_CONST);
"""
EXPRESS_ENV_PORT = """\
const express = require("express");

const app = express();
const port = process.env.PORT || 3005;

app.listen(port, () => console.log(`listening on ${port}`));
"""


# A NestJS server on a variable of its own (AreaInc's): Spaces sets PORT, never BACKEND_PORT, so 8080 it is.
NEST_OWN_VARIABLE_PORT = """\
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, {
    bodyParser: false, // Required for Better Auth
  });
  await app.listen(process.env.BACKEND_PORT ?? 8080, "0.0.0.0");
}
bootstrap();
"""
# thiagomini/better-auth-example's NestJS app: the port fixed inside bootstrap().
NEST_BOOTSTRAP_CONST_PORT = """\
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.ts';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, {
    bodyParser: false,
  });

  const port = 3002;
  await app.listen(port);
  console.log(`NestJS app listening at http://localhost:${port}`);
}

bootstrap();
"""
EXPRESS_OWN_VARIABLE_PORT = """\
const express = require("express");

const app = express();
const port = Number(process.env.API_PORT) || 4000;

app.listen(port, () => console.log(`listening on ${port}`));
"""


@pytest.mark.parametrize("entry, source, port", [("index.js", EXPRESS_FIXED_PORT, "3005"),
                                                 ("src/server.ts", TS_FIXED_PORT, "8080"),
                                                 ("src/main.ts", NEST_OWN_VARIABLE_PORT, "8080"),
                                                 ("index.js", EXPRESS_OWN_VARIABLE_PORT, "4000"),
                                                 ("src/main.ts", NEST_BOOTSTRAP_CONST_PORT, "3002")],
                         ids=["express-const", "typescript-const", "nest-own-variable", "express-own-variable",
                              "nest-bootstrap-const"])
def test_a_port_kept_in_a_constant_is_the_apps_port(render, backend, entry, source, port):
    write_backend(backend, {"package.json": json.dumps({"main": entry, "dependencies": {"express": "^4"}}), entry: source})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert f"app_port {port} (space.json: 7860) <- {entry} listens on port {port}, whatever PORT says" in shown
    assert "not PORT" not in shown


SETTINGS_PORT = """\
export const config = {
  db: { host: process.env.DB_HOST || "localhost", port: Number(process.env.DB_PORT) || 5432 },
  server: { port: Number(process.env.SERVER_PORT) || 4000 },
};
"""


def test_a_port_kept_in_a_settings_object_is_the_apps_port(render, backend):
    # anucha-tk/elysia-postgresql-starter: `.listen(config.app.port)`, the port a variable Spaces never sets reads;
    # the database's port in the same object is not the server's.
    write_backend(backend, {"package.json": json.dumps({"main": "src/index.js", "dependencies": {"express": "^5"}}),
                            "src/config.js": SETTINGS_PORT,
                            "src/index.js": 'import express from "express";\nimport { config } from "./config.js";\n\n'
                                            'express().listen(config.server.port);\n'})
    project = render(runtime="node", backend_path=str(backend))

    assert "app_port 4000 (space.json: 7860) <- the server listens on its settings' port, 4000" in detected(project)


def test_a_settings_objects_port_read_from_port_is_left_to_port(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "src/index.js", "dependencies": {"express": "^5"}}),
                            "src/config.js": SETTINGS_PORT.replace("SERVER_PORT", "PORT"),
                            "src/index.js": 'import express from "express";\nimport { config } from "./config.js";\n\n'
                                            'express().listen(config.server.port);\n'})
    project = render(runtime="node", backend_path=str(backend))

    assert "app_port" not in detected(project)


def test_a_port_read_from_the_environment_is_not_warned_about(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "index.js"}), "index.js": EXPRESS_ENV_PORT})
    project = render(runtime="node", backend_path=str(backend))

    assert "listens on port" not in detected(project)


def test_a_port_in_a_clients_settings_is_not_a_servers(render, backend):
    write_backend(backend, {"package.json": json.dumps({"main": "index.js"}), "index.js": EXPRESS_ENV_PORT,
                            "cache.js": 'import Redis from "ioredis";\n\n'
                                        'export const redis = new Redis({ host: process.env.REDIS_HOST, port: 6379 });\n',
                            "logger.js": 'import winston from "winston";\n\nexport const logger = winston.createLogger({\n'
                                         '  transports: [new winston.transports.Http({ host: "logs", port: 3000 })],\n});\n'})
    project = render(runtime="node", backend_path=str(backend))

    assert "listens on port" not in detected(project)


def test_uvicorn_run_under_main_is_harmless(render, backend):
    write_backend(backend, {"main.py": 'import uvicorn\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n'
                                       '@app.get("/")\ndef root():\n    return {"ok": True}\n\n\n'
                                       'if __name__ == "__main__":\n    uvicorn.run(app, host="0.0.0.0", port=8000)\n',
                            "requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend), asgi_app="main:app")

    assert "warning:" not in detected(project), "the image runs uvicorn itself; __main__ never runs there"


API_PACKAGE = {"name": "@acme/api", "private": True, "main": "src/index.js",
               "dependencies": {"@acme/db": "workspace:*", "@acme/logger": "workspace:^", "express": "^4.21.0"}}


def test_a_workspace_dependency_of_a_pnpm_monorepo_member_is_warned_about(render, tmp_path):
    monorepo = tmp_path / "monorepo"
    write_backend(monorepo, {"package.json": json.dumps({"name": "acme", "private": True}),
                             "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n",
                             "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
                             "packages/db/package.json": json.dumps({"name": "@acme/db", "main": "index.js"}),
                             "apps/api/package.json": json.dumps(API_PACKAGE),
                             "apps/api/src/index.js": 'const express = require("express");\n'
                                                      'express().listen(process.env.PORT);\n'})
    project = render(runtime="node", backend_path=str(monorepo / "apps" / "api"))

    shown = detected(project)

    assert_shows(shown, "warning: package.json depends on @acme/db, @acme/logger through workspace:, which only its monorepo "
                  "has: the image installs the backend folder alone, so that install fails",
           f"the backend is a member of the pnpm workspace at {monorepo.resolve()}, whose packages never ship")


def test_a_workspace_dependency_without_a_workspace_above_is_still_warned_about(render, backend):
    write_backend(backend, {"package.json": json.dumps(API_PACKAGE), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
                            "src/index.js": 'require("express")().listen(process.env.PORT);\n'})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert "warning: package.json depends on @acme/db, @acme/logger through workspace:" in shown
    assert "member of" not in shown


def test_check_refuses_a_workspace_dependency_before_any_build(render, backend):
    write_backend(backend, {"package.json": json.dumps({**API_PACKAGE, "dependencies": {
                                **API_PACKAGE["dependencies"], "better-auth": "^1.7.0"}}),
                            "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
                            "src/index.js": 'require("express")().listen(process.env.PORT);\n'})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.js")

    refused = space_tools(project, "check", check=False)

    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith("error: package.json depends on @acme/db, @acme/logger through workspace:")


def test_check_refuses_a_dependency_on_a_folder_beside_the_backend(render, tmp_path):
    # rybbit-io/rybbit's server depends on its shared types as `file:../shared`: npm links a folder the image never
    # has, and the build stopped on the dangling link after `check` said ok. A folder inside the backend ships.
    backend = write_backend(tmp_path / "server", {
        "package.json": json.dumps({"name": "server", "type": "module", "dependencies": {
            "@rybbit/shared": "file:../shared", "vendored": "file:./vendor/vendored", "better-auth": "^1.7.0",
            "fastify": "^5"}}),
        "package-lock.json": "{}\n", "vendor/vendored/package.json": '{"name": "vendored"}\n',
        "src/index.ts": 'import Fastify from "fastify";\n\nFastify().listen({ port: Number(process.env.PORT) });\n'})
    write_backend(tmp_path / "shared", {"package.json": '{"name": "@rybbit/shared"}\n'})
    project = render(runtime="node", backend_path=str(backend), entry_file="src/index.ts")

    refused = space_tools(project, "check", check=False)

    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert refused.stderr.startswith("error: package.json depends on @rybbit/shared (file:../shared), a folder "
                                     "outside the backend"), refused.stderr


def test_an_env_prefix_kept_in_a_constant_of_another_module_prefixes_the_fields(render, backend):
    # reworkd/AgentGPT: `env_prefix = ENV_PREFIX`, imported from its constants module; the Space had declared DB_HOST
    # where the app reads REWORKD_PLATFORM_DB_HOST.
    write_backend(backend, {
        "reworkd_platform/__init__.py": "", "reworkd_platform/constants.py": 'ENV_PREFIX = "REWORKD_PLATFORM_"\n',
        "reworkd_platform/settings.py": "from pydantic import BaseSettings\n\n"
                                        "from reworkd_platform.constants import ENV_PREFIX\n\n\n"
                                        'class Settings(BaseSettings):\n    db_host: str = "localhost"\n'
                                        '    db_pass: str\n\n    class Config:\n        env_file = ".env"\n'
                                        "        env_prefix = ENV_PREFIX\n",
        "reworkd_platform/main.py": "from fastapi import FastAPI\n\nfrom reworkd_platform.settings import Settings\n\n"
                                    "settings = Settings()\napp = FastAPI()\n",
        "requirements.txt": "fastapi\nuvicorn\npydantic<2\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown, "REWORKD_PLATFORM_DB_HOST Variable, optional, default 'localhost'",
                 "REWORKD_PLATFORM_DB_PASS Secret, required")
    assert " DB_HOST " not in shown


# langchain-ai/opengpts: Azure's settings are read only where Azure is chosen, the JWT settings classes (with the
# base's env_prefix) made only for the auth type asked for, and the auth type given to Settings by the call; mealie's
# factory passes SECRET to its settings class. None needs a value for the app to start.
CHOSEN_AT_RUN_TIME = {
    "app/__init__.py": "",
    "app/llms.py": """\
import os


def get_llm(azure: bool):
    if azure:
        return {"deployment": os.environ["AZURE_OPENAI_DEPLOYMENT_NAME"]}
    try:
        return {"key": os.environ["OPENAI_API_KEY"]}
    except KeyError:
        return {"endpoint": os.environ["AZURE_OPENAI_API_BASE"]}
""",
    "app/settings.py": """\
import os
from enum import Enum
from typing import Optional

from pydantic import ConfigDict
from pydantic_settings import BaseSettings


class AuthType(Enum):
    NOOP = "noop"
    JWT_LOCAL = "jwt_local"


class JWTSettingsBase(BaseSettings):
    iss: str
    model_config = ConfigDict(env_prefix="jwt_")


class JWTSettingsLocal(JWTSettingsBase):
    decode_key_b64: str


class Settings(BaseSettings):
    auth_type: AuthType
    secret: str
    database_host: str
    jwt_local: Optional[JWTSettingsLocal] = None


auth_type = AuthType(os.getenv("AUTH_TYPE", AuthType.NOOP.value).lower())
kwargs = {"auth_type": auth_type}
if auth_type == AuthType.JWT_LOCAL:
    kwargs["jwt_local"] = JWTSettingsLocal()
settings = Settings(auth_type=auth_type, secret=os.urandom(16).hex(), **kwargs)
""",
    "app/main.py": "from fastapi import FastAPI\n\nfrom app.settings import settings\n\napp = FastAPI()\n",
    "requirements.txt": "fastapi\nuvicorn\npydantic-settings\n",
}


def test_what_only_a_branch_reads_or_the_code_passes_needs_no_value(render, backend):
    write_backend(backend, CHOSEN_AT_RUN_TIME)
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown, "AZURE_OPENAI_DEPLOYMENT_NAME Variable, optional <- read in app/llms.py",
                 "AZURE_OPENAI_API_BASE Variable, optional <- read in app/llms.py",
                 "OPENAI_API_KEY Secret, required <- read in app/llms.py",  # a try's body runs
                 "JWT_ISS Variable, optional <- read in app/settings.py (JWTSettingsBase)",
                 "JWT_DECODE_KEY_B64 Variable, optional <- read in app/settings.py (JWTSettingsLocal)",
                 "AUTH_TYPE Variable, optional <- read in app/settings.py",
                 "SECRET Secret, optional <- read in app/settings.py (Settings)",
                 "DATABASE_HOST Variable, required <- read in app/settings.py (Settings)")
    assert " DECODE_KEY_B64 " not in shown


def test_a_settings_class_with_a_source_of_its_own_needs_no_value_from_the_environment(render, backend):
    # fastapi-practices/fastapi_best_architecture: its plugins' plugin.toml files give half its fields.
    write_backend(backend, {
        "requirements.txt": "fastapi\npydantic-settings\n",
        "app/__init__.py": "",
        "app/plugin_source.py": "from pydantic_settings import PydanticBaseSettingsSource\n\n\n"
                                "class PluginSettingsSource(PydanticBaseSettingsSource):\n"
                                "    def get_field_value(self, field, field_name):\n        return None, field_name, False\n\n"
                                "    def __call__(self):\n        return {}\n",
        "app/conf.py": "from pydantic_settings import BaseSettings, SettingsConfigDict\n\n"
                       "from app.plugin_source import PluginSettingsSource\n\n\n"
                       "class Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_file='.env')\n\n"
                       "    @classmethod\n    def settings_customise_sources(cls, settings_cls, init_settings, "
                       "env_settings, dotenv_settings, file_secret_settings):\n"
                       "        return env_settings, dotenv_settings, PluginSettingsSource(settings_cls)\n\n"
                       "    EMAIL_HOST: str\n    TOKEN_SECRET_KEY: str\n\n\nsettings = Settings()\n",
        "app/main.py": "from fastapi import FastAPI\n\nfrom app.conf import settings\n\napp = FastAPI(title=settings.EMAIL_HOST)\n",
    })
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "EMAIL_HOST Variable, optional <- read in app/conf.py (Settings)",
                 "TOKEN_SECRET_KEY Secret, optional <- read in app/conf.py (Settings)")


def test_what_a_test_file_reads_is_not_the_servers_variable(render, backend):
    # papra-hq/papra's integration tests read their own keys (TEST_OPENAI_API_KEY); they never run in the Space.
    write_backend(backend, {"package.json": json.dumps({"main": "src/index.js", "dependencies": {"express": "^5"}}),
                            "src/index.js": 'import express from "express";\n\n'
                                            'express().listen(Number(process.env.PORT), process.env.HOST);\n',
                            "src/ai/summary.int.test.js": "const key = process.env.TEST_OPENAI_API_KEY;\n",
                            "src/ai/summary.spec.ts": "const model = process.env.TEST_MODEL!;\n"})
    project = render(runtime="node", backend_path=str(backend))

    shown = detected(project)

    assert "HOST" in shown
    assert "TEST_OPENAI_API_KEY" not in shown and "TEST_MODEL" not in shown


def test_a_side_apps_fastapi_is_not_the_backends_app(render, backend):
    # zylon-ai/private-gpt: its worker's health check is a bare FastAPI(); the app is made by a factory in main.py.
    write_backend(backend, {
        "private_gpt/__init__.py": "", "private_gpt/arq/__init__.py": "",
        "private_gpt/arq/healthcheck.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n'
                                          '@app.get("/health")\ndef health():\n    return {"status": "ok"}\n',
        "private_gpt/launcher.py": "from fastapi import FastAPI\n\n\ndef create_app(injector):\n"
                                   "    return FastAPI(title=injector)\n",
        "private_gpt/main.py": 'from private_gpt.launcher import create_app\n\napp = create_app("private-gpt")\n',
        "requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "asgi_app private_gpt.main:app (space.json: app.main:app) <- private_gpt/main.py: "
                                    "app = create_app(...)")


def test_a_python_read_the_code_guards_with_whether_it_is_set_is_optional(render, backend):
    # letta-ai/letta: `if os.environ.get("LETTA_VERSION"): __version__ = os.environ["LETTA_VERSION"]`, and
    # `if "LOG_LEVEL" in os.environ:` before its read; both had come out required.
    write_backend(backend, {
        "app/__init__.py": 'import os\n\n__version__ = "0.16.7"\nif os.environ.get("LETTA_VERSION"):\n'
                           '    __version__ = os.environ["LETTA_VERSION"]\n',
        "app/utils.py": 'import os\n\nif "LOG_LEVEL" in os.environ:\n    LEVEL = os.environ["LOG_LEVEL"]\n',
        "app/main.py": 'import os\n\nfrom fastapi import FastAPI\n\nKEY = os.environ["SERVER_PASSWORD"]\napp = FastAPI()\n',
        "requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "LETTA_VERSION Variable, optional", "LOG_LEVEL Variable, optional",
                 "SERVER_PASSWORD Secret, required")


def test_the_app_that_wraps_another_is_the_one_served(render, backend):
    # All-Hands-AI/OpenHands: its FastAPI app is wrapped by socketio.ASGIApp in listen.py, which its Dockerfile
    # serves; a runtime server makes another FastAPI() only under `if __name__ == "__main__":`, and enterprise/ is a
    # project of its own with its own app and settings (its DB_HOST default had made the Space set one).
    write_backend(backend, {
        "openhands/__init__.py": "", "openhands/server/__init__.py": "",
        "openhands/server/app.py": "from fastapi import FastAPI\n\napp = FastAPI(title='OpenHands')\n",
        "openhands/server/listen.py": "import socketio\n\nfrom openhands.server.app import app as base_app\n\n"
                                      "sio = socketio.AsyncServer(async_mode='asgi')\n"
                                      "app = socketio.ASGIApp(sio, other_asgi_app=base_app)\n",
        "openhands/runtime/__init__.py": "",
        "openhands/runtime/action_execution_server.py": "from fastapi import FastAPI\n\n\n"
                                                        "if __name__ == '__main__':\n    app = FastAPI()\n",
        "enterprise/pyproject.toml": '[project]\nname = "enterprise"\nversion = "0.1.0"\n',
        "enterprise/saas_server.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "enterprise/migrations/env.py": "import os\n\nDB_HOST = os.getenv('DB_HOST', 'localhost')\n",
        "openhands/server/db.py": "import os\n\nHOST = os.getenv('DB_HOST')  # SQLite when unset\n",
        "pyproject.toml": '[project]\nname = "openhands-ai"\nversion = "1.0.0"\ndependencies = ["fastapi", '
                          '"python-socketio", "uvicorn"]\n'})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown, "asgi_app openhands.server.listen:app (space.json: app.main:app) <- openhands/server/listen.py: "
                        "app = ASGIApp(...)", "other ASGI apps: openhands.server.app:app")
    assert "action_execution_server" not in shown and "saas_server" not in shown
    assert_shows(shown, "DB_HOST Variable, optional <- read in openhands/server/db.py")  # enterprise's default not


def test_no_app_is_answered_when_only_a_mock_or_a_cli_makes_one(render, backend):
    # Prefect's module-level apps are its CLI's, and one sits in a folder no import reaches (scripts/proxy-test/);
    # reworkd/AgentGPT's only module-level app is a mock.
    write_backend(backend, {
        "platform/reworkd_platform/__init__.py": "", "platform/reworkd_platform/web/__init__.py": "",
        "platform/reworkd_platform/web/stream_mock.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "platform/reworkd_platform/cli/login.py": "from fastapi import FastAPI\n\nlogin_api = FastAPI()\n",
        "platform/scripts/proxy-test/server.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "platform/requirements.txt": "fastapi\nuvicorn\n"})
    project = render(runtime="python", backend_path=str(backend / "platform"))

    shown = detected(project)

    assert_shows(shown, "ASGI apps found, none the backend's own (a mock's, a health check's or a CLI's): "
                        "reworkd_platform.web.stream_mock:app, reworkd_platform.cli.login:login_api")
    assert "asgi_app ?" in shown and "proxy-test" not in shown
    refused = space_tools(project, "check", check=False)
    assert refused.returncode == 2 and "No app in it is the backend's own: name its module-level app, or its app " \
                                       "factory as module:create_app()." in refused.stderr


@pytest.mark.parametrize("launch", ["run", "command", "named"])
def test_an_app_factory_is_the_app_when_no_module_level_app_is(render, backend, launch):
    # reworkd/AgentGPT's `python -m reworkd_platform` serves its factory with `uvicorn.run(..., factory=True)`;
    # Prefect's server command passes `--factory` to uvicorn; litestar-fullstack only names its `create_app`.
    launches = {
        "run": {"platform/reworkd_platform/__main__.py": 'import uvicorn\n\n\ndef main():\n    uvicorn.run(\n'
                '        "reworkd_platform.web.application:make",\n        port=settings.port,\n'
                '        log_level=settings.log_level.lower(),\n        factory=True,\n    )\n'},
        "command": {"platform/Dockerfile": "FROM python:3.11-slim\nCMD [\"uvicorn\", \"--factory\", "
                    "\"reworkd_platform.web.application:make\", \"--port\", \"8000\"]\n"},
        "named": {},
    }
    name = "create_app" if launch == "named" else "make"
    write_backend(backend, {
        "platform/reworkd_platform/__init__.py": "", "platform/reworkd_platform/web/__init__.py": "",
        "platform/reworkd_platform/web/application.py": f"from fastapi import FastAPI\n\n\ndef {name}() -> FastAPI:\n"
                                                        "    app = FastAPI()\n    return app\n\n\n"
                                                        "def create_router(prefix):\n    return FastAPI()\n",
        "platform/reworkd_platform/web/stream_mock.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "platform/requirements.txt": "fastapi\nuvicorn\n", **launches[launch]})
    project = render(runtime="python", backend_path=str(backend / "platform"))

    shown = detected(project)

    served = ", served with uvicorn's factory mode by the project" if launch != "named" else ""
    assert_shows(shown, f"asgi_app reworkd_platform.web.application:{name}() (space.json: app.main:app) <- "
                        f"reworkd_platform/web/application.py: def {name}() -> FastAPI{served}")
    assert "create_router" not in shown  # it needs an argument
    space_tools(project, "detect", "--write")
    space_tools(project, "check")  # ok


def test_a_module_level_app_comes_before_a_factory(render, backend):
    write_backend(backend, {"app/__init__.py": "", "requirements.txt": "fastapi\nuvicorn\n",
                            "app/factory.py": "from fastapi import FastAPI\n\n\ndef create_app():\n"
                                              "    return FastAPI()\n",
                            "app/main.py": "from app.factory import create_app\n\napp = create_app()\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    assert_shows(shown, "asgi_app app.main:app <- app/main.py: app = create_app(...)")
    assert "create_app()" not in shown, "the factory a module-level app already calls is no other app"


@pytest.mark.parametrize("layout", ["uv_build", "hatch", "by-own-name", "src-is-a-name"])
def test_a_src_layout_is_imported_from_its_packages_folder(render, backend, layout):
    # `uv init --package` (uv_build takes src/), litestar-org/litestar-fullstack's hatch `packages = ["src/py/app"]`,
    # a src/ folder whose package imports itself by its own name; and one whose code imports `src.api...` instead.
    build = {"uv_build": '[build-system]\nrequires = ["uv_build>=0.8"]\nbuild-backend = "uv_build"\n',
             "hatch": '[tool.hatch.build.targets.wheel]\npackages = ["src/py/api"]\n'}.get(layout, "")
    root = "src/py" if layout == "hatch" else "src"
    imported = "src.api" if layout == "src-is-a-name" else "api"
    write_backend(backend, {
        "pyproject.toml": f'[project]\nname = "api"\nversion = "1.0"\ndependencies = ["fastapi", "uvicorn"]\n{build}',
        f"{root}/api/__init__.py": "",
        f"{root}/api/routes.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n",
        f"{root}/api/main.py": f"from fastapi import FastAPI\n\nfrom {imported}.routes import router\n\n"
                              "app = FastAPI()\napp.include_router(router)\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)

    if layout == "src-is-a-name":
        assert_shows(shown, "asgi_app src.api.main:app (space.json: app.main:app) <- src/api/main.py: "
                            "app = FastAPI(...)")
        assert "app_dir" not in shown
    else:
        why = {"uv_build": "pyproject.toml uv_build's module-root", "hatch": "pyproject.toml [tool.hatch] packages",
               "by-own-name": "src/ layout: its packages import themselves by their own names"}[layout]
        assert_shows(shown, f"asgi_app api.main:app (space.json: app.main:app) <- {root}/api/main.py: "
                            "app = FastAPI(...)",
                     f"app_dir {root} (space.json: ) <- {why}")
    space_tools(project, "detect", "--write")
    space_tools(project, "check")  # ok
    space_tools(project, "sync")
    assert (project / "backend" / root / "api" / "routes.py").is_file(), "the packages' folder ships"


def test_a_settings_helper_that_reads_through_another_helper_declares_its_variables(render, backend):
    # litestar-org/litestar-fullstack: `field(default_factory=get_env("DATABASE_URL", "postgresql+psycopg://..."))`,
    # where get_env returns `lambda: get_config_val(key=key, default=default)` and get_config_val reads os.getenv(key).
    write_backend(backend, {
        "app/__init__.py": "", "requirements.txt": "litestar\nuvicorn\n",
        "app/env.py": "import os\n\n\ndef get_config_val(key, default):\n    value = os.getenv(key)\n"
                      "    return default if value is None else value\n\n\n"
                      "def get_env(key, default):\n    return lambda: get_config_val(key=key, default=default)\n",
        "app/settings.py": "from dataclasses import dataclass, field\n\nfrom app.env import get_env\n\n\n@dataclass\n"
                           "class DatabaseSettings:\n    URL: str = field(default_factory=get_env(\"DATABASE_URL\", "
                           "\"postgresql+psycopg://app:app@localhost:15432/app\"))\n"
                           "    POOL_SIZE: int = field(default_factory=get_env(\"DATABASE_POOL_SIZE\", 5))\n",
        "app/main.py": "from litestar import Litestar\n\nfrom app.settings import DatabaseSettings\n\n"
                       "app = Litestar()\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "DATABASE_URL Secret, optional (the code has its own default) <- read in "
                                    "app/settings.py", "DATABASE_POOL_SIZE Variable, optional, default '5'")


def test_the_page_a_space_opens_first_is_the_apps_own_docs_page(render, backend):
    """rafsaf's template serves its docs at the root (docs_url="/"): the Space opens there, not on a 404 at /docs;
    a Starlette app has no docs page, so its Space opens on the root."""
    write_backend(backend, {"app/__init__.py": "", "requirements.txt": "fastapi\nuvicorn\n", "app/main.py":
                            'from fastapi import FastAPI\n\napp = FastAPI(title="Minimal", docs_url="/")\n'})
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "base_path / (space.json: /docs) <- app/main.py: docs_url='/'")

    write_backend(backend, {"app/main.py": "from starlette.applications import Starlette\n\napp = Starlette()\n"})
    assert_shows(detected(project), "base_path (space.json: /docs) <- app/main.py: Starlette serves no docs page")

    # jod35/fastapi-beyond-CRUD's docs are under its API's version prefix, an f-string of module-level strings.
    write_backend(backend, {"app/main.py": 'from fastapi import FastAPI\n\nversion = "v1"\n'
                                           'version_prefix = f"/api/{version}"\n\n'
                                           'app = FastAPI(docs_url=f"{version_prefix}/docs")\n'})
    assert_shows(detected(project), "base_path /api/v1/docs (space.json: /docs) <- app/main.py: "
                                    "docs_url='/api/v1/docs'")


def test_ruoyi_s_app_under_a_module_level_if_its_typer_cli_its_routes_under_data_and_its_font(render, backend):
    # As insistence/RuoYi-Vue3-FastAPI's backend is written: its CLI's `app = Typer(...)` is no ASGI app, app.py makes
    # the real one only when imported, a route path under /data names no file, and its captcha's font is a path
    # built from literal parts.
    write_backend(backend, {
        "cli/__init__.py": "", "cli/command.py": "from typer import Typer\n\napp = Typer(help='Manage the app')\n",
        "server.py": "from fastapi import FastAPI\n\nfrom dict_controller import router\n\n\n"
                     "def create_app() -> FastAPI:\n    app = FastAPI()\n    app.include_router(router)\n"
                     "    return app\n",
        "dict_controller.py": "from fastapi import APIRouter\n\nfrom captcha_service import font\n\n"
                              "router = APIRouter(prefix='/system/dict')\n\n\n"
                              "@router.post('/data/export')\nasync def export():\n    return {}\n\n\n"
                              "@router.get('/data/list')\nasync def listing():\n    return []\n",
        "app.py": "import uvicorn\n\nfrom server import create_app\n\nif __name__ != '__main__':\n"
                  "    app = create_app()\n\nif __name__ == '__main__':\n"
                  "    uvicorn.run(app='server:create_app', host='0.0.0.0', port=9099, factory=True)\n",
        "captcha_service.py": "from pathlib import Path\n\nfrom PIL import ImageFont\n\n\nasync def font():\n"
                              "    return ImageFont.truetype(Path.cwd() / 'assets' / 'font' / 'Arial.ttf', size=30)\n",
        "assets/font/Arial.ttf": "a font\n",
        # A development script's paths (mealie's code generation writes its frontend's files) are not the app's.
        "dev/gen_locales.py": "from pathlib import Path\n\nROOT = Path(__file__).parent.parent\n"
                              "LOCALES = ROOT / 'frontend' / 'lang' / 'messages'\n",
        "frontend/lang/messages/en.json": "{}\n",
        "requirements.txt": "fastapi\nuvicorn\ntyper\npillow\n"})
    project = render(runtime="python", backend_path=str(backend))

    shown = detected(project)
    assert_shows(shown, "asgi_app app:app (space.json: app.main:app) <- app.py: app = create_app(...)",
                 'backend_files ["assets/font/Arial.ttf"] (space.json: []) <- the app opens these by name: '
                 "assets/font/Arial.ttf (captcha_service.py)")
    assert "cli.command:app" not in shown and "/data" not in shown and "frontend" not in shown


def test_a_variable_one_reader_requires_is_required_whatever_the_others_allow(render, backend):
    # As hngprojects/hng_boilerplate_python_fastapi_web reads MAIL_USERNAME: a settings class made at import requires
    # it (python-decouple, no default), a mail helper reads it with os.getenv, and .env.sample leaves it empty.
    write_backend(backend, {
        "main.py": "from fastapi import FastAPI\n\nfrom settings import settings\n\n"
                   "app = FastAPI(title=settings.NAME)\n",
        "settings.py": "from decouple import config\nfrom pydantic_settings import BaseSettings\n\n\n"
                       "class Settings(BaseSettings):\n    NAME: str = config('NAME', default='api')\n"
                       "    MAIL_USERNAME: str = config('MAIL_USERNAME')\n\n\nsettings = Settings()\n",
        "mail.py": "import os\n\n\ndef sender():\n    return os.getenv('MAIL_USERNAME')\n",
        ".env.sample": 'NAME=api\nMAIL_USERNAME=""\n',
        # Its migrations read their own URL, which the pre-start needs; a compose host's default is no Space's.
        "alembic.ini": "[alembic]\nscript_location = alembic\n",
        "alembic/env.py": "import os\n\nfrom decouple import config as decouple_config\n\n"
                          "database_url = decouple_config('DB_URL')\nhost = os.getenv('DB_HOST', 'db')\n",
        "requirements.txt": "fastapi\npython-decouple\npydantic-settings\nalembic\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "MAIL_USERNAME Variable, required <- read in settings.py",
                 "NAME Variable, optional, default 'api' <- read in settings.py",
                 "DB_URL Secret, required <- read in alembic/env.py",
                 "DB_HOST Variable, optional <- read in alembic/env.py")


def test_migrations_named_as_a_package_resource_are_found_in_the_package(render, backend):
    # fief-dev/fief's alembic.ini, beside its package's modules, says `script_location = fief:alembic`: the
    # `alembic` folder of the package `fief`, which Alembic finds by import.
    write_backend(backend, {
        "fief/__init__.py": "", "fief/app.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
        "fief/alembic.ini": "[alembic]\nscript_location = fief:alembic\n",
        "fief/alembic/env.py": "import os\n\nurl = os.environ['DATABASE_URL']\n",
        "requirements.txt": "fastapi\nuvicorn\nalembic\n"})
    project = render(runtime="python", backend_path=str(backend))

    assert_shows(detected(project), "prestart cd fief && alembic upgrade head (space.json: ) <- fief/alembic.ini",
                 'backend_files ["fief/alembic.ini", "fief/alembic"] (space.json: [])')
