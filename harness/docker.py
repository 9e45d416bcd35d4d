"""A small, typed wrapper over the docker CLI for the test-suite and the benchmarks.

It shells out to the 20.10 client at /usr/bin/docker (the DOCKER variable overrides it) with BuildKit
on. Builds and containers use the host network, so containers listen on this machine's loopback:
every test reaches them at 127.0.0.1 and nowhere else.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import tarfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

OUTPUT_TAIL = 4000  # characters of output an error message carries
POLL_SECONDS = 0.02
CONTAINER_CHECK_SECONDS = 0.25  # how often waits ask Docker whether the container still runs


class DockerError(RuntimeError):
    """A docker command failed or timed out; the message names the command and ends with its output."""

    def __init__(self, message: str, *, command: Sequence[str] = (), output: str = "") -> None:
        super().__init__(message)
        self.command = list(command)
        self.output = output


class BuildFailed(DockerError):
    """`docker build` failed; `log` holds the whole build log."""

    def __init__(self, message: str, *, command: Sequence[str], log: str) -> None:
        super().__init__(message, command=command, output=log)
        self.log = log


class ContainerExited(DockerError):
    """The container stopped while a test waited for it to serve."""


class WaitTimedOut(DockerError):
    """What a test waited for did not happen in time."""


@dataclass(frozen=True)
class BuildResult:
    tag: str
    seconds: float
    log: str


def client() -> str:
    """The docker client path: the 20.10 client, since a newer one here refuses BuildKit without buildx."""
    return os.environ.get("DOCKER", "/usr/bin/docker")


def _env() -> dict[str, str]:
    return {**os.environ, "DOCKER_BUILDKIT": "1"}


def _tail(text: str, limit: int = OUTPUT_TAIL) -> str:
    return text if len(text) <= limit else "…" + text[-limit:]


def _invoke(
    args: Sequence[str], *, check: bool, timeout: float, merge_output: bool = False, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = [client(), *args]
    try:
        result = subprocess.run(
            command,
            env=_env(),
            text=True,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        output = _decode(exc.stdout) + _decode(exc.stderr)
        raise DockerError(
            f"`{' '.join(command)}` did not finish within {timeout:g} s; output ends with:\n{_tail(output)}",
            command=command,
            output=output,
        ) from None
    if check and result.returncode != 0:
        output = (result.stderr or "") + (result.stdout or "")
        raise DockerError(
            f"`{' '.join(command)}` failed with exit code {result.returncode}:\n{_tail(output.strip())}",
            command=command,
            output=output,
        )
    return result


def _streamed(args: Sequence[str], *, timeout: float, on_line: Callable[[str], None]) -> subprocess.CompletedProcess:
    """`docker ARGS` with stdout and stderr merged, each line handed to `on_line` as it comes."""
    command = [client(), *args]
    process = subprocess.Popen(command, env=_env(), text=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    timed_out = threading.Event()
    killer = threading.Timer(timeout, lambda: (timed_out.set(), process.kill()))
    killer.start()
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            on_line(line.rstrip("\n"))
        process.wait()
    finally:
        killer.cancel()
    output = "".join(lines)
    if timed_out.is_set():
        raise DockerError(f"`{' '.join(command)}` did not finish within {timeout:g} s", command=command, output=output)
    return subprocess.CompletedProcess(command, process.returncode, output, "")


def _decode(data: str | bytes | None) -> str:
    if data is None:
        return ""
    return data.decode(errors="replace") if isinstance(data, bytes) else data


def docker(
    *args: str, check: bool = True, timeout: float = 600, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `docker ARGS`, capturing its output; raises DockerError on failure when `check`.

    `input` is sent to the command's stdin (e.g. a script for `docker run -i`); otherwise stdin is empty.
    """
    return _invoke(args, check=check, timeout=timeout, input=input)


def unique_tag(name: str) -> str:
    """A tag no other test run uses, e.g. `test-hf-docs-example:3f9c0a1b2d`, so parallel runs don't collide."""
    return f"test-{name}:{uuid.uuid4().hex[:10]}"


