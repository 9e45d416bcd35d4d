# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A Space on this machine: built and started the way Spaces does it, watched through the same stages (`run`)."""

from __future__ import annotations

import collections
import os
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import docker_client, env_values, health, local_sign_in
from .errors import SpaceError
from .space_stages import RUNNING, RUNTIME_ERROR

# What Spaces reports for the hardware (CPU_CORES, MEMORY); other flavours get cpu-basic's.
HARDWARE_SIZE = {"cpu-basic": ("2", "16Gi"), "cpu-upgrade": ("8", "32Gi")}
LOG_LINES_KEPT = 400
LOCAL_DATA = ".space-data"  # never shipped (never_ship.yml), ignored by git
SPACE_UID = 1000
STOP_GRACE_S = 10  # as docker stop: the container's last snapshot happens on SIGTERM


def injected_env(*, space_id: str, host: str, title: str, hardware: str) -> dict[str, str]:
    """The variables Spaces sets in every container it runs."""
    author, _, name = space_id.partition("/")
    cores, memory = HARDWARE_SIZE.get(hardware, HARDWARE_SIZE["cpu-basic"])
    return {
        "SPACE_ID": space_id,
        "SPACE_HOST": host,
        "SPACE_AUTHOR_NAME": author,
        "SPACE_REPO_NAME": name,
        "SPACE_TITLE": title,
        "CPU_CORES": cores,
        "MEMORY": memory,
    }


def for_settings(settings, values: list, *, port: int | None, name: str | None, network: str) -> LocalSpace:
    """The container to build and run: this repo, the values from .env, what Spaces injects."""
    port = port or settings.app_port
    return LocalSpace(
        context=settings.root,
        image=settings.image.lower(),
        container=name or f"{settings.space_name.lower()}-local",
        port=port,
        app_port=settings.app_port,
        variables=env_values.variables(values),
        secrets=env_values.secrets(values),
        injected=injected_env(
            space_id=settings.space_id or f"local/{settings.space_name}",
            host=f"127.0.0.1:{port}",
            title=str(settings.settings.get("space_title") or settings.space_name),
            hardware=settings.hardware,
        ),
        network=network,
        mounts=local_data(settings),
    )


def local_data(settings) -> dict[str, str]:
    """storage=bucket: a folder of this repo stands in for the bucket, mounted where Spaces mounts it."""
    if settings.settings.get("storage") != "bucket":
        return {}
    folder = settings.root / LOCAL_DATA
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise SpaceError(f"{LOCAL_DATA} is not a folder of this repo ({'a link' if folder.is_symlink() else 'a file'}): "
                         f"move it away, so run can keep the local snapshots there.")
    if not folder.exists():
        folder.mkdir()
        if os.getuid() == 0:
            os.chown(folder, SPACE_UID, SPACE_UID)  # the container writes as uid 1000, as on Spaces
        elif os.getuid() != SPACE_UID:
            folder.chmod(0o777)  # Docker Engine maps no uids: let uid 1000 write into a folder of another user
    return {str(folder): settings.settings["storage_mount"]}


def _private_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="space-tools-"))  # mkdtemp makes it 0700


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def _remove_tree(folder: Path) -> None:
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()


