"""`copier update` from the previous release keeps the user's edits, gains the template's changes,
and leaves an unedited project identical to a fresh copy; the runtime can't be switched."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from space_tools import config, derived_files

import copier
from tests.conftest import REPO, space_tools
from tests.support.github_cli import GitHubCLI

# The "previous release" is HEAD without this line; the update must bring it in.
CHANGED_FILE = Path("common/partials/gitignore.jinja")
CHANGED_LINE = "dist/\n"
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com"}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout


def _copy_working_tree(dest: Path) -> None:
    files = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        source = REPO / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)


@pytest.fixture(scope="module")
def template_repo(tmp_path_factory) -> Path:
    """A git repo of this template with two tags: v0.1.0 (without CHANGED_LINE) and v0.2.0 (HEAD)."""
    repo = tmp_path_factory.mktemp("template")
    _copy_working_tree(repo)
    changed = repo / CHANGED_FILE
    current = changed.read_text()
    assert CHANGED_LINE in current
    git(repo, "init", "--quiet", "--initial-branch=main")
    changed.write_text(current.replace(CHANGED_LINE, ""))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "release 0.1.0")
    git(repo, "tag", "v0.1.0")
    changed.write_text(current)
    git(repo, "commit", "--quiet", "--all", "-m", "release 0.2.0")
    git(repo, "tag", "v0.2.0")
    return repo


def _generate(template: Path, dest: Path, ref: str, runtime: str = "python") -> Path:
    copier.run_copy(str(template), dest, data={"runtime": runtime, "space_name": "demo"}, defaults=True,
                    vcs_ref=ref, quiet=True)
    git(dest, "init", "--quiet", "--initial-branch=main")
    git(dest, "add", "--all")
    git(dest, "commit", "--quiet", "-m", "generated")
    return dest


def _update(project: Path, **data) -> None:
    copier.run_update(project, data=data, defaults=True, overwrite=True, quiet=True, vcs_ref="v0.2.0")


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts and p.is_file())


def test_update_keeps_user_edits_and_gains_template_changes(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "edited", "v0.1.0")
    assert "dist/" not in (project / ".gitignore").read_text()
    main = project / "backend" / "app" / "main.py"
    main.write_text(main.read_text() + '\n\n@app.get("/mine")\ndef mine() -> dict:\n    return {"edited": True}\n')
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\n## Our notes\n\nKept across updates.\n")
    git(project, "commit", "--quiet", "--all", "-m", "user edits")

    _update(project)

    assert "dist/" in (project / ".gitignore").read_text(), "the template's change arrived"
    assert '@app.get("/mine")' in main.read_text(), "the user's code edit is kept"
    assert "Kept across updates." in readme.read_text(), "the user's README edit is kept"
    assert "_commit: v0.2.0" in (project / ".copier-answers.yml").read_text()


def test_unedited_project_updated_equals_a_fresh_copy(template_repo, tmp_path):
    updated = _generate(template_repo, tmp_path / "old", "v0.1.0")
    _update(updated)
    fresh = tmp_path / "fresh"
    copier.run_copy(str(template_repo), fresh, data={"runtime": "python", "space_name": "demo"}, defaults=True,
                    vcs_ref="v0.2.0", quiet=True)
    assert _tree(updated) == _tree(fresh)
    _, mismatch, errors = filecmp.cmpfiles(updated, fresh, _tree(fresh), shallow=False)
    assert (mismatch, errors) == ([], [])


def test_switching_runtime_on_update_is_refused(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "switch", "v0.1.0")
    with pytest.raises(ValueError, match="switching to node on update is not supported"):
        _update(project, runtime="node")
    assert (project / "space_serve").is_dir(), "the project is left as it was"


def _conflicting_update(template_repo, dest: Path) -> Path:
    """The user adds notes/ to .gitignore where the next release adds dist/, then updates."""
    project = _generate(template_repo, dest, "v0.1.0")
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text().replace("!.env.example\n", "!.env.example\nnotes/\n"))
    git(project, "commit", "--quiet", "--all", "-m", "user adds notes/ where the template adds dist/")
    _update(project)
    return project


def test_conflicting_edit_is_shown_with_both_sides(template_repo, tmp_path):
    project = _conflicting_update(template_repo, tmp_path / "conflict")

    merged = (project / ".gitignore").read_text()
    assert "<<<<<<<" in merged and ">>>>>>>" in merged, "the conflict is marked in the file"
    assert "notes/" in merged and "dist/" in merged, "both sides are kept for the user to choose"


def test_an_unresolved_update_is_refused_by_check_and_deploy(template_repo, tmp_path):
    project = _conflicting_update(template_repo, tmp_path / "unresolved")
    (project / "README.md.rej").write_text("@@ -1 +1 @@\n-old\n+new\n")  # as a patch that did not apply leaves

    for command in (["check"], ["deploy", "--dry-run"]):
        result = space_tools(project, *command, check=False)
        assert result.returncode == 2, result.stdout
        assert result.stderr.startswith("error: an update left unresolved conflicts: ")
        assert ".gitignore (conflict markers)" in result.stderr and "README.md.rej (a rejected change)" in result.stderr


def test_switching_from_the_starter_to_backend_path_keeps_the_starter_code_recoverable(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "api", "v0.1.0")
    main = project / "backend" / "app" / "main.py"
    main.write_text(main.read_text() + "\n# our own route, to be kept\n")
    git(project, "commit", "--quiet", "--all", "-m", "our edit of the starter")
    (project / "backend" / ".env").write_text("APP_NAME=ours\n")  # git-ignored: only the disk has it
    backend = tmp_path / "backend"
    shutil.copytree(REPO / "examples" / "backend", backend, ignore=shutil.ignore_patterns("node_modules", "tests"))

    updated = subprocess.run([sys.executable, "-m", "copier", "update", "--defaults", "--vcs-ref", "v0.2.0", "--data",
                              "backend_path=../backend"], cwd=project, capture_output=True, text=True, timeout=300)
    synced = space_tools(project, "sync")

    assert updated.returncode == 0, updated.stderr
    assert "The starter app's files are in your git history (`git log --stat -- backend`)" in updated.stderr

    assert "# our own route, to be kept" in git(project, "show", "HEAD:backend/app/main.py"), "in git history"
    kept = [p for p in project.iterdir() if p.name.startswith("backend.kept-")]
    assert len(kept) == 1 and f"moved ./backend to ./{kept[0].name}" in synced.stdout
    assert (kept[0] / ".env").read_text() == "APP_NAME=ours\n"
    assert (project / "backend" / "app" / "main.py").read_text() == (backend / "app" / "main.py").read_text()


def test_the_generated_readmes_update_command_works_as_written(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "documented", "v0.1.0")
    lines = (project / "README.md").read_text().splitlines()
    line = next(line for line in lines if line.startswith("copier update --defaults --data"))
    command = shlex.split(line.split("#")[0])
    assert command[:2] == ["copier", "update"] and "--data" in command

    result = subprocess.run([sys.executable, "-m", "copier", *command[1:]], cwd=project, stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})

    assert result.returncode == 0, result.stderr
    answers = (project / ".copier-answers.yml").read_text()
    assert "workers: 2" in answers and "space_name: demo" in answers, "the one answer changed, the others kept"
    assert json.loads((project / "space.json").read_text())["variables"]["WEB_CONCURRENCY"]["default"] == "2"


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_setting_changed_once_with_update_reaches_every_file_that_uses_it(template_repo, tmp_path, runtime):
    project = _generate(template_repo, tmp_path / runtime, "v0.2.0", runtime)

    _update(project, app_port=8124)

    loaded = config.load(project)
    assert loaded.app_port == 8124 and loaded.front_matter()["app_port"] == 8124
    assert "EXPOSE 8124" in (project / "Dockerfile").read_text()
    assert derived_files.drift(loaded) == []


def test_a_hand_edit_of_space_json_is_named_by_check_and_the_update_it_suggests_completes_it(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "hand", "v0.2.0")
    settings = json.loads((project / "space.json").read_text())
    (project / "space.json").write_text(json.dumps({**settings, "app_port": 8125}, indent=2, ensure_ascii=False))
    git(project, "commit", "--quiet", "--all", "-m", "port 8125")

    refused = space_tools(project, "check", check=False)
    assert "README.md front matter: app_port is 7860 but space.json's app_port is 8125" in refused.stderr
    assert "`copier update --defaults --data app_port=<value>`" in refused.stderr

    _update(project, app_port=8125)

    assert space_tools(project, "check").returncode == 0
    assert not list(project.rglob("*.rej")) and "<<<<<<<" not in (project / "space.json").read_text()


# v0.1.0's commit: a clone of main may carry no tags, but it carries this commit.
FIRST_RELEASE = "3aa5314cfc768dd5c0b49a5f9f3e9e2a6b7cc3db"


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_a_space_made_from_the_first_tagged_release_updates_to_this_one(tmp_path, runtime):
    project = tmp_path / "space"
    copier.run_copy(str(REPO), project, data={"runtime": runtime}, defaults=True, vcs_ref=FIRST_RELEASE, quiet=True)
    git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "made from v0.1.0")
    first = re.search(r"(?m)^_commit: (.+)$", (project / ".copier-answers.yml").read_text()).group(1)
    assert first == "v0.1.0" or FIRST_RELEASE.startswith(first), "copier records the tag, or the commit without tags"

    result = subprocess.run([sys.executable, "-m", "copier", "update", "--defaults", "--vcs-ref", "HEAD", "--quiet"],
                            cwd=project, capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr
    assert not list(project.rglob("*.rej")), "an unedited Space updates without conflicts"
    assert f"_commit: {first}\n" not in (project / ".copier-answers.yml").read_text()
    assert space_tools(project, "check").returncode == 0


def test_check_names_a_template_address_only_this_machine_has(render):
    project = render(runtime="python")  # copied from a clone's path, as many first copies are

    local = space_tools(project, "check").stdout
    answers = project / ".copier-answers.yml"
    answers.write_text(re.sub(r"(?m)^_src_path: .*$", "_src_path: gh:acme/hf-space-templates", answers.read_text()))
    remote = space_tools(project, "check").stdout

    assert "note: .copier-answers.yml records the template at /" in local
    assert "set _src_path there to its remote address (e.g. gh:<owner>/hf-space-templates)" in local
    assert "records the template" not in remote


TEMPLATE_UPDATE = yaml.safe_load((REPO / "common" / "github" / "workflows" / "template-update.yml").read_text())


def _run_update_step(project: Path, gh: GitHubCLI, temp: Path) -> subprocess.CompletedProcess:
    """The workflow's step as GitHub runs it, in a checkout whose origin is a local bare repository."""
    step = next(s for s in TEMPLATE_UPDATE["jobs"]["update"]["steps"] if "copier check-update" in s.get("run", ""))
    temp.mkdir(exist_ok=True)
    env = {**os.environ, **GIT_ENV, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{gh.path()}",
           "RUNNER_TEMP": str(temp), "GH_TOKEN": "stand-in"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=project,
                          env=env, capture_output=True, text=True, timeout=300)


