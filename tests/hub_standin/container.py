"""How the stand-in Hub builds and runs a Space's files: its own code over the suite's Docker helpers, written
from Hugging Face's documentation of Docker Spaces (not from space_tools, the code under test)."""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import docker

# What Spaces reports for the hardware (CPU_CORES, MEMORY); other flavours get cpu-basic's.
HARDWARE_SIZE = {"cpu-basic": ("2", "16Gi"), "cpu-upgrade": ("8", "32Gi")}
_DURATION = re.compile(r"^(\d+)([smh])$")


def duration_s(text: str) -> int:
    """Seconds of a front-matter duration (`30m`); the Hub rejects other forms before this runs."""
    number, unit = _DURATION.match(text.strip()).groups()
    return int(number) * {"s": 1, "m": 60, "h": 3600}[unit]


def injected_env(*, space_id: str, host: str, title: str, hardware: str) -> dict[str, str]:
    """The variables Spaces sets in every container it runs."""
    author, _, name = space_id.partition("/")
    cores, memory = HARDWARE_SIZE.get(hardware, HARDWARE_SIZE["cpu-basic"])
    return {"SPACE_ID": space_id, "SPACE_HOST": host, "SPACE_AUTHOR_NAME": author, "SPACE_REPO_NAME": name,
            "SPACE_TITLE": title, "CPU_CORES": cores, "MEMORY": memory}


@dataclass
class SpaceContainer:
    """One build of a Space: Variables as build args, Secrets as BuildKit secrets, then uid 1000 on `port`."""

    folder: Path
    image: str
    name: str
    port: int  # host networking here: the app listens on this port itself (PORT), where Spaces maps app_port
    variables: dict[str, str]
    secrets: dict[str, str]
    injected: dict[str, str]
    mounts: list[tuple[Path, str, bool]] = field(default_factory=list)  # the Space's buckets: folder, path, read-only
    memory: str = ""  # a RAM limit for the container (docker's --memory), e.g. "96m"; none by default
    container: docker.Container | None = None

    def build(self, on_line=None) -> tuple[bool, list[str]]:
        """Build the image, each log line handed to `on_line` as docker prints it; (built?, the whole log)."""
        with tempfile.TemporaryDirectory(prefix="hub-standin-secrets-") as folder:
            paths = {}
            for name, value in self.secrets.items():
                paths[name] = Path(folder) / name
                paths[name].write_text(value)
            try:
                result = docker.build(self.folder, self.image, build_args=self.variables, secrets=paths, on_line=on_line)
            except docker.BuildFailed as failed:
                return False, (failed.log or str(failed)).splitlines()
        return True, result.log.splitlines()

    def start(self) -> None:
        self.stop()
        env = {**self.injected, **self.variables, **self.secrets, "PORT": str(self.port)}
        volumes = [arg for folder, path, read_only in self.mounts
                   for arg in ("--volume", f"{folder}:{path}" + (":ro" if read_only else ""))]
        limit = ["--memory", self.memory, "--memory-swap", self.memory] if self.memory else []
        self.container = docker.run(self.image, env=env, name=self.name, extra=["--user", "1000", *limit, *volumes])

    def wait_until_answering(self, timeout: float) -> str:
        """Like Spaces: "" once the port answers HTTP at all, else why it never did, in the errorMessage's words
        (the timeout's as recorded from production; the out-of-memory one as users report it)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                docker.http_get(f"http://127.0.0.1:{self.port}/", timeout=2)
                return ""
            except OSError:
                pass
            code = self.container.exit_code()
            if code is not None:
                if self.container.state().get("OOMKilled"):
                    return f"Memory limit exceeded ({self.memory or HARDWARE_SIZE['cpu-basic'][1]})"
                return f"Exit code: {code}. Reason: the container exited"
            if time.monotonic() >= deadline:
                return f"launch timed out, space was not healthy after {timeout / 60:g} min"
            time.sleep(0.25)

    def logs(self) -> list[str]:
        return self.container.logs().splitlines() if self.container else []

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 10 s, as a container platform stops one (Spaces' grace is not documented)."""
        docker.docker("stop", "--time", "10", self.name, check=False)
        docker.docker("rm", "--force", self.name, check=False)
        self.container = None
