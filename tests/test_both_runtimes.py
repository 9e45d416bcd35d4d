"""What both templates promise alike, checked on each runtime."""

from __future__ import annotations

import pytest
from space_tools.front_matter_rules import problems

from harness import docker
from harness.images import NODE_IMAGE, PYTHON_IMAGE
from tests.conftest import node_example_answers, python_example_answers, space_tools
from tests.support import figures
from tests.support.front_matter import space_card

DEV_MODE_TOOLS = ("bash", "curl", "wget", "procps", "git", "git-lfs")
START = {"python": ["python", "/opt/space/space_serve/launch/space-serve.py"],
         "node": ["node", "/home/node/app/start.mjs"]}
# The code's folder, in the home of uid 1000 as Hugging Face's example has it; /app leads there.
APP_DIR = {"python": "/home/user/app", "node": "/home/node/app"}
BASE = {"python": PYTHON_IMAGE, "node": NODE_IMAGE}
SPACE_FILES = {"README.md", "Dockerfile", ".dockerignore", ".gitignore", ".env.example", ".copier-answers.yml",
               "space.json"}
# An existing backend of each shape, and the manifest the image installs from.
BACKENDS = {
    "python-uv-lock": ("python", "uv-lock", "uv.lock"),
    "python-pyproject": ("python", "pyproject", "pyproject.toml"),
    "python-requirements": ("python", "requirements", "requirements.txt"),
    "node-package-lock": ("node", None, "package-lock.json"),
}


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_defaults_give_a_complete_space_repo_with_a_starter_backend(render, runtime):
    project = render(runtime=runtime)
    assert SPACE_FILES <= {path.name for path in project.iterdir()}
    assert (project / "backend").is_dir(), "no backend given: a starter is rendered"
    assert (project / "space_serve").is_dir() and (project / "space_tools" / "__main__.py").is_file()


@pytest.mark.parametrize("backend", BACKENDS, ids=BACKENDS.keys())
def test_an_existing_backend_is_referenced_then_synced_not_copied(render, request, backend):
    runtime, variant, manifest = BACKENDS[backend]
    if runtime == "python":
        answers = python_example_answers(request.getfixturevalue("python_backends")[variant])
    else:
        answers = node_example_answers(request.getfixturevalue("node_backend"))
    project = render(**answers)
    assert not (project / "backend").exists(), "the code stays in the backend folder until `sync`"
    assert "/backend/" in (project / ".gitignore").read_text().splitlines()

    synced = space_tools(project, "sync").stdout

    assert f"dependencies: {manifest}" in synced
    assert (project / "backend" / manifest).is_file()


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_dev_mode_is_off_by_default_and_adds_its_tools_when_asked(render, runtime):
    plain = (render(runtime=runtime) / "Dockerfile").read_text()
    dev = (render(runtime=runtime, dev_mode=True) / "Dockerfile").read_text()
    assert "git-lfs" not in plain
    assert all(tool in dev for tool in DEV_MODE_TOOLS)


@pytest.mark.docker
@pytest.mark.parametrize("runtime", ["python", "node"])
def test_dev_mode_image_has_what_spaces_dev_mode_needs(render_session, built_images, runtime):
    tag = built_images(f"{runtime}-dev-mode", render_session(runtime=runtime, dev_mode=True))
    probe = "bash --version >/dev/null && curl --version >/dev/null && wget --version >/dev/null && " \
            "git --version >/dev/null && git lfs version >/dev/null && ps -p 1 >/dev/null && pwd && stat -c %u /app/"
    result = docker.docker("run", "--rm", "--network", "host", "--entrypoint", "sh", tag, "-c", probe)
    assert result.stdout.split() == [APP_DIR[runtime], "1000"], "the code's folder, which /app leads to, is uid 1000's"
    assert docker.inspect_image(tag)["Config"]["Cmd"] == START[runtime], "Dev Mode needs a CMD"
    figures.record(f"{runtime}-dev-mode: image {docker.image_size(tag) / 1e6:.1f} MB, "
                   f"+{docker.added_size(tag, BASE[runtime]) / 1e6:.1f} MB on {BASE[runtime]}")


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_dockerignore_lets_only_the_image_inputs_through(render, runtime):
    rules = [line for line in (render(runtime=runtime) / ".dockerignore").read_text().splitlines()
             if line and not line.startswith("#")]
    assert rules[0] == "*", "allow-list: everything is excluded first"
    assert {"!Dockerfile", "!backend/", "!space_serve/"} <= set(rules)
    assert {"**/.env*", "**/.git", "**/.venv", "**/node_modules", "**/__pycache__"} <= set(rules)


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_front_matter_is_what_spaces_accepts(render, runtime):
    card = space_card(render(runtime=runtime, app_port=8000, space_title="My Space", emoji="📝",
                             color_from="green", color_to="purple"))
    assert (card.sdk, card.app_port, card.title, card.emoji) == ("docker", 8000, "My Space", "📝")
    assert (card.colorFrom, card.colorTo) == ("green", "purple")
    assert len(card.short_description) <= 60
    assert problems(card.to_dict()) == [], "every rule Spaces enforces holds"