def test_the_template_update_workflow_opens_one_pull_request_per_new_release(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "space", "v0.1.0")
    git(tmp_path, "clone", "--quiet", "--bare", str(project), "origin.git")
    git(project, "remote", "add", "origin", str(tmp_path / "origin.git"))
    gh = GitHubCLI(tmp_path / "gh")

    first = _run_update_step(project, gh, tmp_path / "runner")
    git(project, "switch", "--quiet", "main")  # the next week's run checks out main again
    again = _run_update_step(project, gh, tmp_path / "runner")

    assert first.returncode == 0, first.stdout + first.stderr
    assert [(p["head"], p["title"]) for p in gh.state["pulls"]] == [
        ("template-update/0.2.0", "Update from the template's release 0.2.0")]
    pushed = git(tmp_path / "origin.git", "show", "template-update/0.2.0:.copier-answers.yml")
    assert "_commit: v0.2.0" in pushed
    assert "dist/" in git(tmp_path / "origin.git", "show", "template-update/0.2.0:.gitignore")  # the release's change
    assert again.returncode == 0 and "template-update/0.2.0 exists already" in again.stdout
    assert len(gh.state["pulls"]) == 1


def test_the_template_update_workflow_does_nothing_when_the_space_is_current(template_repo, tmp_path):
    project = _generate(template_repo, tmp_path / "space", "v0.2.0")
    gh = GitHubCLI(tmp_path / "gh")

    result = _run_update_step(project, gh, tmp_path / "runner")

    assert result.returncode == 0, result.stderr
    assert "The template has no release newer than this Space's." in result.stdout and gh.state["pulls"] == []


