"""storage=bucket and a user's mistakes that need no container: refused in one line, nothing written."""

from __future__ import annotations

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
