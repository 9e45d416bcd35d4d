"""One source of a Space's settings: space.json holds every answer its consumers read; the files rendered from
the same answers agree with it, and when someone edits one of them by hand, `check` (and deploy) name the file,
the setting and the fix, in one line each."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from space_tools import config, derived_files

from tests.conftest import space_tools

RUNTIMES = ["python", "node"]


def _settings(project: Path) -> dict:
    return json.loads((project / "space.json").read_text())


def _edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"{relative} has no {old!r}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_every_consumer_reads_the_same_settings(render, runtime):
    project = render(runtime=runtime, app_port=8123, health_path="/live", startup_duration_timeout="45m")
    settings = _settings(project)
    loaded = config.load(project)

    assert (loaded.app_port, loaded.health_path, loaded.startup_timeout_s) == (8123, "/live", 45 * 60)
    assert [var.name for var in loaded.variables()] == list(settings["variables"])
    front = loaded.front_matter()
    assert (front["app_port"], front["startup_duration_timeout"]) == (8123, "45m")
    assert "EXPOSE 8123" in (project / "Dockerfile").read_text()
    assert derived_files.drift(loaded) == []
    assert "on port 8123, health /live" in space_tools(project, "check").stdout


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_image_reads_space_json_and_no_rendered_copy_of_it(render, runtime):
    project = render(runtime=runtime)
    wrapper = {p.name: p.read_text() for p in (project / "space_serve").iterdir()}
    settings = wrapper["settings.py" if runtime == "python" else "settings.mjs"]

    assert "space.json" in settings
    assert not [name for name, text in wrapper.items() if "{{" in text or "{%" in text]
    assert not (project / "space_serve" / "settings.py.jinja").exists()
    dockerfile = (project / "Dockerfile").read_text()
    assert re.search(r"^COPY space\.json /(opt/space|src)/$", dockerfile, re.M), "the image gets the one file"
    assert "!space.json" in (project / ".dockerignore").read_text().splitlines()
    assert "ENV PORT" not in dockerfile and "PORT=" not in dockerfile, "the port's default comes from space.json"


# (file, text as rendered, the hand edit, what check says)
HAND_EDITS = {
    "front matter port": ("README.md", "app_port: 7860", "app_port: 8080",
                          "README.md front matter: app_port is 8080 but space.json's app_port is 7860"),
    "front matter title": ("README.md", 'title: "Demo"', 'title: "Other"',
                           "README.md front matter: title is \"Other\" but space.json's space_title is \"Demo\""),
    "dockerfile port": ("Dockerfile", "EXPOSE 7860", "EXPOSE 9000",
                        "Dockerfile: `EXPOSE 9000` but space.json's app_port is 7860"),
    "env example default": (".env.example", "APP_NAME=Starter API", "APP_NAME=Mine",
                            ".env.example: APP_NAME=Mine but its default in space.json is \"Starter API\""),
    "env example extra": (".env.example", "APP_NAME=Starter API", "APP_NAME=Starter API\nEXTRA=1",
                          ".env.example lists EXTRA, which space.json does not declare"),
    "readme variable": ("README.md", "- `APP_NAME` (Variable, optional, default `Starter API`)",
                        "- `APP_NAME` (Secret, required)", "README.md lists APP_NAME otherwise than space.json"),
}


@pytest.mark.parametrize("edit", HAND_EDITS)
def test_a_hand_edited_derived_file_is_named_by_check(render, edit):
    relative, old, new, message = HAND_EDITS[edit]
    project = render(runtime="python", space_name="demo", space_title="Demo")
    _edit(project, relative, old, new)

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("error: space.json and the files rendered from it disagree:")
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_secret_given_a_value_in_env_example_is_named_without_the_value(render):
    project = render(runtime="python", env_vars={"API_KEY": {"secret": True, "required": True, "help": "Key."}})
    _edit(project, ".env.example", "API_KEY=", "API_KEY=sk-live-do-not-commit")

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2
    assert ".env.example gives API_KEY a value, but it is a Secret and .env.example is committed" in result.stderr
    assert "sk-live-do-not-commit" not in result.stdout + result.stderr


def test_a_variable_declared_in_space_json_is_asked_for_in_the_derived_files(render):
    project = render(runtime="python")
    settings = _settings(project)
    settings["variables"]["MAIL_FROM"] = {"secret": False, "required": False, "default": "a@b.c", "help": "Sender."}
    (project / "space.json").write_text(json.dumps(settings, indent=2))

    result = space_tools(project, "check", check=False)

    assert ".env.example lacks MAIL_FROM, which space.json declares: add the line `MAIL_FROM=a@b.c`." in result.stderr
    assert "README.md's environment variables lack MAIL_FROM: add `- `MAIL_FROM` (Variable, optional, default " \
           "`a@b.c`): Sender.`." in result.stderr


def test_an_owner_who_drops_the_readme_variables_section_is_not_nagged(render):
    project = render(runtime="python")
    readme = (project / "README.md").read_text()
    start, end = readme.index("## Environment variables"), readme.index("## Deploy")
    (project / "README.md").write_text(readme[:start] + readme[end:])

    assert space_tools(project, "check").returncode == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"app_port": "7860"}, 'app_port must be a whole number, not "7860".'),
    ({"app_port": 80}, "Port 80 is not usable: the app runs as uid 1000"),
    ({"health_path": "/"}, "would answer in place of the app's home page"),
    ({"variables": {"lower": {"secret": False, "required": False, "default": "", "help": ""}}},
     "lower is not an environment variable name"),
    ({"variables": {"KEY": {"secret": True, "required": True, "default": "abc", "help": ""}}},
     "KEY is a secret: it can't have a default"),
    ({"variables": {"KEY": {"secret": True}}}, "variables.KEY: give an object with exactly secret, required"),
])
def test_a_hand_edit_of_space_json_is_checked_by_the_rules_copier_applies(render, change, message):
    project = render(runtime="python")
    (project / "space.json").write_text(json.dumps({**_settings(project), **change}, indent=2))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: space.json: ") and message in result.stderr, result.stderr


def test_the_auth_server_keeps_its_signing_secret_required(render):
    project = render(runtime="node")
    settings = _settings(project)
    settings["variables"]["BETTER_AUTH_SECRET"]["required"] = False
    (project / "space.json").write_text(json.dumps(settings, indent=2))

    result = space_tools(project, "check", check=False)

    assert "variables.BETTER_AUTH_SECRET must stay a required secret" in result.stderr


def test_deploy_refuses_a_front_matter_that_disagrees_with_space_json(hub, make_space, cli):
    repo = make_space(app_port=7860)
    _edit(repo.root, "README.md", "app_port: 7860", "app_port: 8080")

    result = cli(repo, "deploy", "--poll-interval", "0.1", "--yes", hub=hub)

    assert result.returncode == 2
    assert "README.md front matter: app_port is 8080 but space.json's app_port is 7860" in result.output
    assert hub.mutating_requests() == []