# --- Right after `copier copy` and `detect --write`, any answer changes without a conflict ---------------------------

QUESTIONS = REPO / "copier" / "questions"
# A backend of each runtime as a person writes it (the Node one on PostgreSQL); its variables are read in an order that
# is not the alphabet's.
BACKENDS = {
    "python": {"requirements.txt": "fastapi\nuvicorn\n",
               "main.py": 'import os\n\nfrom fastapi import FastAPI\n\nZONE = os.environ["ZONE"]\n'
                          'API_KEY = os.environ["API_KEY"]\nMODE = os.getenv("MODE", "live")\n\napp = FastAPI()\n'},
    "node": {"package.json": json.dumps({"name": "auth", "type": "module", "main": "server.ts",
                                         "dependencies": {"better-auth": "^1.7.0", "pg": "^8.16.0"}}),
             "server.ts": 'import { betterAuth } from "better-auth";\nimport { Pool } from "pg";\n\n'
                          'const zone = process.env.ZONE!;\nconst key = process.env.API_KEY!;\n'
                          'const mode = process.env.MODE ?? "live";\n\nexport const auth = betterAuth({ database: '
                          'new Pool({ connectionString: process.env.DATABASE_URL }) });\n'},
}
DETECTED = ["API_KEY", "MODE", "ZONE"]
# Every answer a Space records, each changed in one update (the test below checks none is left out): the Python Space
# goes from no storage to a bucket, the Node one from PostgreSQL outside to SQLite in a bucket, and onto Bun.
COMMON = {
    "backend_path": "../../backend-moved", "space_name": "tasks-api", "space_owner": "acme",
    "space_title": "Tasks, renamed", "short_description": "Tasks for the team", "emoji": "📋", "color_from": "green",
    "color_to": "purple", "license": "apache-2.0", "visibility": "protected", "hardware": "cpu-upgrade",
    "sleep_time": 3600, "startup_duration_timeout": "1h", "dev_mode": True, "app_port": 8080,
    "base_path": "/redoc", "health_path": "/livez", "prestart": "echo migrated", "hf_oauth": True,
    "hf_oauth_expiration_minutes": 60, "backend_files": ["templates"], "storage": "bucket", "storage_mount": "/state",
    "snapshot_interval": 10, "storage_bucket": "acme/tasks-state",
}
MODE = {"secret": False, "required": False, "default": "test", "help": "Read in main.py."}
CHANGES = {
    "python": {**COMMON, "hf_oauth_scopes": "openid profile email", "python_version": "3.12", "asgi_app": "main:api",
               "app_dir": "src", "extras": ["server"],
               "workers": 2, "sqlite_files": ["$TASKS_DB"],
               "env_vars": {"API_KEY": {"secret": True, "required": True, "default": "", "help": "Read in main.py."},
                            "MODE": MODE,
                            "TASKS_DB": {"secret": False, "required": False, "default": "/home/user/data/tasks.db",
                                         "help": "The tasks' SQLite file."},
                            "ZONE": {"secret": False, "required": True, "default": "", "help": "Read in main.py."}}},
    "node": {**COMMON, "hf_oauth_scopes": "openid profile email read-repos", "node_version": "22",
             "js_runtime": "bun", "bun_version": "1",
             "entry_file": "server.mts", "database": "sqlite", "prisma_schema": "prisma/schema.prisma",
             "pnpm_workspace": [".", "workspace-packages/packages/db"], "migrate_on_start": False, "iframe": True, "sqlite_files": ["/home/node/data/other.db"],
             "env_vars": {"API_KEY": {"secret": True, "required": True, "default": "", "help": "Read in server.ts."},
                          "MODE": {**MODE, "help": "Read in server.ts."},
                          "ZONE": {"secret": False, "required": True, "default": "", "help": "Read in server.ts."}}},
}
# One worker builds each runtime's Space once (`tools/test` distributes by group).
BY_RUNTIME = [pytest.param(runtime, marks=pytest.mark.xdist_group(f"update-{runtime}")) for runtime in CHANGES]


