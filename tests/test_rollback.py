"""Getting back to an earlier release: `rollback [--to REV]` by hand, and `deploy --rollback-on-failure` when a new
build or its health check fails. Both make the Space's files those of an earlier commit in one new commit (the Hub
copies them), then wait for it and call its health path, against the stand-in Hub; the last test does it with
real builds and containers."""

from __future__ import annotations

import json

import pytest

from harness import docker
from tests.hub_standin import RealRuntime, Script, ScriptedRuntime

FAST = ("--poll-interval", "0.1", "--yes")
BROKEN_BUILD = Script(outcome="BUILD_ERROR", error_message="Build failed with exit code: 1",
                      build_log=["#6 [3/3] RUN pip install -r requirements.txt",
                                 "#6 0.935 ERROR: No matching distribution found for fastapi==0.0.999"])


@pytest.fixture
def deploy(cli, hub):
    def _deploy(repo, *args, **kwargs):
        return cli(repo, "deploy", *FAST, *args, hub=hub, **kwargs)

    return _deploy


@pytest.fixture
def released(hub, make_space, deploy):
    """A Space deployed twice: v1, then v2 (an edited app and one more file)."""
    repo = make_space()
    assert deploy(repo).returncode == 0
    v1 = hub.space(repo.space_id).commits[-1]
    repo.write("backend/app.py", (repo.root / "backend/app.py").read_text().replace('"ok"', '"ok-v2"'))
    repo.write("backend/extra.py", "VALUE = 2\n")
    assert deploy(repo).returncode == 0
    return repo, v1


def test_rollback_makes_the_files_those_of_the_commit_before_in_one_new_commit(hub, released, cli):
    repo, v1 = released
    space = hub.space(repo.space_id)
    v2 = space.commits[-1]

    result = cli(repo, "rollback", "--poll-interval", "0.1", hub=hub)

    assert result.returncode == 0, result.output
    assert len(space.commits) == 4 and space.commits[-1].title.startswith(f"Roll back to {v1.oid[:7]}: Deploy from")
    assert space.files == v1.files  # backend/extra.py is gone, app.py is v1's again
    assert f"rolling back from {v2.oid[:7]}" in result.output and f"  to {v1.oid[:7]}" in result.output
    assert "Files: 1 restored, 1 removed; commit" in result.output
    assert "note: Variables and Secrets are not part of a commit: they stay as the Space has them." in result.output
    assert "Healthy: GET /health answered 200" in result.output


def test_rollback_to_a_named_commit_and_the_list_to_pick_it_from(hub, released, cli):
    repo, v1 = released
    space = hub.space(repo.space_id)

    listed = cli(repo, "rollback", "--list", hub=hub)
    rolled = cli(repo, "rollback", "--to", v1.oid[:9], "--poll-interval", "0.1", hub=hub)

    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.output.splitlines()[1:]] == [c.oid[:7] for c in space.commits[2::-1]]
    assert rolled.returncode == 0, rolled.output
    assert space.files == v1.files


@pytest.mark.parametrize("to, says", [
    ("abc", "--to abc: give at least the first 7 characters of a commit id; recent commits"),
    ("0123456789", "--to 0123456789: the Space has no such commit; recent commits (`./space rollback --list`): "),
])
def test_a_commit_that_is_not_there_is_one_line_and_changes_nothing(hub, released, cli, to, says):
    repo, _ = released
    commits = len(hub.space(repo.space_id).commits)

    result = cli(repo, "rollback", "--to", to, hub=hub)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1].startswith(f"error: {says}")
    assert len(hub.space(repo.space_id).commits) == commits


def test_the_current_commit_is_nothing_to_roll_back_to(hub, released, cli):
    repo, _ = released
    head = hub.space(repo.space_id).commits[-1].oid

    result = cli(repo, "rollback", "--to", head, hub=hub)

    assert result.returncode == 2
    assert result.output.strip().endswith(f"--to {head} is the Space's current commit: nothing to roll back.")


def test_a_failed_build_is_rolled_back_to_the_release_before_it(hub, released, deploy):
    repo, _ = released
    space = hub.space(repo.space_id)
    good = space.commits[-1]
    space.runtime.then = [BROKEN_BUILD]  # the next commit fails to build; the rollback's builds as usual
    repo.write("Dockerfile", (repo.root / "Dockerfile").read_text() + "# a change whose build fails\n")

    result = deploy(repo, "--rollback-on-failure")

    assert result.returncode == 1  # the deploy failed, even though the Space is healthy again
    out = result.output
    assert "  cause: fastapi==0.0.999 cannot be installed here" in out
    assert f"--rollback-on-failure: rolling the Space back to {good.oid[:7]} (Deploy from git" in out
    assert f"Rolled back: the Space runs {good.oid[:7]} again and is healthy." in out
    assert space.files == good.files and space.runtime.stage_and_error()[0] == "RUNNING"


def test_a_failed_health_check_is_rolled_back_too(hub, released, deploy):
    repo, _ = released
    space = hub.space(repo.space_id)
    good = space.commits[-1]
    space.runtime.then = [Script(health_status=503)]
    repo.write("backend/app.py", (repo.root / "backend/app.py").read_text() + "# answers 503 now\n")

    result = deploy(repo, "--rollback-on-failure", "--health-timeout", "2")

    assert result.returncode == 1
    assert "/health answered 503" in result.output
    assert f"Rolled back: the Space runs {good.oid[:7]} again and is healthy." in result.output
    assert space.files == good.files


def test_a_first_deploy_that_fails_has_nothing_to_roll_back_to(hub, make_space, deploy):
    hub.runtime_factory = lambda space: ScriptedRuntime(BROKEN_BUILD)
    repo = make_space()

    result = deploy(repo, "--rollback-on-failure")

    assert result.returncode == 1
    assert "--rollback-on-failure: this was the Space's first deploy; there is no earlier release" in result.output
    assert len(hub.space(repo.space_id).commits) == 2


@pytest.mark.docker
def test_end_to_end_a_broken_release_is_rolled_back_to_the_running_one(hub, make_space, deploy):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.3, startup_timeout_s=60)
    repo = make_space()
    first = deploy(repo)
    assert first.returncode == 0, first.output
    url = first.output.split("Live at ")[1].split()[0]
    repo.write("Dockerfile", (repo.root / "Dockerfile").read_text() + "RUN echo 'this release is broken' && exit 3\n")

    result = deploy(repo, "--rollback-on-failure")

    assert result.returncode == 1
    assert "error: BUILD_ERROR" in result.output and "Rolled back: the Space runs" in result.output
    assert json.loads(docker.http_get(url + "/health")[1]) == {"status": "ok"}