def build(
    context: Path,
    tag: str,
    *,
    dockerfile: Path | None = None,
    build_args: Mapping[str, str] | None = None,
    secrets: Mapping[str, Path] | None = None,
    no_cache: bool = False,
    target: str | None = None,
    timeout: float = 900,
    on_line: Callable[[str], None] | None = None,
) -> BuildResult:
    """Build `context` into `tag` with BuildKit on the host network; raises BuildFailed with the full log.
    `on_line` hears each line of the log as docker prints it."""
    args = ["build", "--network", "host", "--progress=plain", "--tag", tag]
    if dockerfile is not None:
        args += ["--file", str(dockerfile)]
    for key, value in (build_args or {}).items():
        args += ["--build-arg", f"{key}={value}"]
    for secret_id, path in (secrets or {}).items():
        args += ["--secret", f"id={secret_id},src={path}"]
    if no_cache:
        args.append("--no-cache")
    if target is not None:
        args += ["--target", target]
    args.append(str(context))
    started = time.monotonic()
    try:
        if on_line is None:
            result = _invoke(args, check=False, timeout=timeout, merge_output=True)
        else:
            result = _streamed(args, timeout=timeout, on_line=on_line)
    except DockerError as exc:
        raise BuildFailed(str(exc), command=exc.command, log=exc.output) from None
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise BuildFailed(
            f"building {tag} from {context} failed (exit code {result.returncode}); the log ends with:\n"
            f"{_tail(result.stdout)}",
            command=[client(), *args],
            log=result.stdout,
        )
    return BuildResult(tag=tag, seconds=seconds, log=result.stdout)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Container:
    """A container started by `run`; as a context manager it is force-removed on exit."""

    def __init__(self, container_id: str, name: str, image: str, started_at: float) -> None:
        self.id = container_id
        self.name = name
        self.image = image
        self.started_at = started_at  # time.monotonic() just before `docker run`

    def __repr__(self) -> str:
        return f"Container(name={self.name!r}, image={self.image!r}, id={self.id[:12]!r})"

    def __enter__(self) -> Container:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.remove()

    def logs(self) -> str:
        """Everything the container wrote, stdout and stderr interleaved."""
        return _invoke(["logs", self.id], check=False, timeout=60, merge_output=True).stdout

    def exec(
        self, *cmd: str, user: str | None = None, check: bool = True, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        """Run `cmd` inside the running container."""
        args = ["exec", *(["--user", user] if user else []), self.id, *cmd]
        return _invoke(args, check=check, timeout=timeout)

    def stop(self, timeout: int = 10) -> float:
        """`docker stop` with `timeout` seconds of grace; returns how many seconds the stop took."""
        started = time.monotonic()
        _invoke(["stop", "--time", str(timeout), self.id], check=True, timeout=timeout + 60)
        return time.monotonic() - started

    def wait_exit(self, timeout: float) -> int:
        """Wait for the container to exit by itself; returns its exit code."""
        try:
            result = _invoke(["wait", self.id], check=True, timeout=timeout)
        except DockerError:
            if self.state().get("Running"):
                raise WaitTimedOut(
                    f"{self!r} still runs after {timeout:g} s; its logs end with:\n{_tail(self.logs())}"
                ) from None
            raise
        return int(result.stdout.strip())

    def state(self) -> dict[str, Any]:
        """`docker inspect`'s .State: Status, Running, ExitCode, OOMKilled, Health…"""
        result = _invoke(["inspect", "--format", "{{json .State}}", self.id], check=True, timeout=60)
        state: dict[str, Any] = json.loads(result.stdout)
        return state

    def running(self) -> bool:
        return bool(self.state().get("Running"))

    def exit_code(self) -> int | None:
        """The exit code once the container has stopped; None while it runs."""
        state = self.state()
        return None if state.get("Running") else int(state["ExitCode"])

    def health_status(self) -> str | None:
        """starting, healthy or unhealthy; None when the image has no HEALTHCHECK."""
        health = self.state().get("Health")
        return None if health is None else str(health.get("Status"))

    def remove(self) -> None:
        """Force-remove the container and its anonymous volumes; a container already gone is fine."""
        _invoke(["rm", "--force", "--volumes", self.id], check=False, timeout=120)

    def _raise_if_exited(self, waiting_for: str) -> None:
        state = self.state()
        if not state.get("Running"):
            raise ContainerExited(
                f"{self!r} exited with code {state.get('ExitCode')} while waiting for {waiting_for}; "
                f"its logs end with:\n{_tail(self.logs())}"
            )


def run(
    image: str,
    *,
    env: Mapping[str, str] | None = None,
    volumes: Mapping[str, str] | None = None,
    name: str | None = None,
    extra: Sequence[str] = (),
    command: Sequence[str] | None = None,
) -> Container:
    """Start `image` detached on the host network; returns as soon as `docker run` does.

    `volumes` maps a host path (or volume name) to a container path; `extra` goes before the image.
    """
    name = name or f"test-{uuid.uuid4().hex[:12]}"
    args = ["run", "--detach", "--network", "host", "--name", name]
    # The host network is this machine's: the Space's server listens on its loopback only, as `./space run` asks.
    for key, value in {"SPACE_LISTEN_HOST": "127.0.0.1", **(env or {})}.items():
        args += ["--env", f"{key}={value}"]
    for source, target in (volumes or {}).items():
        args += ["--volume", f"{source}:{target}"]
    args += [*extra, image, *(command or [])]
    started_at = time.monotonic()
    result = _invoke(args, check=True, timeout=120)
    return Container(result.stdout.strip(), name, image, started_at)


def _loopback_only(url: str) -> None:
    host = urllib.parse.urlsplit(url).hostname
    assert host == "127.0.0.1", f"tests only talk to 127.0.0.1, not {host!r} ({url})"


# Loopback traffic never goes through a proxy, whatever the environment says.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url: str, *, timeout: float = 10.0, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    """GET `url` (127.0.0.1 only); returns the status and body, error statuses included."""
    return _send(urllib.request.Request(url, headers=dict(headers or {})), timeout)


def http_post_json(url: str, payload: object, *, timeout: float = 10.0) -> tuple[int, bytes]:
    """POST `payload` as JSON to `url` (127.0.0.1 only); returns the status and body, error statuses included."""
    return _send(urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                        headers={"content-type": "application/json"}), timeout)