def _questions(runtime: str) -> set[str]:
    """The answers a Space of this runtime can record: every question but the computed ones and the other runtime's."""
    other = "node" if runtime == "python" else "python"
    return {name for path in QUESTIONS.glob("*.yml") for name, spec in yaml.safe_load(path.read_text()).items()
            if spec.get("when") is not False and f"runtime == '{other}'" not in str(spec.get("when", ""))}


@pytest.fixture(scope="module")
def detected(template_repo, tmp_path_factory):
    """Per runtime, a repository with its backend and its Space, copied, then `detect --write`, committed."""
    made = {}

    def _detected(runtime: str) -> Path:
        if runtime not in made:
            repo = tmp_path_factory.mktemp(f"detected-{runtime}")
            for backend in ("backend", "backend-moved"):
                (repo / backend).mkdir()
                for name, text in BACKENDS[runtime].items():
                    (repo / backend / name).write_text(text)
            copier.run_copy(str(template_repo), repo / "spaces" / "demo",
                            data={"runtime": runtime, "backend_path": "../../backend"}, defaults=True,
                            vcs_ref="v0.2.0", quiet=True)
            git(repo, "init", "--quiet", "--initial-branch=main")
            space_tools(repo / "spaces" / "demo", "detect", "--write")
            git(repo, "add", "--all")
            git(repo, "commit", "--quiet", "-m", "copied and detected")
            made[runtime] = repo
        return made[runtime]

    return _detected


