""".env holds only what the Space's owner chose. `.env.example` has a line to fill in for each Secret (and each
required Variable without a default) and shows every other Variable's space.json default commented out, so a `.env`
copied from it never pins a default that a later `copier update` changes. The deploy plan shows each Variable's
value and where it comes from, and names a `.env` value that overrides what space.json now says with both values."""

from __future__ import annotations

import json
import shutil

import pytest
from space_tools.dotenv_files import read_env_file

from tests.conftest import space_tools


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_copied_env_example_sets_only_what_the_owner_must_fill_in(render, runtime, tmp_path):
    project = render(runtime=runtime)
    variables = json.loads((project / "space.json").read_text())["variables"]
    example = (project / ".env.example").read_text()
    shutil.copy(project / ".env.example", tmp_path / ".env")

    to_fill = {name for name, spec in variables.items() if spec["secret"] or (spec["required"] and not spec["default"])}
    assert read_env_file(tmp_path / ".env") == dict.fromkeys(to_fill, "")
    for name, spec in variables.items():
        if name not in to_fill:
            assert f"\n# {name}={spec['default']}\n" in example, f"{name}'s default is shown, commented out"


def test_a_default_changed_after_env_was_copied_is_the_one_deployed(render):
    before = render(runtime="python", space_name="api", workers=1)
    after = render(runtime="python", space_name="api", workers=2)  # `copier update --data workers=2`, rendered
    shutil.copy(before / ".env.example", after / ".env")

    plan = space_tools(after, "deploy", "--dry-run").stdout

    assert "Variables to set: WEB_CONCURRENCY=2 (space.json), APP_NAME=Starter API (space.json)\n" in plan


def test_a_dotenv_value_over_a_changed_default_is_named_with_both_values(render):
    project = render(runtime="python", space_name="api", workers=2)
    (project / ".env").write_text("WEB_CONCURRENCY=1\n")  # copied from an .env.example that had the default 1

    plan = space_tools(project, "deploy", "--dry-run").stdout

    assert ("Variables to set: WEB_CONCURRENCY=1 (.env, over space.json's 2), APP_NAME=Starter API (space.json)\n"
            in plan)


# A Space whose app needs one Secret, as `detect --write` declares it for `os.environ["SECRET_KEY"]`.
NEEDS_A_SECRET = {"env_vars": {"SECRET_KEY": {"secret": True, "required": True, "help": "Signs sessions."}}}


@pytest.fixture
def needs_a_secret(render):
    return render(runtime="python", space_name="api", **NEEDS_A_SECRET)


def _errors(result) -> list[str]:
    return [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("error:")]


def assert_refused_by_check_run_and_deploy(project, line: str) -> None:
    """check, run and deploy --dry-run each stop with this one error line, before anything is built or sent."""
    for command in (["check"], ["run"], ["deploy", "--dry-run"]):
        result = space_tools(project, *command, check=False)
        assert result.returncode == 2 and _errors(result) == [line], result.stdout + result.stderr
        assert "ok:" not in result.stdout and "Traceback" not in result.stderr


def test_check_refuses_a_placeholder_secret_that_run_and_deploy_would_send(needs_a_secret):
    (needs_a_secret / ".env").write_text("SECRET_KEY=changeme\n")

    assert_refused_by_check_run_and_deploy(needs_a_secret, (
        "error: SECRET_KEY in .env is a placeholder, not a real value, and the Space refuses it at start: put the "
        "real value in .env (`./space run` and `./space deploy` send it)."))


def test_check_refuses_an_auth_secret_shorter_than_the_node_start_accepts(render):
    project = render(runtime="node", space_name="auth")
    (project / ".env").write_text("BETTER_AUTH_SECRET=k3v9Qm2xT7pL4wZ8rN1s\n")  # 20 characters

    assert_refused_by_check_run_and_deploy(project, (
        "error: BETTER_AUTH_SECRET in .env has 20 characters, and the Space refuses fewer than 32 at start (Better "
        "Auth's minimum): put a longer one in .env, e.g. the output of `openssl rand -base64 32`."))


def test_check_refuses_a_required_secret_left_blank_in_env(needs_a_secret):
    shutil.copy(needs_a_secret / ".env.example", needs_a_secret / ".env")  # as the README says, not filled in yet

    checked = space_tools(needs_a_secret, "check", check=False)

    assert checked.returncode == 2 and _errors(checked) == [
        "error: .env lacks required SECRET_KEY: `./space run` needs it, and `./space deploy` unless the Space already "
        "has it: add `SECRET_KEY=<value>` to .env (see .env.example)."]


def test_without_env_check_passes_and_says_what_a_local_run_needs(needs_a_secret):
    checked = space_tools(needs_a_secret, "check")  # a fresh clone, or CI: the Space may hold the Secret

    assert checked.stdout.splitlines()[-2:] == [
        "note: there is no .env: `./space run` needs SECRET_KEY (and `./space deploy`, unless the Space already has "
        "it): `cp .env.example .env`, then fill it in.",
        "ok: api (python) on port 7860, health /healthz"]
