"""What deploy never lets out, and what it never claims: against the stand-in Hub (tests/hub_standin) over HTTP.

Credential files, private notes and links out of the repo stay local; the token goes to no other host and into
no Variable or Secret; a Variable that looks like a secret needs the user's word; `.env` means what python-dotenv
says; an unchanged Secret is not sent again; and the outcome reported is the one of the build the deploy started.
"""

from __future__ import annotations

import http.server
import shutil
import ssl
import subprocess
import threading
from pathlib import Path

import pytest
from dotenv import dotenv_values

from tests.conftest import python_example_answers
from tests.hub_standin import Script, ScriptedRuntime
from tests.hub_standin.fixtures import SECRET_VALUE, SpaceRepo

FAST = ("--poll-interval", "0.1", "--yes")  # --yes: a new Space is created without asking, as in CI
CREDENTIALS = (".envrc", "prod.env", ".env_prod", ".npmrc", ".pypirc", ".netrc", "id_rsa", "id_ed25519.pub",
               "secrets.json", "server.pem", "tls.key", "gcp-credentials.json", "terraform.tfstate")


@pytest.fixture
def deploy(cli, hub):
    def _deploy(repo, *args, **kwargs):
        return cli(repo, "deploy", *FAST, *args, hub=hub, **kwargs)

    return _deploy


def add_variable(repo, name: str, help_text: str = "A setting.", *, secret: bool = False) -> None:
    repo.declare(name, secret=secret, help=help_text)


def one_line_refusal(result, message: str) -> None:
    assert result.returncode == 2, result.output
    assert f"error: {message}" in result.output
    assert "Traceback" not in result.output


# --- what is uploaded ----------------------------------------------------------------------------------------


