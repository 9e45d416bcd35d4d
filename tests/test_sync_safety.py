"""sync never destroys what it did not write, never follows a link out of the backend, and every command checks
the answers again, with one clear line for each mistake a user makes in a real repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, space_tools
from tests.support import copier_cli as rendering

# Copier's message and space_tools' message for the same wrong answer are the same words.
INSIDE_THE_SPACE = "is this Space's own folder or inside it: point it at your backend outside the Space"
HOLDS_THE_SPACE = "backend_files must not hold this Space's own folder"
WHOLE_BACKEND = "backend_files must name the files and folders the Space needs, not the whole backend"
OUTSIDE_THE_BACKEND = "backend_files must be paths inside the backend folder, never .env files"


def copier_copy(dest: Path, **data: str) -> subprocess.CompletedProcess[str]:
    return rendering.copier_copy(dest, REPO / "examples" / "answers" / "python.yml", **data)


@pytest.fixture
def user_repo(python_backends, tmp_path) -> Path:
    """A team's repository: a working backend with its git folder, secrets, tests and a database."""
    repo = tmp_path / "repo"
    backend = repo / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    (backend / ".git").mkdir()
    (backend / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (backend / ".env").write_text("APP_SECRET_KEY=the-real-one-0123456789\n")
    (backend / "tests").mkdir()
    (backend / "tests" / "test_app.py").write_text("def test_ok():\n    assert True\n")
    (backend / "notes.db").write_bytes(b"SQLite format 3\0")
    return repo


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): (os.readlink(path).encode() if path.is_symlink() else path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file() or path.is_symlink()
    }


@pytest.fixture
def space(user_repo) -> Path:
    """The Space rendered into spaces/api of the team's repo, pointing at ../../backend."""
    dest = user_repo / "spaces" / "api"
    result = copier_copy(dest, backend_path="../../backend")
    assert result.returncode == 0, result.stderr
    return dest


def edit_settings(space: Path, **changes) -> None:
    """A hand edit of space.json, where the Space's owner changes its settings."""
    path = space / "space.json"
    settings = json.loads(path.read_text())
    settings.update(changes)
    path.write_text(json.dumps(settings, indent=2))


def refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("backend_path", ["backend", "./backend/", ".", "backend/app"])
def test_copier_refuses_a_backend_path_inside_the_space_and_the_real_backend_is_untouched(user_repo, backend_path):
    before = snapshot(user_repo)

    result = copier_copy(user_repo, backend_path=backend_path)

    assert result.returncode != 0
    assert INSIDE_THE_SPACE in result.stderr
    assert snapshot(user_repo) == before, "the backend, its .git, .env, tests and database are all still there"


@pytest.mark.parametrize("command", [["sync"], ["check"], ["build"], ["run"], ["deploy", "--dry-run"]])
def test_every_command_refuses_a_hand_edited_backend_path_into_the_space(space, user_repo, command):
    space_tools(space, "sync")
    edit_settings(space, backend_path="backend")
    before = snapshot(user_repo)

    refused(space_tools(space, *command, check=False), f'backend_path "backend" {INSIDE_THE_SPACE}')

    assert snapshot(user_repo) == before


def test_the_space_inside_the_backend_is_refused_unless_backend_files_keep_it_out(tmp_path, python_backends):
    backend = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    dest = backend / "spaces" / "api"

    for files, message in (('["."]', WHOLE_BACKEND), ('["app", "spaces"]', HOLDS_THE_SPACE)):
        result = copier_copy(dest, backend_path="../..", backend_files=files)
        assert result.returncode != 0 and message in result.stderr, result.stderr
    assert copier_copy(dest, backend_path="../..", backend_files='["app", "pyproject.toml", "uv.lock"]').returncode == 0
    space_tools(dest, "sync")
    assert sorted(p.name for p in (dest / "backend").iterdir()) == ["app", "pyproject.toml", "uv.lock"]

    for files, message in ((["."], WHOLE_BACKEND), (["spaces/api"], HOLDS_THE_SPACE), (["../README.md"], OUTSIDE_THE_BACKEND)):
        edit_settings(dest, backend_files=files)
        refused(space_tools(dest, "sync", check=False), message)


def test_an_entry_pointing_out_of_the_backend_never_overwrites_the_space_readme(space):
    readme = (space / "README.md").read_bytes()
    edit_settings(space, backend_files=["app", "pyproject.toml", "../README.md"])

    refused(space_tools(space, "sync", check=False), f'"../README.md": {OUTSIDE_THE_BACKEND}')

    assert (space / "README.md").read_bytes() == readme


def test_edits_and_new_files_in_backend_stop_sync_and_force_sets_them_aside(space):
    space_tools(space, "sync")
    main = space / "backend" / "app" / "main.py"
    main.write_text(main.read_text() + "# a fix made in the wrong place\n")
    (space / "backend" / "TODO.txt").write_text("mine\n")

    result = space_tools(space, "sync", check=False)

    refused(result, "./backend has files sync did not write: backend/TODO.txt (added), backend/app/main.py (edited)")
    assert main.read_text().endswith("# a fix made in the wrong place\n") and (space / "backend" / "TODO.txt").exists()
    assert space_tools(space, "build", check=False).returncode == 2, "build syncs first, so it stops too"

    forced = space_tools(space, "sync", "--force")

    kept = [p for p in space.iterdir() if p.name.startswith("backend.kept-")]
    assert len(kept) == 1 and f"moved ./backend to ./{kept[0].name}" in forced.stdout
    assert (kept[0] / "app" / "main.py").read_text().endswith("# a fix made in the wrong place\n")
    assert (kept[0] / "TODO.txt").read_text() == "mine\n"
    assert "# a fix made in the wrong place" not in main.read_text() and not (space / "backend" / "TODO.txt").exists()


