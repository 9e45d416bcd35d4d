"""Sign in with Hugging Face (hf_oauth): `./space run` starts a real OpenID Connect provider (oidc-provider,
configured like huggingface.co) beside the Space, and both starters sign a person in through it, over HTTP.
Real Docker throughout, host networking, everything on 127.0.0.1."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.hub_standin import RealRuntime
from tests.hub_standin.fixtures import SpaceRepo
from tests.support.sign_in_flow import Browser, sign_in_at_provider

pytestmark = pytest.mark.docker

OAUTH_VARIABLES = ("OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_SCOPES", "OPENID_PROVIDER_URL")


class RunningSpace:
    def __init__(self, project: Path, name: str, port: int, output: str) -> None:
        self.project, self.name, self.port, self.output = project, name, port, output
        self.url = f"http://127.0.0.1:{port}"

    def env(self, name: str) -> str:
        return docker.docker("exec", f"{self.name}-local", "printenv", name, check=False).stdout.strip()

    @property
    def provider_url(self) -> str:
        return self.env("OPENID_PROVIDER_URL")


def _run(render, runtime: str, **answers) -> RunningSpace:
    """Render a starter with hf_oauth on and `./space run` it (host network)."""
    name = f"sign-in-{runtime}-{uuid.uuid4().hex[:6]}"
    project = render(runtime=runtime, space_name=name, hf_oauth=True, **answers)
    port = docker.free_port()
    result = space_tools(project, "run", "--network", "host", "--detach", "--placeholder-secrets", "--port", str(port))
    return RunningSpace(project, name, port, result.stdout + result.stderr)


def _remove(space: RunningSpace) -> None:
    for container in (f"{space.name}-local", f"{space.name}-local-sign-in"):
        docker.docker("rm", "--force", container, check=False)
    docker.remove_image(f"{space.name}:local")


@pytest.fixture(scope="module")
def python_space(render_session):
    """One Python starter for the tests that only sign in (each with its own browser)."""
    space = _run(render_session, "python")
    yield space
    _remove(space)


@pytest.fixture(scope="module")
def node_space(render_session):
    """One Node starter for the tests that only sign in (each as another user)."""
    space = _run(render_session, "node")
    yield space
    _remove(space)


@pytest.fixture
def run_space(render):
    """A starter of the test's own, for tests that change its answers or stop it."""
    started: list[RunningSpace] = []

    def _start(runtime: str, **answers) -> RunningSpace:
        started.append(_run(render, runtime, **answers))
        return started[-1]

    yield _start
    for space in started:
        _remove(space)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **changes})))


def _node_authorization_url(browser: Browser, space: RunningSpace) -> str:
    answer = browser.request("POST", space.url + "/api/auth/sign-in/social", headers={"origin": space.url},
                             json={"provider": "huggingface", "callbackURL": "/"})
    assert answer.status_code == 200, answer.text
    return answer.json()["url"]


def _node_rows(space: RunningSpace, sql: str) -> list[dict]:
    script = ("const { DatabaseSync } = require('node:sqlite');"
              "const db = new DatabaseSync(process.env.DATABASE_PATH, { readOnly: true });"
              f"console.log(JSON.stringify(db.prepare({json.dumps(sql)}).all()));")
    result = docker.docker("exec", f"{space.name}-local", "node", "-e", script)
    return json.loads(result.stdout)


def test_run_injects_the_four_variables_spaces_injects_pointing_at_its_local_provider(python_space):
    space = python_space

    assert [space.env(name) != "" for name in OAUTH_VARIABLES] == [True] * 4
    assert space.env("OAUTH_SCOPES") == "openid profile"
    assert space.provider_url.startswith("http://127.0.0.1:")
    assert f"Sign in with Hugging Face: local provider at {space.provider_url}" in space.output
    status, body = docker.http_get(space.provider_url + "/.well-known/openid-configuration")
    discovery = json.loads(body)
    assert status == 200 and discovery["issuer"] == space.provider_url
    assert {"openid", "profile"} <= set(discovery["scopes_supported"])
    assert {"preferred_username", "picture", "name", "sub"} <= set(discovery["claims_supported"])
    assert space.env("OAUTH_CLIENT_SECRET") not in space.output  # the run's secret is never printed