def test_the_upload_of_a_generated_space_is_exactly_what_the_image_needs(hub, render, python_backends, tmp_path,
                                                                         deploy):
    backend = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    for name in CREDENTIALS:
        (backend / name).write_text("credential\n")
        (backend / "app" / name).write_text("credential\n")
    project = render(**python_example_answers(backend, space_owner="alice", space_name="notes"))
    for name in (*CREDENTIALS, "private-notes.md", "TODO.txt"):
        (project / name).write_text("local only\n")
    (project / ".env").write_text(f"APP_SECRET_KEY={SECRET_VALUE}\n")
    repo = SpaceRepo(project, "alice/notes")

    dry = deploy(repo, "--dry-run")
    result = deploy(repo)

    assert result.returncode == 0, result.output
    code = sorted(p.relative_to(python_backends["uv-lock"]).as_posix()
                  for p in python_backends["uv-lock"].rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    serve = sorted(p.relative_to(project / "space_serve").as_posix() for p in (project / "space_serve").rglob("*")
                   if p.is_file())
    expected = {".gitattributes", ".dockerignore", "Dockerfile", "README.md", "space.json",
                *(f"backend/{path}" for path in code), *(f"space_serve/{name}" for name in serve)}
    assert set(hub.space(repo.space_id).files) == expected
    listed = {line.strip() for line in dry.output.splitlines() if line.startswith("  ")}
    assert listed == expected - {".gitattributes"}, "the dry run shows the very same list"


def test_a_link_to_a_file_outside_the_repo_is_never_uploaded(hub, make_space, deploy):
    repo = make_space()
    (repo.root / "backend" / "passwd").symlink_to("/etc/passwd")

    result = deploy(repo)

    one_line_refusal(result, "backend/passwd is a link to /etc/passwd, outside this repo")
    assert hub.mutating_requests() == []


def test_update_leftovers_are_refused_before_anything_is_sent(hub, make_space, deploy):
    repo = make_space()
    repo.write("Dockerfile.rej", "@@ -1 +1 @@\n")

    one_line_refusal(deploy(repo), "an update left unresolved conflicts: Dockerfile.rej (a rejected change)")
    assert hub.mutating_requests() == []


# --- the token and secret values -----------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers /healthz: the Space's own host redirects to another host, which says 200; both log who asked."""

    def do_GET(self):  # noqa: N802
        self.server.seen.append(self.headers.get("Authorization"))
        if self.server.redirect_to:
            self.send_response(302)
            self.send_header("Location", self.server.redirect_to)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def _https_server(cert: Path, key: Path, redirect_to: str | None) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen, server.redirect_to = [], redirect_to
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_the_health_check_of_a_private_space_never_sends_the_token_to_another_host(hub, make_space, deploy, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    other = _https_server(cert, key, None)
    own = _https_server(cert, key, f"https://localhost:{other.server_port}/elsewhere")

    class RedirectingSpace(ScriptedRuntime):
        def host(self):
            return f"https://127.0.0.1:{own.server_port}" if self.stage_and_error()[0] == "RUNNING" else None

    hub.runtime_factory = lambda space: RedirectingSpace()
    repo = make_space(visibility="private")

    result = deploy(repo, extra_env={"SSL_CERT_FILE": str(cert)})

    assert result.returncode == 0, result.output
    assert own.seen and all(header == f"Bearer {hub.token}" for header in own.seen), "the Space's own host is asked"
    assert other.seen and all(header is None for header in other.seen), "the other host never gets the token"
    for server in (own, other):
        server.shutdown()


@pytest.mark.parametrize("line", ["HF_API_TOKEN={token}  # mine", 'HF_API_TOKEN="{token}" # mine',
                                  "export HF_API_TOKEN='{token}'", "HF_API_TOKEN=Bearer {token}"])
def test_the_deploying_token_is_refused_whatever_the_dotenv_syntax(hub, make_space, deploy, line):
    repo = make_space()
    add_variable(repo, "HF_API_TOKEN", "A token for the app.", secret=True)
    repo.write(".env", f"GREETING=hi\nAPI_KEY={SECRET_VALUE}\n" + line.format(token=hub.token) + "\n")

    result = deploy(repo)

    one_line_refusal(result, "HF_API_TOKEN holds the very token this deploy uses")
    assert hub.mutating_requests() == []
    assert hub.token not in result.output


@pytest.mark.parametrize(("name", "value"), [("STRIPE_API_KEY", "abc123def456"), ("DB_PASSWORD", "hunter22"),
                                             ("UPSTREAM_URL", "https://bot:s3cr3tpw@api.example.com"),
                                             ("OPENAI", "sk-proj-abcdefghijklmnop")])
def test_a_variable_that_looks_like_a_secret_is_public_only_when_confirmed(hub, make_space, deploy, name, value):
    repo = make_space()
    add_variable(repo, name)
    repo.write(".env", f"GREETING=hi\nAPI_KEY={SECRET_VALUE}\n{name}={value}\n")

    refused = deploy(repo)

    one_line_refusal(refused, f"{name} (")
    assert "looks like a secret but is a Variable in space.json" in refused.output
    assert f"--public {name}" in refused.output and hub.mutating_requests() == []

    confirmed = deploy(repo, "--public", name)

    assert confirmed.returncode == 0, confirmed.output
    assert hub.space(repo.space_id).variables[name]["value"] == value


def test_a_secret_the_hub_quotes_in_its_error_is_never_printed(hub, make_space, deploy):
    hub.echo_rejected_secrets = True
    repo = make_space()

    result = deploy(repo)

    assert result.returncode == 2
    assert "Invalid value for secret API_KEY: '***'" in result.output
    assert SECRET_VALUE not in result.output


# --- .env means what python-dotenv says ----------------------------------------------------------------------

DOTENV_CASES = [
    "V01=plain", "V02 = spaced", "V03=abc # a comment", 'V04="abc" # a comment', "V05='abc' # a comment",
    'V06="line one\\nline two"', "V07='no\\nescape'", 'V08="say \\"hi\\""', "V09=${V01}-and-more",
    'V10="${V01} quoted"', "V11='${V01} literal'", "export V12=exported", "V13=a#b", "V14=  padded  ",
    'V15="  padded  "', 'V16="multi\nline"', "V17=caf\u00e9", 'V18="tab\\there"', "V19=a=b=c", "V20=${UNSET_ONE}",
    "V21=back\\slash", 'V22="back\\\\slash"', "V23=`ticks`", "V24= # only a comment",
]


def test_env_values_reach_the_space_as_python_dotenv_reads_them(hub, make_space, deploy):
    repo = make_space()
    for number in range(1, len(DOTENV_CASES) + 1):
        add_variable(repo, f"V{number:02d}")
    repo.write(".env", f"GREETING=hi\nAPI_KEY={SECRET_VALUE}\n" + "\n".join(DOTENV_CASES) + "\n")
    expected = {k: v for k, v in dotenv_values(repo.root / ".env").items() if k.startswith("V") and v}

    result = deploy(repo)

    assert result.returncode == 0, result.output
    variables = hub.space(repo.space_id).variables
    assert {k: v["value"] for k, v in variables.items() if k.startswith("V")} == expected


# --- a deploy that changes nothing restarts nothing ----------------------------------------------------------


def test_an_unchanged_secret_is_not_sent_again_and_nothing_restarts(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    secrets_path = f"/api/spaces/{repo.space_id}/secrets"
    before = len(hub.requests)

    again = deploy(repo)

    assert again.returncode == 0, again.output
    assert "Secrets: unchanged API_KEY" in again.output and "Nothing changed, so nothing restarts" in again.output
    new = hub.requests[before:]
    assert ("POST", secrets_path) not in new and ("POST", f"/api/spaces/{repo.space_id}/restart") not in new

    repo.write(".env", "GREETING=bonjour\nAPI_KEY=a-rotated-value-1234\n")
    rotated = deploy(repo)

    assert rotated.returncode == 0, rotated.output
    assert "Secrets: sent API_KEY (values never shown)" in rotated.output
    assert "Restarted the Space so it sees the new values" in rotated.output
    assert hub.space(repo.space_id).secrets["API_KEY"]["value"] == "a-rotated-value-1234"

    hub.space(repo.space_id).secrets["API_KEY"].update(value="set-in-the-settings", updatedAt="2026-12-01T00:00:00Z")
    resent = deploy(repo)

    assert "Secrets: sent API_KEY" in resent.output, "a Secret changed on the Space is sent again"
    assert hub.space(repo.space_id).secrets["API_KEY"]["value"] == "a-rotated-value-1234"


# --- the outcome is the one of the build this deploy started -------------------------------------------------


def _earlier_build_under_way(hub, repo, outcome: str) -> None:
    """Someone else's commit, still building when our deploy starts; it will end in `outcome`."""
    space = hub.space(repo.space_id)
    space.runtime.script = Script(build_s=4.0, start_s=0.2, outcome=outcome)
    space.commit("a teammate's change", "", {}, [])
    space.runtime.on_commit(space)


RACES = [  # the earlier build's outcome, ours, and what the deploy must say
    ("BUILD_ERROR", Script(stale_s=0.5), 0, "Healthy: GET /health answered 200"),
    ("RUNNING", Script(stale_s=0.5, outcome="BUILD_ERROR", error_message="ours broke"), 1, "error: BUILD_ERROR: ours broke"),
]


@pytest.mark.parametrize("runtime_sha", [False, True], ids=["without-sha", "with-sha"])
@pytest.mark.parametrize(("earlier", "ours", "code", "said"), RACES, ids=["earlier-fails", "earlier-succeeds"])
def test_the_outcome_of_an_earlier_build_is_never_taken_for_this_deploys(
    hub, make_space, deploy, runtime_sha, earlier, ours, code, said
):
    hub.report_runtime_sha = runtime_sha
    repo = make_space()
    assert deploy(repo).returncode == 0
    _earlier_build_under_way(hub, repo, earlier)
    hub.space(repo.space_id).runtime.script = ours
    repo.write("Dockerfile", (repo.root / "Dockerfile").read_text() + "# ours\n")

    result = deploy(repo)

    assert result.returncode == code, result.output
    assert "waiting for it to end first" in result.output and said in result.output
    assert ("Healthy" in result.output) == (code == 0)
