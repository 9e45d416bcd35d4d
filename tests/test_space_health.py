"""Health beyond the deploy: `status` answers up or down from the stage and the health path (RUNNING alone is not
trusted), and the scheduled health workflow acts on that answer: it opens one issue when the Space is down and
closes it when the Space is up again. The workflow's own steps run here, against the stand-in Hub and a stand-in
`gh` (tests/support/github_cli.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.hub_standin import Script, ScriptedRuntime
from tests.support.github_cli import GitHubCLI

REPO = Path(__file__).resolve().parents[1]
HEALTH = yaml.safe_load((REPO / "common" / "github" / "workflows" / "health.yml").read_text())
STEPS = {step["name"]: step for step in HEALTH["jobs"]["health"]["steps"]}
FAST = ("--poll-interval", "0.1", "--yes")



def _unhealthy(hub, repo) -> None:
    hub.space(repo.space_id).runtime.build.script.health_status = 503


def test_status_says_up_only_when_the_health_path_answers(hub, deployed, cli):
    up = cli(deployed, "status", hub=hub)
    _unhealthy(hub, deployed)
    down = cli(deployed, "status", "--health-timeout", "1", hub=hub)

    assert up.returncode == 0 and up.output.splitlines()[-2:] == ["  health:      GET /health answered 200", "up"]
    assert down.returncode == 1
    assert down.output.splitlines()[-1].startswith("down: RUNNING, but GET http://127.0.0.1:")
    assert down.output.splitlines()[-1].endswith("/health answered 503 within 1 s")


def test_status_of_a_failed_space_names_the_cause(hub, make_space, cli):
    hub.runtime_factory = lambda space: ScriptedRuntime(Script(
        outcome="RUNTIME_ERROR", error_message="Exit code: 1",
        run_log=["Traceback (most recent call last):", "ModuleNotFoundError: No module named 'torch'"]))
    repo = make_space()
    assert cli(repo, "deploy", *FAST, hub=hub).returncode == 1

    result = cli(repo, "status", hub=hub)

    assert result.returncode == 1
    assert result.output.splitlines()[-1] == (
        "down: the Space is RUNTIME_ERROR; cause: the app imports torch, which the image does not install; fix: add "
        "it to the backend's manifest and lock file (./space check names imports the manifest lacks), then deploy "
        "again")


def _run_workflow(repo, hub, gh: GitHubCLI, tmp_path, hf_endpoint: str | None = None) -> int:
    """The job's two steps of its own, as GitHub runs them: the status, then the issue; the job's exit code."""
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    output = temp / "github-output"
    output.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{gh.path()}", RUNNER_TEMP=str(temp),
               GITHUB_OUTPUT=str(output), HF_ENDPOINT=hf_endpoint or hub.url, HF_TOKEN=hub.token,
               HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1")

    def step(name: str, extra: dict) -> subprocess.CompletedProcess:
        script = STEPS[name]["run"].replace("space_tools status", "space_tools status --health-timeout 1")  # fast
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=repo.root, env={**env, **extra}, capture_output=True, text=True, timeout=300)

    asked = step("Ask the Space", {})
    assert asked.returncode == 0, asked.stderr  # the step records the verdict; the next one acts on it
    code = dict(line.split("=", 1) for line in output.read_text().split())["code"]
    acted = step("Open or close the issue", {"CODE": code, "GH_TOKEN": "stand-in",
                                              "RUN_URL": "https://github.com/owner/repo/actions/runs/1"})
    return acted.returncode


def test_the_workflow_opens_one_issue_while_the_space_is_down_and_closes_it_when_up(hub, deployed, tmp_path):
    gh = GitHubCLI(tmp_path / "gh")
    title = f"Space {deployed.space_id} is down"

    assert _run_workflow(deployed, hub, gh, tmp_path) == 0
    assert gh.state["issues"] == []
    _unhealthy(hub, deployed)
    assert _run_workflow(deployed, hub, gh, tmp_path) == 1
    assert _run_workflow(deployed, hub, gh, tmp_path) == 1  # still down: still the one issue

    issues = gh.state["issues"]
    assert [(i["title"], i["state"]) for i in issues] == [(title, "open")]
    assert issues[0]["body"].startswith("down: RUNNING, but GET http://127.0.0.1:")
    assert "This issue closes itself once the Space is up again." in issues[0]["body"]

    hub.space(deployed.space_id).runtime.build.script.health_status = 200
    assert _run_workflow(deployed, hub, gh, tmp_path) == 0
    closed = gh.state["issues"][0]
    assert closed["state"] == "closed" and closed["closing_comment"].endswith(": up")


def test_a_hub_that_cannot_be_asked_fails_the_job_without_an_issue(hub, deployed, tmp_path):
    gh = GitHubCLI(tmp_path / "gh")

    code = _run_workflow(deployed, hub, gh, tmp_path, hf_endpoint="http://127.0.0.1:9")

    assert code == 1 and gh.state["issues"] == []
