"""A preview Space per pull request: `preview deploy|delete --pr N` and the preview workflow that runs them, against
the stand-in Hub (and a stand-in `gh` for the pull-request comment). A preview is OWNER/<name>-pr-N, private, on free
hardware, with throwaway values for required Secrets and a bucket of its own: never the real Space's. Its owner and
the tools that hold its token are the default branch's, never the pull request's, and a token that can write to the
production Space is refused when previews live in a namespace of their own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.hub_standin.fixtures import SECRET_VALUE
from tests.support.github_cli import GitHubCLI

REPO = Path(__file__).resolve().parents[1]
PREVIEW = yaml.safe_load((REPO / "common" / "github" / "workflows" / "preview.yml").read_text())
FAST = ("--poll-interval", "0.1")


def _preview_of(repo, pr: int = 7) -> str:
    return f"alice/{repo.space_id.split('/')[1]}-pr-{pr}"


def test_a_preview_is_its_own_private_free_space_with_throwaway_secrets(hub, make_space, cli, tmp_path):
    repo = make_space(env={"GREETING": "from the pull request"})  # API_KEY (a required Secret) is not given
    repo.write_settings({**repo.settings, "hardware": "cpu-upgrade"})
    summary = tmp_path / "preview.md"

    result = cli(repo, "preview", "deploy", "--pr", "7", "--summary", str(summary), *FAST, hub=hub)

    assert result.returncode == 0, result.output
    preview = hub.space(_preview_of(repo))
    assert (preview.visibility, preview.hardware) == ("private", "cpu-basic")
    assert preview.variables["GREETING"]["value"] == "from the pull request"
    assert len(preview.secrets["API_KEY"]["value"]) == 64 and preview.secrets["API_KEY"]["value"] != SECRET_VALUE
    assert repo.space_id not in hub.spaces  # the real Space is never made or touched
    text = summary.read_text()
    assert text.startswith("**Preview of #7**: http://127.0.0.1:") and "(healthy: `GET /health` answered 2xx)" in text


def test_a_preview_gets_a_bucket_of_its_own_even_when_space_json_names_the_real_one(hub, make_space, cli):
    repo = make_space()
    repo.write_settings({**repo.settings, "storage": "bucket", "storage_bucket": "alice/production-data",
                         "storage_mount": "/data", "sqlite_files": ["/home/user/app.db"], "snapshot_interval": 5})
    hub.add_bucket("alice/production-data")

    result = cli(repo, "preview", "deploy", "--pr", "3", *FAST, hub=hub)

    assert result.returncode == 0, result.output
    own = f"{_preview_of(repo, 3)}-data"
    assert [v["source"] for v in hub.space(_preview_of(repo, 3)).volumes] == [own]
    assert own in hub.buckets

    deleted = cli(repo, "preview", "delete", "--pr", "3", hub=hub)

    assert deleted.returncode == 0, deleted.output
    assert _preview_of(repo, 3) not in hub.spaces and own not in hub.buckets
    assert "alice/production-data" in hub.buckets
    assert deleted.output.splitlines()[-2:] == [f"Deleted {_preview_of(repo, 3)}.", f"Deleted its bucket {own}."]


def test_deleting_a_preview_never_touches_the_real_space_and_a_gone_one_is_fine(hub, make_space, cli):
    repo = make_space()
    assert cli(repo, "deploy", "--yes", *FAST, hub=hub).returncode == 0

    result = cli(repo, "preview", "delete", "--pr", "9", hub=hub)

    assert result.returncode == 0
    assert result.output.strip() == f"{_preview_of(repo, 9)} does not exist: nothing to delete."
    assert repo.space_id in hub.spaces


def test_previews_never_run_for_pull_requests_from_forks():
    for job in PREVIEW["jobs"].values():
        assert "github.event.pull_request.head.repo.full_name == github.repository" in job["if"]
    assert "pull_request_target" not in PREVIEW[True]  # the trigger that would hand secrets to a fork's code


NOTE = ("note: previews live in alice, the production Space's namespace, so their token can also write to {}: give "
        "them a namespace of their own (--owner; the workflow's PREVIEW_OWNER variable) and a fine-grained token "
        "limited to it.")


def test_previews_in_the_production_namespace_say_that_their_token_reaches_production(hub, make_space, cli):
    repo = make_space()

    result = cli(repo, "preview", "deploy", "--pr", "7", *FAST, hub=hub)

    assert result.returncode == 0, result.output
    assert result.output.splitlines()[0] == NOTE.format(repo.space_id)


TOO_BROAD = {
    "a classic write token": lambda hub, production: hub.token,
    "a fine-grained token that also holds the production namespace": (
        lambda hub, production: hub.fine_grained_token(write=("acme", "alice"))),
    "a fine-grained token that also holds the production Space": (
        lambda hub, production: hub.fine_grained_token(write=("acme", production))),
}


@pytest.mark.parametrize("action", ["deploy", "delete"])
@pytest.mark.parametrize("token", TOO_BROAD.values(), ids=TOO_BROAD.keys())
def test_a_token_that_can_write_to_the_production_space_is_refused_for_previews_elsewhere(hub, make_space, cli,
                                                                                          token, action):
    repo = make_space()

    result = cli(repo, "preview", action, "--pr", "7", "--owner", "acme", *FAST, hub=hub,
                 token=token(hub, repo.space_id))

    assert result.returncode == 2
    assert result.output.strip().splitlines() == [
        f"error: the token can write to the production Space {repo.space_id}, and previews deploy pull requests' "
        "files with it: give previews a fine-grained token with write access to acme only "
        "(https://huggingface.co/settings/tokens). Nothing was changed."]
    assert hub.mutating_requests() == [] and hub.spaces == {}


def test_a_fine_grained_token_limited_to_the_preview_namespace_makes_and_deletes_previews_there(hub, make_space,
                                                                                                cli):
    repo = make_space()
    token = hub.fine_grained_token(write=("acme",))

    deployed = cli(repo, "preview", "deploy", "--pr", "7", "--owner", "acme", *FAST, hub=hub, token=token)

    assert deployed.returncode == 0, deployed.output
    assert "note:" not in deployed.output
    assert list(hub.spaces) == [_preview_of(repo).replace("alice/", "acme/")]
    deleted = cli(repo, "preview", "delete", "--pr", "7", "--owner", "acme", hub=hub, token=token)
    assert deleted.returncode == 0, deleted.output
    assert hub.spaces == {}


def _workflow(repo, hub, tmp_path, *, token: str, preview_owner: str = ""):
    """The preview workflow's `run:` steps as GitHub runs them for pull request 12 of the repository `repo` (its branch
    `main` the default one; its working tree the pull request's checkout): the default branch checked out into
    .preview-base as the workflow's checkout step does, GITHUB_ENV carried from step to step, a stand-in `gh`."""
    default_branch = tmp_path / "default-branch"  # the delete job's one checkout
    for checkout in (repo.root / ".preview-base", default_branch):
        subprocess.run(["git", "clone", "-q", "--branch", "main", str(repo.root), str(checkout)], check=True)
    temp, github_env = tmp_path / "runner-temp", tmp_path / "github-env"
    temp.mkdir()
    github_env.touch()
    gh = GitHubCLI(tmp_path / "gh")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{gh.path()}", RUNNER_TEMP=str(temp), PR="12",
               GITHUB_WORKSPACE=str(repo.root), GITHUB_ENV=str(github_env), PREVIEW_OWNER=preview_owner,
               HF_ENDPOINT=hub.url, HF_TOKEN=token, HF_HOME=str(tmp_path / "hf-home"), GH_TOKEN="stand-in",
               HF_HUB_DISABLE_TELEMETRY="1")

    def run(job: str, name: str) -> subprocess.CompletedProcess:
        step = next(s for s in PREVIEW["jobs"][job]["steps"] if s["name"] == name)
        env.update(line.split("=", 1) for line in github_env.read_text().splitlines())
        script = step["run"].replace("preview deploy --pr", "preview deploy --poll-interval 0.1 --pr")
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=repo.root if job == "deploy" else default_branch, env=env, capture_output=True,
                              text=True, timeout=300, check=False)

    return run, gh