def _send(request: urllib.request.Request, timeout: float) -> tuple[int, bytes]:
    _loopback_only(request.full_url)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


def wait_http(url: str, *, status: int = 200, timeout: float = 60.0, container: Container | None = None) -> float:
    """Poll `url` every ~20 ms until it answers `status`.

    Returns the seconds since `container.started_at` (or since this call when there is no container).
    Raises ContainerExited if the container stops meanwhile, WaitTimedOut after `timeout` seconds.
    """
    _loopback_only(url)
    origin = container.started_at if container is not None else time.monotonic()
    deadline = time.monotonic() + timeout
    next_container_check = 0.0
    last = "no answer yet"
    while True:
        try:
            code, _ = http_get(url, timeout=max(0.1, min(2.0, deadline - time.monotonic())))
            if code == status:
                return time.monotonic() - origin
            last = f"HTTP {code}"
        except (OSError, http.client.HTTPException) as exc:  # refused or reset while the app starts
            last = f"{type(exc).__name__}: {exc}"
        now = time.monotonic()
        if container is not None and now >= next_container_check:
            container._raise_if_exited(f"{url} to answer {status}")
            next_container_check = now + CONTAINER_CHECK_SECONDS
        if now >= deadline:
            logs = _tail(container.logs()) if container is not None else "(no container)"
            raise WaitTimedOut(
                f"{url} did not answer {status} within {timeout:g} s (last: {last}); logs end with:\n{logs}"
            )
        time.sleep(POLL_SECONDS)


def wait_healthy(container: Container, timeout: float) -> float:
    """Poll Docker's health status until "healthy"; returns the seconds since `container.started_at`."""
    deadline = time.monotonic() + timeout
    while True:
        container._raise_if_exited("a healthy status")
        status = container.health_status()
        if status is None:
            raise DockerError(f"{container!r} has no health check: its image declares no HEALTHCHECK")
        if status == "healthy":
            return time.monotonic() - container.started_at
        if time.monotonic() >= deadline:
            raise WaitTimedOut(
                f"{container!r} is {status}, not healthy, after {timeout:g} s; logs end with:\n"
                f"{_tail(container.logs())}"
            )
        time.sleep(0.1)


def image_exists(tag: str) -> bool:
    return _invoke(["image", "inspect", tag], check=False, timeout=60).returncode == 0


def inspect_image(image: str) -> dict[str, Any]:
    """`docker image inspect` of one image: Config (Env, Cmd, Entrypoint, User…), Size, RootFS…"""
    data: list[dict[str, Any]] = json.loads(docker("image", "inspect", image, timeout=60).stdout)
    return data[0]


def image_size(image: str) -> int:
    """The image's size in bytes, base layers included (what `docker images` shows)."""
    return int(inspect_image(image)["Size"])


def added_size(image: str, base: str) -> int:
    """Bytes `image` adds on top of `base`."""
    return image_size(image) - image_size(base)


def remove_image(tag: str) -> None:
    """Remove `tag`; a tag already gone is fine."""
    _invoke(["image", "rm", "--force", tag], check=False, timeout=120)


def history(image: str) -> list[str]:
    """The instruction that created each layer, newest first, untruncated."""
    result = docker("history", "--no-trunc", "--format", "{{.CreatedBy}}", image, timeout=60)
    return result.stdout.splitlines()


def save_layers(image: str, dest: Path, *, skip_base: str | None = None) -> list[Path]:
    """`docker save` the image and unpack each layer's regular files under `dest/layer-NN/`.

    Returns the layer directories, oldest first, for scanning what each layer holds (leaked secrets…).
    With `skip_base`, layers that the base image also has are left out.
    """
    dest.mkdir(parents=True, exist_ok=True)
    archive = dest / "image.tar"
    docker("save", "--output", str(archive), image, timeout=600)
    unpacked = dest / "image"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    archive.unlink()
    manifest = json.loads((unpacked / "manifest.json").read_text())[0]
    config = json.loads((unpacked / manifest["Config"]).read_text())
    base_layers = set(inspect_image(skip_base)["RootFS"]["Layers"]) if skip_base else set()
    layer_dirs: list[Path] = []
    for index, (layer_path, diff_id) in enumerate(zip(manifest["Layers"], config["rootfs"]["diff_ids"], strict=True)):
        if diff_id in base_layers:
            continue
        layer_dir = dest / f"layer-{index:02d}"
        with tarfile.open(unpacked / layer_path) as layer:
            # Regular files and folders are what a scan reads; links and devices can't be unpacked safely.
            members = [m for m in layer.getmembers() if m.isreg() or m.isdir()]
            layer.extractall(layer_dir, members=members, filter="data")
        layer_dirs.append(layer_dir)
    shutil.rmtree(unpacked)
    return layer_dirs