def test_the_node_starter_signs_a_hugging_face_user_in_and_keeps_user_account_and_session(node_space):
    space = node_space
    browser = Browser()

    callback = sign_in_at_provider(browser, _node_authorization_url(browser, space), space.provider_url, space.url,
                                   username="alice")
    assert callback.startswith(space.url + "/api/auth/callback/huggingface?")
    landed = browser.request("GET", callback)
    session = browser.request("GET", space.url + "/api/auth/get-session").json()

    assert landed.status_code == 302 and landed.headers["location"] == "/"
    assert session["user"]["name"] == "alice"
    assert session["user"]["email"] == "alice@example.com" and session["user"]["emailVerified"] is True
    assert session["user"]["image"] == space.provider_url + "/avatar.svg"  # the picture claim
    users = _node_rows(space, "SELECT id, name, email FROM user WHERE name = 'alice'")
    assert [user["email"] for user in users] == ["alice@example.com"]
    accounts = _node_rows(space, f"SELECT providerId, accountId FROM account WHERE userId = '{users[0]['id']}'")
    sessions = _node_rows(space, f"SELECT id FROM session WHERE userId = '{users[0]['id']}'")
    assert [account["providerId"] for account in accounts] == ["huggingface"] and accounts[0]["accountId"]
    assert len(sessions) == 1
    # Email and password sign-up still works beside it.
    signed_up = Browser().request("POST", space.url + "/api/auth/sign-up/email", headers={"origin": space.url},
                                  json={"email": "bob@example.com", "password": "a-long-password-1", "name": "Bob"})
    assert signed_up.status_code == 200, signed_up.text


def test_the_node_starter_refuses_a_callback_whose_state_it_did_not_issue(node_space):
    space = node_space
    browser = Browser()
    callback = sign_in_at_provider(browser, _node_authorization_url(browser, space), space.provider_url, space.url,
                                   username="mallory")

    refused = browser.request("GET", _with_query(callback, state="forged-state-0123456789"))

    assert refused.status_code == 302 and "error=" in refused.headers["location"]
    assert browser.request("GET", space.url + "/api/auth/get-session").json() is None
    assert _node_rows(space, "SELECT id FROM user WHERE name = 'mallory'") == []


def test_the_node_starter_refuses_an_id_token_made_for_another_nonce(node_space):
    space = node_space
    browser = Browser()
    asked = _node_authorization_url(browser, space)
    assert parse_qs(urlsplit(asked).query)["nonce"], "Better Auth binds the ID token to a nonce"

    callback = sign_in_at_provider(browser, _with_query(asked, nonce="someone-elses-nonce"), space.provider_url,
                                   space.url, username="oscar")
    refused = browser.request("GET", callback)

    assert refused.status_code == 302 and "error=" in refused.headers["location"]
    assert browser.request("GET", space.url + "/api/auth/get-session").json() is None
    assert _node_rows(space, "SELECT id FROM user WHERE name = 'oscar'") == []


def _python_sign_in(space: RunningSpace, browser: Browser, *, username: str = "alice") -> str:
    login = browser.request("GET", space.url + "/oauth/huggingface/login")
    assert login.status_code in (302, 307) and login.headers["location"].startswith(space.provider_url)
    return sign_in_at_provider(browser, login.headers["location"], space.provider_url, space.url, username=username)


def test_the_python_starter_signs_a_hugging_face_user_in_and_me_says_who(python_space):
    space = python_space
    browser = Browser()
    assert browser.request("GET", space.url + "/me").json() == {"user": None, "sign_in": "/oauth/huggingface/login"}

    callback = _python_sign_in(space, browser, username="carol")
    landed = browser.request("GET", callback)
    me = browser.request("GET", space.url + "/me").json()

    assert landed.status_code in (302, 307)
    assert me["user"]["username"] == "carol" and me["user"]["name"] == "carol"
    assert me["user"]["picture"] == space.provider_url + "/avatar.svg"
    assert me["scope"] == "openid profile" and me["user"]["email"] is None  # no email scope, no email


def test_the_python_starter_gets_the_email_once_the_scope_is_answered(run_space):
    space = run_space("python", hf_oauth_scopes="openid profile email")
    browser = Browser()

    browser.request("GET", _python_sign_in(space, browser, username="dave"))
    me = browser.request("GET", space.url + "/me").json()

    assert space.env("OAUTH_SCOPES") == "openid profile email"
    assert me["scope"] == "openid profile email" and me["user"]["email"] == "dave@example.com"


