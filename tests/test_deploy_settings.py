"""The Space's settings are space.json's on every deploy: a new Space is created with its visibility, hardware,
sleep time, Variables and Secrets in one call; an existing one is changed where it differs, the plan showing each
change first (and --dry-run showing the settings without asking the Hub)."""

from __future__ import annotations

import pytest

from tests.hub_standin.fixtures import GREETING, SECRET_VALUE

FAST = ("--poll-interval", "0.1", "--yes")


@pytest.fixture
def deploy(cli, hub):
    def _deploy(repo, *args, **kwargs):
        return cli(repo, "deploy", *FAST, *args, hub=hub, **kwargs)

    return _deploy


def _set(repo, **changes) -> None:
    repo.write_settings({**repo.settings, **changes})
    repo.git_commit("settings")


def test_a_new_space_gets_its_settings_variables_and_secrets_in_the_call_that_creates_it(hub, make_space, deploy):
    repo = make_space()
    _set(repo, hardware="cpu-upgrade", sleep_time=3600, visibility="private")

    result = deploy(repo)

    assert result.returncode == 0, result.output
    space = hub.space(repo.space_id)
    assert (space.visibility, space.hardware, space.sleep_time) == ("private", "cpu-upgrade", 3600)
    assert space.variables["GREETING"]["value"] == GREETING and space.secrets["API_KEY"]["value"] == SECRET_VALUE
    calls = [path for method, path in hub.mutating_requests() if method == "POST"]
    assert not [p for p in calls if p.endswith(("/variables", "/secrets", "/hardware", "/sleeptime"))], calls
    assert "sleeps after 3600 s" in result.output


def test_a_hardware_change_is_applied_to_an_existing_space_before_the_upload(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    _set(repo, hardware="cpu-upgrade")  # the README's suggested_hardware changes with it

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert hub.space(repo.space_id).hardware == "cpu-upgrade"
    output = result.output
    assert output.index("Settings: hardware cpu-basic -> cpu-upgrade (the Space restarts on it)") < output.index(
        "Files: 0 added, 1 changed")
    assert "Healthy: GET /health answered 200" in output


def test_a_hardware_change_alone_is_the_restart_deploy_waits_for(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    commits = len(hub.space(repo.space_id).commits)

    result = deploy(repo, "--hardware", "cpu-upgrade")

    assert result.returncode == 0, result.output
    assert hub.space(repo.space_id).hardware == "cpu-upgrade"
    assert len(hub.space(repo.space_id).commits) == commits  # no file changed: no commit
    assert "The Hub restarts the Space on its new hardware" in result.output
    assert ("POST", f"/api/spaces/{repo.space_id}/restart") not in hub.requests  # the hardware change restarted it
    assert "      0 s  RUNNING_BUILDING" in result.output and "Healthy: GET /health answered 200" in result.output


def test_the_plan_comes_before_any_change(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    _set(repo, hardware="cpu-upgrade", sleep_time=-1)

    output = deploy(repo).output

    plan = output.index("Settings: hardware cpu-basic -> cpu-upgrade (the Space restarts on it); sleep time "
                        "172800 s -> never")
    assert plan < output.index("Variables:") < output.index("Waiting for the Space")
    assert hub.space(repo.space_id).sleep_time == -1


def test_a_public_space_made_private_as_space_json_says(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    _set(repo, visibility="private")

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert hub.space(repo.space_id).visibility == "private"
    assert "Settings: visibility public -> private" in result.output


def test_a_private_space_is_made_public_only_when_confirmed(hub, make_space, cli, deploy):
    repo = make_space(visibility="private")
    assert deploy(repo).returncode == 0
    _set(repo, visibility="public")

    unconfirmed = cli(repo, "deploy", "--poll-interval", "0.1", hub=hub)

    assert unconfirmed.returncode == 2
    assert unconfirmed.output.strip().splitlines()[-1] == (
        f"error: this deploy makes {repo.space_id} public (space.json says so; it is private now); confirm with "
        "--yes (as CI must), or deploy once from a terminal. Nothing was changed.")
    assert hub.space(repo.space_id).visibility == "private"
    assert deploy(repo).returncode == 0 and hub.space(repo.space_id).visibility == "public"


def test_a_sleep_time_on_free_hardware_is_explained_not_sent(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    _set(repo, sleep_time=600)

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert ("note: sleep_time 600 is not applied: cpu-basic always sleeps after 48 h without visitors (upgraded "
            "hardware takes a sleep time).") in result.output
    assert ("POST", f"/api/spaces/{repo.space_id}/sleeptime") not in hub.requests


def test_dry_run_shows_the_settings_and_asks_nobody(make_space, cli):
    repo = make_space()
    _set(repo, hardware="t4-small", sleep_time=900)

    result = cli(repo, "deploy", "--dry-run")  # no Hub: HF_ENDPOINT points at a port nothing listens on

    assert result.returncode == 0, result.output
    assert ("Settings: visibility public, hardware t4-small, sleeps after 900 s (an existing Space is changed to "
            "them where it differs)") in result.output


def test_a_bad_sleep_time_is_one_line(make_space, cli):
    repo = make_space()
    _set(repo, sleep_time=-5)

    result = cli(repo, "deploy", "--dry-run")

    assert result.returncode == 2
    assert "sleep_time must be -1 (never), 0 (the Hub's default) or a number of seconds, not -5." in result.output