def test_a_backend_folder_sync_never_wrote_is_set_aside_not_deleted(tmp_path, python_backends):
    """The starter -> backend_path switch: the starter's code and its git-ignored .env and .venv survive."""
    starter = tmp_path / "api"
    assert copier_copy(starter, backend_path="").returncode == 0
    (starter / "backend" / ".env").write_text("APP_NAME=mine\n")
    (starter / "backend" / ".venv").mkdir()
    (starter / "backend" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    before = snapshot(starter / "backend")
    backend = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    edit_settings(starter, backend_path="../backend", backend_files=["app", "pyproject.toml", "uv.lock"])

    result = space_tools(starter, "sync")

    kept = [p for p in starter.iterdir() if p.name.startswith("backend.kept-")]
    assert len(kept) == 1
    assert f"moved ./backend to ./{kept[0].name} (sync did not write it): nothing in it was deleted" in result.stdout
    assert snapshot(kept[0]) == before
    assert (starter / "backend" / "app" / "main.py").read_text() == (backend / "app" / "main.py").read_text()


@pytest.mark.parametrize(
    ("make_link", "message"),
    [
        (lambda b, home: (b / "app" / "passwd").symlink_to("/etc/passwd"),
         "backend file app/passwd is a link to /etc/passwd, outside the backend"),
        (lambda b, home: (b / "app" / "keys").symlink_to(home / ".ssh"),
         "backend file app/keys is a link to {home}/.ssh, outside the backend"),
        (lambda b, home: (b / "app" / "gone.py").symlink_to(b / "nowhere.py"),
         "backend file app/gone.py is a link to {backend}/nowhere.py, which does not exist"),
        (lambda b, home: (b / "app" / "again").symlink_to(b / "app"),
         "backend folder app/again is a link that loops back into itself"),
        (lambda b, home: (b / "app" / "self.py").symlink_to("self.py"), "backend file app/self.py is a link that loops"),
    ],
    ids=["etc-passwd", "ssh-folder", "dangling", "folder-loop", "self-loop"],
)
def test_a_link_out_of_the_backend_or_broken_stops_sync_with_one_line(space, user_repo, tmp_path, make_link, message):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    backend = user_repo / "backend"
    make_link(backend, home)

    refused(space_tools(space, "sync", check=False), message.format(home=home, backend=backend))

    assert not (space / "backend").exists(), "nothing is written"


def test_links_that_stay_inside_the_backend_are_copied_as_the_files_they_name(space, user_repo):
    backend = user_repo / "backend"
    (backend / "shared").mkdir()
    (backend / "shared" / "labels.py").write_text("LABELS = ['a']\n")
    (backend / "app" / "labels.py").symlink_to("../shared/labels.py")
    (backend / "app" / "config.txt").symlink_to("../.env")  # another name for the secrets

    result = space_tools(space, "sync")

    copied = space / "backend" / "app" / "labels.py"
    assert copied.is_file() and not copied.is_symlink() and copied.read_text() == "LABELS = ['a']\n"
    assert not (space / "backend" / "app" / "config.txt").exists()
    assert "left out app/config.txt: a link to .env, which never ships" in result.stdout


def test_a_linked_backend_folder_in_the_space_is_refused(space, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (space / "backend").symlink_to(elsewhere)

    refused(space_tools(space, "sync", check=False), "./backend is a link (to ")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", [["deploy", "--dry-run"], ["sync", "--dry-run"], ["check"]])
def test_dry_runs_and_check_write_nothing(space, command):
    (space / "backend").mkdir()
    (space / "backend" / "mine.txt").write_text("a folder sync never wrote\n")
    before = snapshot(space)

    result = space_tools(space, *command)

    assert snapshot(space) == before
    assert not [p for p in space.iterdir() if p.name.startswith(("backend.kept-", ".backend"))]
    if command[0] != "check":
        assert "(./backend, which sync did not write, would be set aside first)" in result.stdout


def test_what_sync_leaves_out_that_the_app_may_need_is_said(space, user_repo):
    app = user_repo / "backend" / "app"
    (app / "seed.db").write_bytes(b"SQLite format 3\0")
    (app / "dist").mkdir()
    (app / "dist" / "bundle.js").write_text("//\n")

    result = space_tools(space, "sync")

    assert "left out app/seed.db (local state or build output, *.db)" in result.stdout
    assert "left out app/dist (local state or build output, dist/)" in result.stdout


def test_a_dotenv_python_dotenv_cannot_read_gets_one_line_without_the_value(space):
    (space / ".env").write_text('APP_NAME=ok\nAPP_SECRET_KEY="unterminated-s3cr3t-value\n')
    result = space_tools(space, "check", check=False)
    refused(result, ".env:2: python-dotenv can't read this line (its value is not shown)")
    assert "s3cr3t" not in result.stdout + result.stderr

    (space / ".env").write_bytes("APP_NAME=caf\u00e9\n".encode("latin-1"))
    refused(space_tools(space, "check", check=False), ".env is not UTF-8 text (byte 12): save it as UTF-8.")


def test_a_hand_broken_settings_file_gets_one_line(space):
    settings = (space / "space.json").read_text()
    (space / "space.json").write_text('{"runtime": "python", "space_name": ')
    refused(space_tools(space, "check", check=False), "space.json is not valid JSON")
    (space / "space.json").write_text(settings)
    edit_settings(space, health_path="/")
    refused(space_tools(space, "check", check=False), "would answer in place of the app's home page")
