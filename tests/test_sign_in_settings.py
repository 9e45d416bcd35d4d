"""hf_oauth is one answer: the front matter Spaces reads, space.json, .env.example and the README follow it, check
holds them to it, and a backend that can't use it is named before anything is built. No Docker needed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from space_tools import front_matter_rules

from tests.conftest import copy_node_backend, python_example_answers, space_tools
from tests.support.front_matter import space_card

OAUTH_VARIABLES = ["OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "OAUTH_SCOPES", "OPENID_PROVIDER_URL"]


@pytest.mark.parametrize(("runtime", "scopes"), [("python", ["openid", "profile"]),
                                                 ("node", ["openid", "profile", "email"])])
def test_the_front_matter_asks_spaces_for_sign_in_with_the_scopes_and_expiry(render, runtime, scopes):
    project = render(runtime=runtime, hf_oauth=True, hf_oauth_expiration_minutes=60)
    card = space_card(project)
    settings = json.loads((project / "space.json").read_text())

    assert (card.hf_oauth, card.hf_oauth_scopes, card.hf_oauth_expiration_minutes) == (True, scopes, 60)
    assert (settings["hf_oauth"], settings["hf_oauth_scopes"], settings["hf_oauth_expiration_minutes"]) == (
        True, scopes, 60)
    assert front_matter_rules.problems(card.to_dict()) == []
    assert "ok:" in space_tools(project, "check").stdout


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_without_sign_in_nothing_of_it_is_rendered(render, runtime):
    project = render(runtime=runtime)
    readme = (project / "README.md").read_text()

    assert "hf_oauth" not in readme and "OAUTH" not in (project / ".env.example").read_text()
    assert json.loads((project / "space.json").read_text())["hf_oauth"] is False


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_env_example_lists_the_injected_variables_as_comments_that_deploy_never_sends(render, runtime):
    project = render(runtime=runtime, hf_oauth=True)
    lines = (project / ".env.example").read_text().splitlines()
    settings = json.loads((project / "space.json").read_text())

    assert [f"# {name}=" in "\n".join(lines) for name in OAUTH_VARIABLES] == [True] * 4
    assert not [line for line in lines if line.startswith(("OAUTH_", "OPENID_"))]  # none is a value to fill in
    assert not set(settings["variables"]) & set(OAUTH_VARIABLES)  # so deploy, which sends these, never sends them


def test_a_front_matter_edited_away_from_space_json_is_named_by_check(render):
    project = render(runtime="python", hf_oauth=True)
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("hf_oauth: true\n", ""))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2
    assert "README.md front matter: hf_oauth is nothing but space.json's hf_oauth is true" in result.stderr


def test_front_matter_rules_name_a_wrong_sign_in_setting():
    front = {"sdk": "docker", "title": "T", "hf_oauth": "yes", "hf_oauth_scopes": "openid profile",
             "hf_oauth_expiration_minutes": -5}

    assert front_matter_rules.problems(front) == [
        "hf_oauth must be true or false",
        "hf_oauth_scopes must be a list of scopes such as [openid, profile]",
        "hf_oauth_expiration_minutes must be a positive number of minutes",
    ]


def test_a_fastapi_backend_without_huggingface_hub_oauth_is_refused_with_the_command_to_add_it(
        render, python_backends, tmp_path):
    backend = tmp_path / "backend"
    shutil.copytree(python_backends["uv-lock"], backend)
    project = render(**python_example_answers(backend, hf_oauth=True))

    result = space_tools(project, "sync", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "hf_oauth is on, but huggingface_hub[oauth] is not among the backend's dependencies" in result.stderr
    assert "`uv add 'huggingface_hub[oauth]'`" in result.stderr
    assert not (project / "backend").exists()


def _node_project(render, tmp_path: Path, auth_config: str) -> Path:
    backend = copy_node_backend(tmp_path / "backend")
    (backend / "auth.ts").write_text(auth_config)  # the config in a file of its own, as many servers keep it
    return render(runtime="node", backend_path=str(backend), entry_file="auth-server.ts", hf_oauth=True)


def test_an_existing_better_auth_server_without_the_provider_is_told_where_the_lines_are(render, tmp_path):
    project = _node_project(render, tmp_path, "export const providers = {};\n")

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "hf_oauth is on, but no file of the backend reads OPENID_PROVIDER_URL" in result.stderr
    assert "Sign in with Hugging Face" in result.stderr


def test_an_existing_better_auth_server_with_the_provider_in_another_file_passes(render, tmp_path):
    project = _node_project(render, tmp_path, 'export const discovery = `${process.env.OPENID_PROVIDER_URL}`;\n')

    result = space_tools(project, "check")

    assert "sign-in: Better Auth's huggingface provider" in result.stdout


def test_a_space_json_edited_to_sign_in_without_its_scopes_is_one_line(render):
    project = render(runtime="python")
    settings_file = project / "space.json"
    settings_file.write_text(settings_file.read_text().replace('"hf_oauth": false', '"hf_oauth": true'))

    result = space_tools(project, "run", "--network", "host", check=False)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert 'hf_oauth_scopes must be a list like ["openid", "profile"], not null.' in result.stderr