def test_the_workflow_deploys_comments_once_per_pull_request_and_deletes(hub, make_space, tmp_path):
    repo = make_space()
    run, gh = _workflow(repo, hub, tmp_path, token=hub.fine_grained_token(write=("acme",)), preview_owner="acme")
    preview = _preview_of(repo, 12).replace("alice/", "acme/")

    assert run("deploy", "Keep the default branch apart").returncode == 0
    for _ in range(2):  # opened, then a push to the pull request
        deployed = run("deploy", "Deploy")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert run("deploy", "Comment on the pull request").returncode == 0

    assert list(hub.spaces) == [preview]
    comments = gh.state["comments"]
    assert len(comments) == 1 and comments[0]["pr"] == 12  # edited in place, not one per push
    assert comments[0]["body"].startswith("**Preview of #12**: http://127.0.0.1:")
    deleted = run("delete", "Delete")
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert hub.spaces == {}


def test_a_pull_request_neither_chooses_where_its_preview_goes_nor_runs_its_own_tools_with_the_token(hub, make_space,
                                                                                                    tmp_path):
    repo = make_space()
    subprocess.run(["git", "switch", "-q", "--create", "change"], cwd=repo.root, check=True)
    # acme: a namespace the token can write to
    repo.write_settings({**repo.settings, "space_owner": "acme", "space_title": "Changed by the pull request"})
    tools = repo.root / "space_tools" / "preview_command.py"
    tools.write_text(tools.read_text() + '\nprint("the pull request\'s tools hold the token")\n')
    repo.git_commit("what a pull request could try")
    run, _ = _workflow(repo, hub, tmp_path, token=hub.token)

    assert run("deploy", "Keep the default branch apart").returncode == 0
    deployed = run("deploy", "Deploy")

    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert "the pull request's tools" not in deployed.stdout + deployed.stderr
    assert list(hub.spaces) == [_preview_of(repo, 12)]  # alice/: the default branch's space_owner
    assert b"Changed by the pull request" in hub.space(_preview_of(repo, 12)).files["README.md"].data


@pytest.mark.parametrize("pr", ["0", "-4"])
def test_a_pull_request_number_that_is_none_is_one_line(make_space, cli, hub, pr):
    result = cli(make_space(), "preview", "deploy", "--pr", pr, hub=hub)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == f"error: --pr {pr} is not a pull request number."
