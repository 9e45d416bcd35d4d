"""A preview Space per pull request: `preview deploy|delete --pr N` and the preview workflow that runs them, against
the stand-in Hub (and a stand-in `gh` for the pull-request comment). A preview is OWNER/<name>-pr-N, private, on free
hardware, with throwaway values for required Secrets and a bucket of its own: never the real Space's."""

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
                         "storage_mount": "/data"})
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


def _step_runner(repo, hub, gh: GitHubCLI, tmp_path):
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{gh.path()}", RUNNER_TEMP=str(temp), PR="12",
               HF_ENDPOINT=hub.url, HF_TOKEN=hub.token, HF_HOME=str(tmp_path / "hf-home"), GH_TOKEN="stand-in",
               HF_HUB_DISABLE_TELEMETRY="1")

    def run(job: str, name: str) -> subprocess.CompletedProcess:
        step = next(s for s in PREVIEW["jobs"][job]["steps"] if s["name"] == name)
        script = step["run"].replace("preview deploy --pr", "preview deploy --poll-interval 0.1 --pr")
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=repo.root,
                              env=env, capture_output=True, text=True, timeout=300)

    return run


def test_the_workflow_deploys_comments_once_per_pull_request_and_deletes(hub, make_space, tmp_path):
    repo = make_space()
    gh = GitHubCLI(tmp_path / "gh")
    run = _step_runner(repo, hub, gh, tmp_path)

    for _ in range(2):  # opened, then a push to the pull request
        deployed = run("deploy", "Deploy")
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert run("deploy", "Comment on the pull request").returncode == 0

    comments = gh.state["comments"]
    assert len(comments) == 1 and comments[0]["pr"] == 12  # edited in place, not one per push
    assert comments[0]["body"].startswith("**Preview of #12**: http://127.0.0.1:")
    assert run("delete", "Delete").returncode == 0
    assert _preview_of(repo, 12) not in hub.spaces


@pytest.mark.parametrize("pr", ["0", "-4"])
def test_a_pull_request_number_that_is_none_is_one_line(make_space, cli, hub, pr):
    result = cli(make_space(), "preview", "deploy", "--pr", pr, hub=hub)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == f"error: --pr {pr} is not a pull request number."