@dataclass
class LocalSpace:
    context: Path  # the Space repo: Dockerfile at its root
    image: str
    container: str
    port: int  # where it answers on this machine
    app_port: int  # the front matter's app_port
    variables: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    injected: dict[str, str] = field(default_factory=dict)
    network: str = ""  # Docker's default: app_port is published on 127.0.0.1:port; host: the app listens on port
    mounts: dict[str, str] = field(default_factory=dict)  # folder here -> path in the container
    also_published: list[int] = field(default_factory=list)  # ports of containers that share its network
    build_log: collections.deque = field(default_factory=lambda: collections.deque(maxlen=LOG_LINES_KEPT))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def build(self, on_line: Callable[[str], None] | None = None, *, no_cache: bool = False) -> bool:
        """docker build as Spaces does it: Variables as build args, Secrets only as BuildKit secrets."""
        secret_dir = _private_dir()
        try:
            command = ["build", "--progress", "plain", "--tag", self.image]
            if self.network == "host":
                command += ["--network", "host"]  # where Docker has no bridge, the build's downloads need it too
            if no_cache:
                command.append("--no-cache")
            for name, value in self.variables.items():
                command += ["--build-arg", f"{name}={value}"]
            for name, value in self.secrets.items():
                _write_private(secret_dir / name, value)
                command += ["--secret", docker_client.csv_option("--secret", f"id={name}", f"src={secret_dir / name}")]
            process = subprocess.Popen(
                [docker_client.client(), *command, str(self.context)],
                env=docker_client.environment(),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
            for line in process.stdout:
                self.build_log.append(line.rstrip("\n"))
                if on_line:
                    on_line(line.rstrip("\n"))
            return process.wait() == 0
        finally:
            _remove_tree(secret_dir)  # secret values never outlive the build

    def start(self) -> None:
        """Replace any container of the same name, then start this one as uid 1000 with the Spaces environment."""
        self.stop()
        env = {**self.injected, **self.variables, **self.secrets}
        if self.network == "host":
            env["SPACE_LISTEN_HOST"] = "127.0.0.1"  # the host's own network: only this machine may reach it
            if self.port != self.app_port:
                env["PORT"] = str(self.port)  # host networking: the app must listen on the chosen port itself
        for name, value in env.items():
            if "\n" in value:
                raise SpaceError(f"{name}'s value spans lines; a container environment value can't.")
        env_dir = _private_dir()
        try:
            # An env file, not -e NAME=value: values never appear in a process list.
            _write_private(env_dir / "env", "".join(f"{name}={value}\n" for name, value in env.items()))
            result = docker_client.run(self.run_arguments(env_dir / "env"), capture_output=True, text=True)
        finally:
            _remove_tree(env_dir)
        if result.returncode != 0:
            raise SpaceError(f"docker run failed: {result.stderr.strip()}")

    def run_arguments(self, env_file: Path) -> list[str]:
        """`docker run`'s arguments, each value one argument (a folder's path too: --mount is quoted as docker
        reads it)."""
        command = ["run", "--detach", "--name", self.container, "--user", "1000", "--env-file", str(env_file)]
        for folder, target in self.mounts.items():
            command += ["--mount", docker_client.csv_option("--mount", "type=bind", f"source={folder}",
                                                            f"target={target}")]
        if self.network == "host":
            command += ["--network", "host"]
        else:
            command += [*(["--network", self.network] if self.network else []),
                        "--publish", f"127.0.0.1:{self.port}:{self.app_port}"]
            for port in self.also_published:
                command += ["--publish", f"127.0.0.1:{port}:{port}"]
        return [*command, self.image]

    def state(self) -> tuple[bool, int | None]:
        """(running, exit code once it stopped)."""
        result = docker_client.run(
            ["inspect", "--format", "{{.State.Running}} {{.State.ExitCode}}", self.container],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            return False, None
        running, code = result.stdout.split()
        return running == "true", None if running == "true" else int(code)

    def wait_until_answering(self, timeout: float, *, poll: float = 0.5) -> tuple[str, str]:
        """Like Spaces: RUNNING once the port answers HTTP at all; RUNTIME_ERROR if the app exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if health.get(self.url + "/", timeout=2) is not None:
                return RUNNING, ""
            running, code = self.state()
            if not running:
                return RUNTIME_ERROR, f"the container exited with code {code}"
            if time.monotonic() >= deadline:
                return RUNTIME_ERROR, f"launch timed out: nothing answered on port {self.port} within {timeout:g} s"
            time.sleep(poll)

    def logs(self, tail: int | None = None) -> list[str]:
        command = ["logs", *(["--tail", str(tail)] if tail else []), self.container]
        result = docker_client.run(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
        )
        return result.stdout.splitlines()

    def follow_logs(self) -> subprocess.Popen:
        return subprocess.Popen(
            [docker_client.client(), "logs", "--follow", self.container], env=docker_client.environment()
        )

    def stop(self) -> bool:
        """SIGTERM, then SIGKILL after the grace period, as Spaces stops a container; whether one was there."""
        stopped = docker_client.run(["stop", "--time", str(STOP_GRACE_S), self.container], capture_output=True)
        docker_client.run(["rm", "--force", self.container], capture_output=True)
        local_sign_in.stop(self.container)  # the local sign-in provider, if this run had one, goes with it
        return stopped.returncode == 0