def test_the_python_starter_refuses_a_forged_state_and_a_foreign_nonce(python_space):
    space = python_space

    forged = Browser()
    callback = _python_sign_in(space, forged)
    forged.request("GET", _with_query(callback, state="forged-state-0123456789"))
    assert forged.request("GET", space.url + "/me").json()["user"] is None

    foreign = Browser()
    login = foreign.request("GET", space.url + "/oauth/huggingface/login").headers["location"]
    assert parse_qs(urlsplit(login).query)["nonce"], "authlib binds the ID token to a nonce"
    callback = sign_in_at_provider(foreign, _with_query(login, nonce="someone-elses-nonce"), space.provider_url,
                                   space.url)
    refused = foreign.request("GET", callback)
    assert refused.status_code >= 400  # authlib raises on the ID token's nonce
    assert foreign.request("GET", space.url + "/me").json()["user"] is None


def test_the_local_provider_grants_only_the_scopes_the_space_declares(python_space):
    space = python_space  # openid profile
    browser = Browser()
    login = browser.request("GET", space.url + "/oauth/huggingface/login").headers["location"]

    callback = sign_in_at_provider(browser, _with_query(login, scope="openid profile email read-repos"),
                                   space.provider_url, space.url)
    browser.request("GET", callback)
    me = browser.request("GET", space.url + "/me").json()

    assert me["scope"] == "openid profile" and me["user"]["email"] is None


def test_the_local_provider_sends_people_back_only_to_the_space(python_space):
    space = python_space
    browser = Browser()
    login = browser.request("GET", space.url + "/oauth/huggingface/login").headers["location"]
    elsewhere = f"http://127.0.0.1:{docker.free_port()}/oauth/huggingface/callback"

    answer = browser.follow(_with_query(login, redirect_uri=elsewhere), until=elsewhere)

    assert answer.status_code == 400 and "redirect_uri" in answer.text
    assert "x-next" not in answer.headers


def test_stop_removes_the_local_provider_with_the_space(run_space, cli):
    space = run_space("node")
    provider = f"{space.name}-local-sign-in"
    assert docker.docker("inspect", provider, check=False).returncode == 0

    result = cli(SpaceRepo(space.project, f"alice/{space.name}"), "stop")

    assert result.returncode == 0, result.output
    assert docker.docker("inspect", provider, check=False).returncode != 0
    assert docker.docker("inspect", f"{space.name}-local", check=False).returncode != 0


def test_a_deployed_space_signs_in_with_hugging_face_with_no_further_setup(hub, render, cli):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.5, startup_timeout_s=120)
    name = f"deploy-sign-in-{uuid.uuid4().hex[:6]}"
    project = render(runtime="node", space_name=name, space_owner="acme", hf_oauth=True)
    (project / ".env").write_text(f"BETTER_AUTH_SECRET={'s' * 40}\n")

    result = cli(SpaceRepo(project, f"acme/{name}"), "deploy", "--poll-interval", "0.1", "--yes", hub=hub)

    assert result.returncode == 0, result.output
    space = hub.space(f"acme/{name}")
    assert not {*space.variables, *space.secrets} & set(OAUTH_VARIABLES)  # deploy never sets them: Spaces does
    assert space.front_matter()["hf_oauth"] is True
    url = result.output.split("Live at ")[1].split()[0].rstrip("/")
    browser = Browser()
    authorization = _node_authorization_url(browser, RunningSpace(project, name, int(url.rsplit(":", 1)[1]), ""))
    callback = sign_in_at_provider(browser, authorization, _origin(authorization), url, username="grace")
    browser.request("GET", callback)
    assert browser.request("GET", url + "/api/auth/get-session").json()["user"]["name"] == "grace"


def test_a_provider_broken_by_an_edit_stops_the_run_with_one_line_and_no_container_left(render, cli):
    name = f"sign-in-broken-{uuid.uuid4().hex[:6]}"
    project = render(runtime="python", space_name=name, hf_oauth=True)
    provider = project / "space_tools" / "sign_in_provider" / "provider.mjs"
    provider.write_text(provider.read_text().replace('const issuer = env("ISSUER");', 'const issuer = env("ISUER");'))

    try:
        result = cli(SpaceRepo(project, f"alice/{name}"), "run", "--network", "host", "--detach",
                     "--port", str(docker.free_port()))
    finally:
        docker.remove_image(f"{name}:local")

    assert result.returncode == 2
    assert ("error: the local sign-in provider stopped at start: Error: sign-in provider: ISUER is not set"
            in result.output), result.output
    assert "Traceback" not in result.output
    for container in (f"{name}-local", f"{name}-local-sign-in"):
        assert docker.docker("inspect", container, check=False).returncode != 0
