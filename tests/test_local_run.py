"""`python -m space_tools run`: the image built and the container run the way Spaces does, with the same stages.
Real Docker throughout; containers listen on 127.0.0.1 (host network) on ports the tests pick."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from harness import docker
from harness.images import PYTHON_IMAGE
from tests.hub_standin.fixtures import GREETING, NEVER_LISTENS, SECRET_VALUE, SpaceRepo, ctrl_c_as_at_a_terminal
from tests.support import listening

pytestmark = pytest.mark.docker

STAGES = {"BUILDING", "BUILD_ERROR", "APP_STARTING", "RUNNING", "RUNTIME_ERROR"}


def _stages(output: str) -> list[str]:
    return [line.split(":", 1)[0] for line in output.splitlines() if line.split(":", 1)[0] in STAGES]


def _leftover_secret_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("space-tools-*")}


def test_a_healthy_space_runs_as_spaces_runs_it(make_space, cli):
    repo = make_space()
    port = docker.free_port()
    before = _leftover_secret_dirs()

    result = cli(repo, "run", "--network", "host", "--detach", "--port", str(port))

    assert result.returncode == 0, result.output
    assert _stages(result.output) == ["BUILDING", "APP_STARTING", "RUNNING"]
    assert f"Running at http://127.0.0.1:{port} (stop it with: ./space stop)" in result.output
    status, body = docker.http_get(f"http://127.0.0.1:{port}/info")
    info = json.loads(body)
    assert status == 200
    assert info == {
        "SPACE_ID": repo.space_id,
        "SPACE_HOST": f"127.0.0.1:{port}",
        "SPACE_AUTHOR_NAME": "alice",
        "SPACE_REPO_NAME": repo.root.name,
        "SPACE_TITLE": f"Test {repo.root.name}",
        "CPU_CORES": "2",
        "MEMORY": "16Gi",
        "GREETING": GREETING,
        "PORT": str(port),
        "uid": 1000,
        "api_key_length": len(SECRET_VALUE),  # the Secret reaches the container's environment
        "greeting_at_build": GREETING,  # Variables are build args
        "secret_at_build": "mounted",  # Secrets reach the build only as BuildKit secrets
    }
    # Never in the output, the image's history or config, and no temp file holding it is left behind.
    image = docker.inspect_image(f"{repo.root.name}:local")
    assert SECRET_VALUE not in result.output
    assert SECRET_VALUE not in json.dumps(image["Config"]) and SECRET_VALUE not in "\n".join(
        docker.history(f"{repo.root.name}:local")
    )
    assert _leftover_secret_dirs() <= before


def test_the_default_port_is_app_port_and_then_port_is_left_unset_as_on_spaces(make_space, cli):
    port = docker.free_port()
    repo = make_space(app_port=port)

    result = cli(repo, "run", "--network", "host", "--detach")

    assert result.returncode == 0, result.output
    info = json.loads(docker.http_get(f"http://127.0.0.1:{port}/info")[1])
    assert info["PORT"] == str(port)  # the image's own ENV PORT=app_port, not one set by run


def test_run_in_the_foreground_follows_the_logs_and_ctrl_c_stops_the_container(make_space):
    repo = make_space()
    port = docker.free_port()
    ctrl_c_as_at_a_terminal()
    process = subprocess.Popen(
        [sys.executable, "-m", "space_tools", "run", "--network", "host", "--port", str(port)],
        cwd=repo.root,
        env={**os.environ, "DOCKER": docker.client(), "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if "its logs follow (Ctrl-C stops it)" in line:
            break
    docker.http_get(f"http://127.0.0.1:{port}/health")
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    output = "".join(lines) + rest

    assert process.returncode == 0, output
    assert "request /health" in output  # the app's own log lines were followed
    assert f"stopped {repo.root.name}-local" in output
    assert docker.docker("inspect", f"{repo.root.name}-local", check=False).returncode != 0


def test_a_space_that_never_opens_its_port_ends_in_runtime_error_after_startup_duration_timeout(make_space, cli):
    repo = make_space(cmd=NEVER_LISTENS, startup="3s")

    started = time.monotonic()
    result = cli(repo, "run", "--network", "host", "--port", str(docker.free_port()))
    took = time.monotonic() - started

    assert result.returncode == 1
    assert _stages(result.output) == ["BUILDING", "APP_STARTING", "RUNTIME_ERROR"]
    assert (
        "RUNTIME_ERROR: launch timed out: nothing answered on port" in result.output and "within 3 s" in result.output
    )
    assert "| busy, never listening" in result.output  # the container's own last lines
    assert took < 60
    assert docker.docker("inspect", f"{repo.root.name}-local", check=False).returncode != 0  # stopped and removed


def test_timeout_overrides_startup_duration_timeout(make_space, cli):
    repo = make_space(cmd=NEVER_LISTENS)  # 30m in the front matter

    result = cli(repo, "run", "--network", "host", "--timeout", "2", "--port", str(docker.free_port()))

    assert result.returncode == 1
    assert "within 2 s" in result.output


def test_an_app_that_exits_at_start_is_a_runtime_error_with_its_exit_code(make_space, cli):
    repo = make_space(cmd='["python", "-c", "import sys; print(\'config missing\'); sys.exit(3)"]')

    result = cli(repo, "run", "--network", "host", "--port", str(docker.free_port()))

    assert result.returncode == 1
    assert "RUNTIME_ERROR: the container exited with code 3" in result.output
    assert "| config missing" in result.output


def test_a_failing_build_is_a_build_error_with_dockers_own_lines(make_space, cli):
    repo = make_space(dockerfile=f"FROM {PYTHON_IMAGE}\nRUN echo 'cannot install the dependencies' && exit 7\n")

    result = cli(repo, "run", "--network", "host", "--port", str(docker.free_port()))

    assert result.returncode == 1
    assert _stages(result.output) == ["BUILDING", "BUILD_ERROR"]
    assert "cannot install the dependencies" in result.output and "exit code: 7" in result.output


def test_a_missing_required_secret_stops_the_run_before_building_unless_placeholders_are_asked_for(make_space, cli):
    repo = make_space(env={"GREETING": "hi"})
    port = docker.free_port()

    refused = cli(repo, "run", "--network", "host", "--port", str(port))
    placeholder = cli(repo, "run", "--network", "host", "--detach", "--placeholder-secrets", "--port", str(port))

    assert refused.returncode == 2
    assert "required API_KEY not set: add it to .env" in refused.output and "BUILDING" not in refused.output
    assert placeholder.returncode == 0, placeholder.output
    assert json.loads(docker.http_get(f"http://127.0.0.1:{port}/info")[1])["api_key_length"] == 64


def _render_starter(render, runtime: str) -> tuple[Path, str, str]:
    """A Space rendered from the template with its starter backend: (folder, space_name, health_path)."""
    name = f"run-{runtime}-{uuid.uuid4().hex[:6]}"
    project = render(runtime=runtime, space_name=name)
    answers = json.loads((project / "space.json").read_text())
    return project, name, answers["health_path"]


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_templates_run_like_spaces(render, cli, runtime):
    project, name, health_path = _render_starter(render, runtime)
    port = docker.free_port()
    try:
        # No .env, as in CI: the required Secrets (the Node template's BETTER_AUTH_SECRET) get throwaway values.
        result = cli(
            SpaceRepo(project, f"alice/{name}"), "run", "--network", "host", "--detach", "--placeholder-secrets", "--port", str(port)
        )

        assert result.returncode == 0, result.output
        assert _stages(result.output) == ["BUILDING", "APP_STARTING", "RUNNING"]
        assert f"GET {health_path} answered 200" in result.output
        assert docker.http_get(f"http://127.0.0.1:{port}{health_path}")[0] == 200
        assert listening.on_this_machine(port) == {"127.0.0.1"}, "the host's network: reachable from this machine only"
    finally:
        docker.docker("rm", "--force", f"{name}-local", check=False)
        docker.remove_image(f"{name}:local")
