"""storage=bucket and a user's mistakes that need no container: refused in one line, nothing written; and a Space's
folder whose path docker's --mount would split, mounted whole."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

from space_tools import config, env_values, local_space

from tests.conftest import TEST_SECRET, space_tools
from tests.test_storage import bucket_answers


def test_a_linked_local_data_folder_is_refused_and_its_target_left_alone(render, python_backends, tmp_path):
    project = render(**bucket_answers("python", python_backends["uv-lock"]))
    (project / ".env").write_text(f"APP_SECRET_KEY={TEST_SECRET}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".space-data").symlink_to(elsewhere)

    refused = space_tools(project, "run", "--network", "host", check=False)

    assert refused.returncode != 0
    assert "error: .space-data is not a folder of this repo (a link): move it away" in refused.stderr
    assert "Traceback" not in refused.stderr and list(elsewhere.iterdir()) == []


def _python_bucket_space(render):
    return render(runtime="python", storage="bucket", sqlite_files=["/home/user/data/notes.db"])


def test_a_hand_edited_storage_mount_is_refused_by_run_before_docker_is_called(render, tmp_path):
    project = _python_bucket_space(render)
    settings = json.loads((project / "space.json").read_text())
    (project / "space.json").write_text(json.dumps({**settings, "storage_mount": "/data,source=/etc,readonly=false"}))
    calls = tmp_path / "docker-calls"
    client = tmp_path / "docker"  # a docker client that only records that it was called
    client.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    client.chmod(0o755)

    refused = subprocess.run([sys.executable, "-m", "space_tools", "run"], cwd=project, capture_output=True, text=True,
                             env={**os.environ, "DOCKER": str(client)}, check=False)

    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [(
        'error: space.json: storage_mount "/data,source=/etc,readonly=false" is not a folder path in the container '
        "like /data: absolute and normalized, of letters, digits, '.', '_' and '-' (no '..', comma, quote or space). "
        "Fix space.json (or change the setting with `copier update --defaults --data NAME=value`).")]
    assert not calls.exists() and not (project / ".space-data").exists()


def test_a_space_whose_folder_path_holds_a_comma_or_a_quote_mounts_its_data_folder_as_one_field(render, tmp_path):
    project = tmp_path / 'team,"spaces"' / "notes"
    project.parent.mkdir()
    shutil.move(_python_bucket_space(render), project)
    settings = config.load(project)
    space = local_space.for_settings(settings, env_values.resolve(settings), port=None, name=None, network="")

    arguments = space.run_arguments(tmp_path / "env")

    mount = arguments[arguments.index("--mount") + 1]
    data = project.resolve() / ".space-data"
    assert mount == f'type=bind,"source={tmp_path.resolve()}/team,""spaces""/notes/.space-data",target=/data'
    assert next(csv.reader([mount])) == ["type=bind", f"source={data}", "target=/data"]  # docker reads CSV too
    assert data.is_dir()
