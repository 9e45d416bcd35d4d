"""Where the local run listens. By default `build` and `run` use Docker's own network, as Docker Desktop and a
default Docker Engine have it, and `run` publishes app_port on 127.0.0.1 only; these machines have no bridge
network, so a stand-in docker client plays it here and records the arguments (host networking, the opt-in, runs
for real in test_local_run.py). A port already taken is refused before anything is built, naming what holds it."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harness.docker import free_port

BRIDGE = Path(__file__).parent / "support" / "bridge_docker.py"


@pytest.fixture
def bridge(tmp_path) -> dict[str, str]:
    """The environment that makes `docker` the stand-in client for a machine with a bridge network."""
    state = tmp_path / "bridge-docker"
    state.mkdir()
    client = state / "docker"
    client.write_text(f"#!{sys.executable}\nimport runpy\nrunpy.run_path({str(BRIDGE)!r}, run_name='__main__')\n")
    client.chmod(0o755)
    yield {"DOCKER": str(client), "BRIDGE_DOCKER_STATE": str(state)}
    subprocess.run([str(client), "rm", "--force", "any"], env={"BRIDGE_DOCKER_STATE": str(state)}, check=False)


def _calls(bridge: dict[str, str], command: str) -> list[list[str]]:
    lines = (Path(bridge["BRIDGE_DOCKER_STATE"]) / "calls.jsonl").read_text().splitlines()
    return [call for call in map(json.loads, lines) if call[0] == command]


@contextmanager
def _held_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def test_the_default_run_publishes_app_port_on_loopback_through_dockers_own_network(make_space, cli, bridge):
    repo, port = make_space(), free_port()

    result = cli(repo, "run", "--detach", "--port", str(port), extra_env=bridge)

    assert result.returncode == 0, result.output
    (build,), (run,) = _calls(bridge, "build"), _calls(bridge, "run")
    assert "--network" not in build
    assert "--network" not in run and run[run.index("--publish") + 1] == f"127.0.0.1:{port}:7860"
    assert f"as uid 1000 (127.0.0.1:{port} -> 7860)" in result.output
    assert "answered 200" in result.output
    # The build's steps, one line each with their seconds, not BuildKit's whole log.
    assert result.output.count("s  [builder 2/3] RUN uv sync --locked") == 1
    assert "load build definition" not in result.output and f"built {repo.root.name}:local in " in result.output


def test_build_builds_exactly_as_run_does_and_host_networking_is_asked_for(make_space, cli, bridge):
    repo = make_space()

    assert cli(repo, "build", extra_env=bridge).returncode == 0
    assert cli(repo, "run", "--detach", "--port", str(free_port()), extra_env=bridge).returncode == 0
    assert cli(repo, "build", "--network", "host", extra_env=bridge).returncode == 0

    default_build, run_build, host_build = ([re.sub(r"/space-tools-\w+/", "/<private>/", arg) for arg in call]
                                            for call in _calls(bridge, "build"))
    assert default_build == run_build and "id=API_KEY,src=/tmp/<private>/API_KEY" in default_build
    assert host_build[host_build.index("--network") + 1] == "host"


def test_a_port_in_use_is_refused_before_the_build_naming_the_process(make_space, cli, bridge):
    repo = make_space()
    with _held_port() as port:
        result = cli(repo, "run", "--port", str(port), extra_env=bridge)

    me = Path("/proc/self/comm").read_text().strip()
    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == (
        f"error: port {port} on 127.0.0.1 is in use by process {os.getpid()} ({me}): stop it, "
        f"or run on another port with --port {port + 1}.")
    assert _calls(bridge, "build") == []


def test_a_port_published_by_another_container_names_the_container(make_space, cli, bridge):
    repo = make_space()
    with _held_port() as port:
        (Path(bridge["BRIDGE_DOCKER_STATE"]) / "ps").write_text(f"notes-api-local\t127.0.0.1:{port}->7860/tcp\n")
        result = cli(repo, "run", "--port", str(port), extra_env=bridge)

    assert result.returncode == 2
    assert "is in use by the container notes-api-local (stop it with: docker rm -f notes-api-local)" in result.output


def test_stop_removes_the_local_container_and_says_when_there_is_none(make_space, cli, bridge):
    repo = make_space()
    assert cli(repo, "run", "--detach", "--port", str(free_port()), extra_env=bridge).returncode == 0

    stopped, again = cli(repo, "stop", extra_env=bridge), cli(repo, "stop", extra_env=bridge)

    assert stopped.output.strip() == f"stopped {repo.root.name}-local"
    assert again.output.strip() == f"no local container {repo.root.name}-local (nothing to stop)"
    assert ["rm", "--force", f"{repo.root.name}-local"] in _calls(bridge, "rm")[-2:]  # then a sign-in provider, if any


def test_with_sign_in_the_provider_shares_the_spaces_network_and_its_port_is_published_beside_app_port(
        make_space, cli, bridge):
    repo, port = make_space(hf_oauth=True), free_port()

    result = cli(repo, "run", "--detach", "--port", str(port), extra_env=bridge)

    assert result.returncode == 0, result.output
    app, provider = _calls(bridge, "run")
    published = [app[i + 1] for i, arg in enumerate(app) if arg == "--publish"]
    issuer = re.search(r"local provider at (http://127\.0\.0\.1:(\d+))", result.output)
    assert published == [f"127.0.0.1:{port}:7860", f"127.0.0.1:{issuer[2]}:{issuer[2]}"]  # same port inside: one URL
    assert provider[provider.index("--network") + 1] == f"container:{repo.root.name}-local"
    assert provider[provider.index("--name") + 1] == f"{repo.root.name}-local-sign-in"
    assert "--publish" not in provider and not [arg for arg in provider if "=" in arg]  # values never in arguments
    assert ["rm", "--force", f"{repo.root.name}-local-sign-in"] in _calls(bridge, "rm")  # replaced before it starts