@pytest.fixture(scope="module")
def updated(detected, tmp_path_factory):
    """A clone of the detected repository after `copier update --defaults --data NAME=value ...` of every answer in
    CHANGES, run in the Space's folder as its README says: (the Space, what Copier printed)."""
    done = {}

    def _updated(runtime: str) -> tuple[Path, subprocess.CompletedProcess[str]]:
        if runtime not in done:
            repo = tmp_path_factory.mktemp(f"updated-{runtime}") / "repo"
            git(detected(runtime), "clone", "--quiet", str(detected(runtime)), str(repo))
            data = [arg for name, value in CHANGES[runtime].items()
                    for arg in ("--data", f"{name}={value if isinstance(value, str) else json.dumps(value)}")]
            done[runtime] = repo / "spaces" / "demo", subprocess.run(
                [sys.executable, "-m", "copier", "update", "--defaults", "--vcs-ref", "v0.2.0", *data],
                cwd=repo / "spaces" / "demo", capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
        return done[runtime]

    return _updated


@pytest.mark.parametrize("runtime", BY_RUNTIME)
def test_right_after_detect_write_the_space_is_what_copier_renders_from_its_answers(detected, tmp_path, runtime):
    """What makes any update clean: Copier's render of the recorded answers (the old side of its merge) is the Space
    as it is, so whichever answer an update changes, there is no edit of the owner's to merge with it."""
    space = detected(runtime) / "spaces" / "demo"
    recorded = yaml.safe_load((space / ".copier-answers.yml").read_text())
    fresh = tmp_path / "fresh" / "spaces" / "demo"
    copier.run_copy(recorded["_src_path"], fresh, data={k: v for k, v in recorded.items() if not k.startswith("_")},
                    defaults=True, vcs_ref=recorded["_commit"], quiet=True)

    _, mismatch, errors = filecmp.cmpfiles(space, fresh, _tree(fresh), shallow=False)
    assert (mismatch, errors) == ([], [])
    assert _tree(space) == _tree(fresh)


@pytest.mark.parametrize("runtime", BY_RUNTIME)
def test_every_answer_changed_right_after_detect_write_updates_without_a_conflict(updated, runtime):
    space, result = updated(runtime)

    assert result.returncode == 0, result.stderr
    conflicted = [name for name in _tree(space)
                  if re.search(r"(?m)^<<<<<<< ", (space / name).read_text(errors="replace"))]
    assert conflicted == [] and not list(space.rglob("*.rej"))
    answers = yaml.safe_load((space / ".copier-answers.yml").read_text())
    assert {name: answers[name] for name in CHANGES[runtime]} == CHANGES[runtime]
    variables = json.loads((space / "space.json").read_text())["variables"]
    assert [name for name in variables if name in DETECTED] == DETECTED, "by name, as the answers record them"


@pytest.mark.parametrize("runtime", BY_RUNTIME)
def test_that_update_changes_every_answer_a_space_records(detected, runtime):
    recorded = yaml.safe_load((detected(runtime) / "spaces" / "demo" / ".copier-answers.yml").read_text())
    before = {name: value for name, value in recorded.items() if not name.startswith("_")}

    assert set(CHANGES[runtime]) == _questions(runtime) - {"runtime"}
    assert [name for name, value in CHANGES[runtime].items() if before.get(name) == value] == []


@pytest.mark.xdist_group("update-python")
def test_an_update_says_only_what_applies_to_this_space(updated):
    _, result = updated("python")

    assert "Warning" not in result.stderr, "no Copier warning about its own answers file"
    assert "starter" not in result.stderr, "this Space never had the starter app"
    assert "Updated tasks-api: review" in result.stderr and "Updated .." not in result.stderr
