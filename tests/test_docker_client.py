"""The Docker client the tools drive: one without the buildx plugin (Debian's docker.io 26 without docker-buildx,
some CI images) refuses BuildKit builds, and `build` says so in one line naming the package and `DOCKER`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

WITHOUT_BUILDX = Path("/usr/local/bin/docker")  # this machine's newer client, which lacks the plugin


def test_a_client_without_buildx_is_named_with_the_package_that_fixes_it(render):
    project = render(runtime="python")

    result = subprocess.run([sys.executable, "-m", "space_tools", "build"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "DOCKER": str(WITHOUT_BUILDX)})

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"error: {WITHOUT_BUILDX} has no buildx plugin, which Docker's BuildKit builds need (and Spaces builds with "
        "BuildKit): install it (Debian and Ubuntu: `apt-get install docker-buildx`; Docker's own packages: "
        "docker-buildx-plugin), or set DOCKER to a client that has it."]
    assert "Traceback" not in result.stdout + result.stderr


def test_no_docker_at_all_is_one_line_naming_the_install_and_docker(render, tmp_path):
    project = render(runtime="python")
    no_docker = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # Python, and no docker beside it
    no_docker.pop("DOCKER", None)

    for env in (no_docker, {**os.environ, "DOCKER": str(tmp_path / "no-such-docker")}):
        result = subprocess.run([sys.executable, "-m", "space_tools", "build"], cwd=project, capture_output=True,
                                text=True, env=env, check=False)

        assert result.returncode != 0
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "not found: install Docker, or set DOCKER to the client's path." in lines[0], lines
        assert "Traceback" not in result.stdout + result.stderr
