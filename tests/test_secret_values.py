"""A public Variable whose value looks like a credential is refused (space_tools/secret_looks.py): every common token
format, a password inside a URL, a header or a connection string, and a random value under a name that says key;
ordinary settings pass. Values are fake but shaped like the real ones."""

from __future__ import annotations

import json
import shutil

import pytest
from space_tools import secret_looks

from tests.conftest import python_example_answers, space_tools
from tests.hub_standin.fixtures import SECRET_VALUE, SpaceRepo

FAST = ("--poll-interval", "0.1", "--yes")

REFUSED = [
    # URLs with a password, with or without a user name
    ("REDIS_URL", "redis://:s3cr3tP4ssw0rd@redis.internal:6379/0"),
    ("BROKER", "amqp://notes:Xk9mP2vLq7@rabbit.internal:5672/notes"),
    ("MONGO_HOST", "mongodb+srv://app:Zr7pQ2wX9@cluster0.ab1cd.mongodb.net/notes?retryWrites=true"),
    ("UPSTREAM", "https://bot:s3cr3tpw@api.example.com"),
    # password=, token=, key= inside a connection string or a query
    ("DB_OPTIONS", "host=db.internal port=5432 user=notes password=Wq8rT2zP dbname=notes"),
    ("POSTGRES_CONN", "postgres://db.example.com:5432/app?sslmode=require&password=hunter22x"),
    ("STORAGE_CONNECTION", ("DefaultEndpointsProtocol=https;AccountName=notesstore;"
                            "AccountKey=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==;EndpointSuffix=core.windows.net")),
    ("MSSQL", "Server=tcp:db.example.com,1433;Database=notes;User Id=sa;Password=P4ss-w0rd!;"),
    ("SEARCH_ENDPOINT", "https://search.example.com/query?api_key=3b1f9e7c2d8a4f60"),
    ("WEBHOOK", "https://example.com/hook?token=abc123def456ghi7"),
    ("BLOB_URL", "https://store.blob.core.windows.net/c?sv=2022-11-02&ss=b&sig=Qx7%2Bk9Lm2Pz%3D"),
    ("WORKER_ARGS", "--concurrency 4 --api-key=9f8e7d6c5b4a"),
    # Authorization header values
    ("AUTH_HEADER", "Bearer hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678"),
    ("UPSTREAM_AUTH", "Basic bm90ZXM6czNjcjN0cHc="),
    ("BACKEND_AUTH", "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"),
    ("EXTRA_HEADERS", "Authorization: Bearer 8f3Kq0LmZx91RtYv"),
    # token formats, under names that say nothing
    ("HUB", "hf_xYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456"),
    ("GH", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("GH_APP", "gho_16C7e42F292c6912E7710c838347Ae178B4a"),
    ("GH_FINE", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX"),
    ("GITLAB", "glpat-xY9zAbCdEfGhIjKlMnOp"),
    ("OPENAI", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"),
    ("OPENAI_LEGACY", "sk-4f9Ab7cD2eF5gH8iJ1kL3mN6oP0qR2sT5uV8wX1yZ3aB5cD7"),
    ("CLAUDE", "sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z-Zq7AA"),
    ("STRIPE", "sk_live_51H8xYzAbCdEfGhIjKlMnOp"),
    ("STRIPE_RESTRICTED", "rk_live_51H8xYzAbCdEfGhIjKlMnOp"),
    ("AWS_ID", "AKIAIOSFODNN7EXAMPLE"),
    ("S3_SIGNING", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("MAPS", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"),
    ("GOOGLE_CLIENT", "GOCSPX-aBcDeFgHiJkLmNoPqRsTuVwXyZ01"),
    ("SLACK", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
    ("SLACK_HOOK", "https://hooks.slack.com/services/T0A1B2C3D/B0A1B2C3D/aBcDeFgHiJkLmNoPqRsTuVwX"),
    ("DISCORD_HOOK", "https://discord.com/api/webhooks/123456789012345678/AbCdEf-GhIjKl_MnOp"),
    ("TELEGRAM", "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"),
    ("NPM", "npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("PYPI", "pypi-AgEIcHlwaS5vcmcCJGE4ZjYzYmM4LTc5ZmItNDFhNy1hZWMwLWQ4NWM0YTE3MzFhMAACKlsz"),
    ("SENDGRID", "SG.aBcDeFgHiJkLmNoPqRsTuV.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789aBcDeFg"),
    ("GROQ", "gsk_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("REPLICATE", "r8_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
    ("SESSION_SAMPLE", ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ."
                        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")),
    ("SIGNING_PEM", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"),
    ("DEPLOY_SSH", ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n"
                    "-----END OPENSSH PRIVATE KEY-----")),
    # a database's connection string, which holds its credentials once deployed
    ("DB_URL", "postgres://app@db.internal:5432/app"),
    ("POSTGRES_URL", "postgresql://notes@localhost/notes"),
    # names without underscores
    ("DBPASSWORD", "hunter22"),
    ("HFTOKEN", "hf_xYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456"),
    ("APIKEY", "3b1f9e7c2d8a4f6012ab"),
    ("SECRETKEY", "django-insecure-7k#d2!x9q@m4z"),
    # a random value under a name whose word ends like a secret's
    ("OPENAIKEY", "4f9Ab7cD2eF5gH8iJ1kL"),
    ("MASTERKEY", "Zr7pQ2wX9kL4mN8vB3cD"),
    ("DBPASS", "Wq8rT2zPx9Lm4Kv7"),
    ("ADMINPWD", "Tz9qL2xW7mP4vR8kJ6hF"),
    ("SESSIONKEYS", "3f9a1c7e5b2d8f4a6c0e1b3d"),
]

PASSED = [
    ("LOG_LEVEL", "debug"),
    ("LOG_LEVEL", "INFO"),
    ("DEBUG", "false"),
    ("WEB_CONCURRENCY", "2"),
    ("APP_PORT", "7860"),
    ("REQUEST_TIMEOUT", "30s"),
    ("CACHE_TTL", "1h30m"),
    ("HOST", "0.0.0.0"),
    ("DB_HOST", "db-primary.internal.example.com"),
    ("API_BASE_URL", "https://api.example.com/v1"),
    ("CACHE_URL", "redis://redis.internal:6379/0"),
    ("PROXY_URL", "http://notes@proxy.example.com:3128"),
    ("METRICS_URL", "http://[::1]:9090/metrics"),
    ("SUPPORT_URL", "https://example.com:8443?contact=help@example.com"),
    ("CALLBACK_URL", "https://notes.example.com/auth/callback?next=/home&state=fresh"),
    ("MODEL_ID", "meta-llama/Llama-3.1-8B"),
    ("EMBEDDING_MODEL", "sentence-transformers/all-MiniLM-L6-v2"),
    ("OPENAI_MODEL", "gpt-4o-mini"),
    ("DATA_DIR", "/data/uploads"),
    ("NOTES_DB_PATH", "./data/notes.db"),
    ("SECRETS_DIR", "/run/secrets"),
    ("CORS_ORIGINS", "https://app.example.com,https://admin.example.com,http://localhost:3000"),
    ("ADMIN_EMAIL", "ops@example.com"),
    ("TENANT_ID", "3f2b8c1e-9d4a-4b7e-8f21-6c5d0a9e7b13"),
    ("GIT_SHA", "4e04c9470fd3a1b8e2c6d5f7a9b0c1d2e3f4a5b6"),
    ("TOKEN_EXPIRE_MINUTES", "30"),
    ("ACCESS_TOKEN_EXPIRE_MINUTES", "60"),
    ("JWT_ALGORITHM", "HS256"),
    ("PASSWORD_MIN_LENGTH", "8"),
    ("MAX_TOKENS", "4096"),
    ("API_KEY_HEADER", "X-API-Key"),
    ("AUTH_SCHEME", "Bearer"),
    ("AUTH_MODE", "basic authentication"),
    ("TIMEZONE", "Europe/Paris"),
    ("QUEUE_NAME", "risk-assessment-jobs"),
    ("SKLEARN_PIPELINE", "sk-learn-pipeline-config-v2"),
    ("FEATURE_FLAGS", "search,export,dark-mode"),
    ("LLM_PARAMS", "max_tokens=512&temperature=0.7"),
    ("DATABASE_OPTIONS", "sslmode=require&connect_timeout=10"),
    ("HF_HUB_ENABLE_HF_TRANSFER", "1"),
    ("KEYBOARD_LAYOUT", "us-international"),
    ("GEVENT_MONKEY_PATCH", "socket,ssl,threading"),
    ("CACHE_BYPASS", "true"),
    ("CA_CERT", "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkq\n-----END CERTIFICATE-----"),
    ("APP_NAME", "Notes API"),
    ("BANNER_TEXT", "Basic plan includes 3 notebooks"),
]


@pytest.mark.parametrize(("name", "value"), REFUSED, ids=[name for name, _ in REFUSED])
def test_a_credential_is_recognised(name, value):
    assert secret_looks.why_secret(name, value) is not None


@pytest.mark.parametrize(("name", "value"), PASSED, ids=[f"{name}={value}"[:40] for name, value in PASSED])
def test_an_ordinary_setting_passes(name, value):
    assert secret_looks.why_secret(name, value) is None


def test_what_a_value_looks_like_is_said_without_quoting_it():
    assert secret_looks.why_secret("CACHE", "redis://:s3cr3tP4ssw0rd@redis.internal:6379/0") == "a URL with a password"
    assert secret_looks.why_secret("HUB", "hf_xYzAbCdEfGhIjKlMnOpQrStUvWxYz0123456") == "a Hugging Face token"
    for name, value in REFUSED:
        assert value not in secret_looks.why_secret(name, value)


# --- end to end: the Space's own `check` and `deploy` ----------------------------------------------------------

SLIPPED_THROUGH = {  # what the check missed before: one of each kind, under names that say nothing
    "CACHE_URL": "redis://:s3cr3tP4ssw0rd@redis.internal:6379/0",
    "UPSTREAM_AUTH": "Bearer hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ012345678",
    "DB_OPTIONS": "postgres://db.example.com:5432/app?sslmode=require&password=hunter22x",
}


def test_a_rendered_space_names_its_secret_looking_variables_and_deploy_refuses_them(
        render, python_backends, tmp_path, cli, hub):
    backend = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    answers = python_example_answers(backend, space_owner="alice", space_name="notes")
    answers["env_vars"] = {**answers["env_vars"], **{
        name: {"secret": False, "required": False, "default": "", "help": "A setting."} for name in SLIPPED_THROUGH}}
    project = render(**answers)
    (project / ".env").write_text(f"APP_SECRET_KEY={SECRET_VALUE}\nLOG_LEVEL=debug\n"
                                  + "".join(f"{name}={value}\n" for name, value in SLIPPED_THROUGH.items()))

    checked = space_tools(project, "check")
    refused = cli(SpaceRepo(project, "alice/notes"), "deploy", *FAST, hub=hub)

    assert checked.returncode == 0  # check reports, deploy refuses
    assert "note: CACHE_URL (a URL with a password) looks like a secret but is a Variable" in checked.stdout
    assert all(f"note: {name} (" in checked.stdout for name in SLIPPED_THROUGH)
    assert "LOG_LEVEL" not in checked.stdout
    assert refused.returncode == 2, refused.output
    error = [line for line in refused.output.splitlines() if line.startswith("error: ")]
    assert len(error) == 1 and "Traceback" not in refused.output
    assert all(f"{name} (" in error[0] and f"--public {name}" in error[0] for name in SLIPPED_THROUGH)
    assert 'declare them Secrets ("secret": true under variables in space.json)' in error[0]
    assert "Nothing was sent." in error[0] and hub.mutating_requests() == []
    for value in SLIPPED_THROUGH.values():
        assert value not in checked.stdout + checked.stderr and value not in refused.output


@pytest.mark.parametrize("name", sorted(SLIPPED_THROUGH))
def test_declared_a_secret_the_value_is_sent_as_one(make_space, cli, hub, name):
    repo = make_space()
    repo.declare(name, secret=False)
    repo.write(".env", f"GREETING=hi\nAPI_KEY={SECRET_VALUE}\n{name}={SLIPPED_THROUGH[name]}\n")

    refused = cli(repo, "deploy", *FAST, hub=hub)
    repo.declare(name, secret=True)
    sent = cli(repo, "deploy", *FAST, hub=hub)

    assert refused.returncode == 2 and f"error: {name} (" in refused.output
    assert "declare it a Secret" in refused.output and SLIPPED_THROUGH[name] not in refused.output
    assert sent.returncode == 0, sent.output
    space = hub.space(repo.space_id)
    assert space.secrets[name]["value"] == SLIPPED_THROUGH[name] and name not in space.variables
    assert json.dumps(SLIPPED_THROUGH[name]) not in sent.output and SLIPPED_THROUGH[name] not in sent.output
