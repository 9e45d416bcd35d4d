"""How the stand-in's Spaces build and run after a commit.

ScriptedRuntime plays a timeline of stages (fast, for deploy logic); RealRuntime builds the uploaded files with
Docker and runs them as Spaces does (container.py), so a deploy ends with a real container answering.
"""

from __future__ import annotations

import http.server
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from space_tools import local_sign_in

from harness import docker

from .container import SpaceContainer, duration_s, injected_env
from .space_state import Space, now_iso

# The stages the Hub reports (`SpaceRuntime.stage`).
BUILDING, BUILD_ERROR, APP_STARTING = "BUILDING", "BUILD_ERROR", "APP_STARTING"
RUNNING, RUNNING_BUILDING, RUNTIME_ERROR, NO_APP_FILE = "RUNNING", "RUNNING_BUILDING", "RUNTIME_ERROR", "NO_APP_FILE"
RUNNING_APP_STARTING = "RUNNING_APP_STARTING"


class _Logs:
    """Timestamped log lines, as the logs SSE endpoint serves them; `generation` changes when a new build's or
    container's log replaces the old one (a stream of the old one then ends)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []
        self.generation = 0
        self.lock = threading.Lock()

    def add(self, line: str) -> None:
        with self.lock:
            self.lines.append((now_iso(), line))

    def replace(self, lines: list[str]) -> None:
        """The log is now `lines`: the ones it already had keep their time; a log that is no continuation of the
        one before is a new log (an empty one is continued)."""
        with self.lock:
            old = [text for _, text in self.lines]
            if lines[: len(old)] == old:
                self.lines += [(now_iso(), line) for line in lines[len(old):]]
                return
            self.generation += 1
            self.lines = [(now_iso(), line) for line in lines]

    def snapshot(self) -> list[tuple[str, str]]:
        with self.lock:
            return list(self.lines)

    def since(self, count: int, generation: int) -> list[tuple[str, str]] | None:
        """The lines after the first `count` of log `generation`, or None once another log replaced it."""
        with self.lock:
            return None if generation != self.generation else list(self.lines[count:])


class Runtime:
    """The interface the server uses; `raw()` is the JSON of GET /api/spaces/{id}/runtime."""

    hardware = "cpu-basic"

    def __init__(self) -> None:
        self.build_logs = _Logs()
        self.run_logs = _Logs()

    def stage_and_error(self) -> tuple[str, str]:
        raise NotImplementedError

    def host(self) -> str | None:
        return None

    def on_commit(self, space: Space) -> None: ...

    def build_log_lines(self) -> list[tuple[str, str]]:
        self.stage_and_error()  # let a scripted timeline catch up
        return self.build_logs.snapshot()

    def run_log_lines(self) -> list[tuple[str, str]]:
        self.stage_and_error()
        return self.run_logs.snapshot()

    def on_restart(self, space: Space, factory: bool) -> None:
        self.on_commit(space)

    def log_live(self, build: bool) -> bool:
        """Whether lines may still come: the build log while it builds, the run log while its container runs."""
        stage = self.stage_and_error()[0]
        return stage in (BUILDING, RUNNING_BUILDING) if build else stage in (APP_STARTING, RUNNING_APP_STARTING,
                                                                             RUNNING)

    def close(self) -> None: ...

    def raw(self, space: Space, report_sha: bool) -> dict:
        stage, error = self.stage_and_error()
        data = {
            "stage": stage,
            "hardware": {"current": space.hardware if stage == RUNNING else None, "requested": space.hardware},
            "storage": None,
            # Free hardware sleeps after 48 h; upgraded hardware never, unless a sleep time is set (-1: never).
            "gcTimeout": 172800 if space.hardware == "cpu-basic" else (
                None if space.sleep_time in (None, -1) else space.sleep_time),
            "replicas": {"current": 1, "requested": 1},
            "devMode": False,
            "domains": [{"domain": f"{space.subdomain}.hf.space", "stage": "READY"}],
        }
        if space.volumes:  # SpaceRuntime.volumes (None when the key is absent), also in space_info's `runtime`
            data["volumes"] = [dict(volume) for volume in space.volumes]
        if error:
            data["errorMessage"] = error
        if report_sha:
            data["sha"] = getattr(self, "built_sha", None)
        return data


@dataclass
class Script:
    """One build's timeline: the previous stage lingers `stale_s`, then BUILDING `build_s`, APP_STARTING `start_s`."""

    stale_s: float = 0.0
    build_s: float = 0.3
    start_s: float = 0.2
    outcome: str = RUNNING  # or BUILD_ERROR, RUNTIME_ERROR
    error_message: str = ""
    build_log: list[str] = field(default_factory=lambda: ["Step 1/3 : FROM python:3.13-slim", "Successfully built"])
    run_log: list[str] = field(default_factory=lambda: ["Application started"])
    health_status: int = 200


class _ScriptedApp(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:  # noqa: N802
        body = b'{"status":"ok"}' if self.server.status < 400 else b'{"status":"down"}'
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@dataclass
class _Build:
    """One commit's build as the Hub plays it; until it starts, the build before it goes on (`before`)."""

    script: Script
    started_at: float
    sha: str | None
    before: _Build | tuple[str, str]
    serving: bool | None = None  # whether the build before it still serves while this one builds and starts

    def state(self, now: float) -> tuple[str, str, str | None]:
        """(stage, errorMessage, the sha of the build this state belongs to). While the build before it serves,
        the stages are RUNNING_BUILDING and RUNNING_APP_STARTING, as production answers show them."""
        s, elapsed = self.script, now - self.started_at
        if elapsed < s.stale_s:
            return self.before.state(now) if isinstance(self.before, _Build) else (*self.before, None)
        if self.serving is None:
            before = self.before.state(now)[0] if isinstance(self.before, _Build) else self.before[0]
            self.serving = before == RUNNING
        self.before = ("", "")  # started: what came before no longer shows
        if elapsed < s.stale_s + s.build_s:
            return RUNNING_BUILDING if self.serving else BUILDING, "", self.sha
        if s.outcome == BUILD_ERROR:
            return BUILD_ERROR, s.error_message or "Build failed with exit code: 1", self.sha
        if elapsed < s.stale_s + s.build_s + s.start_s:
            return RUNNING_APP_STARTING if self.serving else APP_STARTING, "", self.sha
        if s.outcome == RUNTIME_ERROR:
            return RUNTIME_ERROR, s.error_message or "launch timed out, space was not healthy after 30 min", self.sha
        return RUNNING, "", self.sha

    def started(self, now: float) -> bool:
        return now - self.started_at >= self.script.stale_s


class ScriptedRuntime(Runtime):
    """`script` is what each commit plays (after the ones queued in `then`); a test may swap it between deploys.
    Until a new build starts (`stale_s`), the one before it carries on: a build still under way can still end."""

    def __init__(self, script: Script | None = None, then: list[Script] | None = None) -> None:
        super().__init__()
        self.script = script or Script()
        self.then = list(then or [])  # what the next commits play, in turn, before `script` again
        self.build: _Build | None = None
        self.built_sha = None
        self._app: http.server.ThreadingHTTPServer | None = None

    def _state(self) -> tuple[str, str]:
        if self.build is None:
            return NO_APP_FILE, ""
        stage, error, self.built_sha = self.build.state(time.monotonic())
        return stage, error

    @property
    def _active(self) -> Script:
        return self.build.script if self.build else self.script

    def stage_and_error(self) -> tuple[str, str]:
        stage, error = self._state()
        if self.build is not None and self.build.started(time.monotonic()):
            # The new build's logs replace the old ones once it has started; run logs once it has run.
            if not self.build_logs.snapshot():
                self.build_logs.replace(self._active.build_log)
            if stage in (RUNNING, RUNTIME_ERROR) and not self.run_logs.snapshot():
                self.run_logs.replace(self._active.run_log)
        return stage, error

    def on_commit(self, space: Space) -> None:
        before = self.build if self.build is not None else self._state()
        script = self.then.pop(0) if self.then else self.script
        self.build = _Build(script, time.monotonic(), space.sha, before)
        self.build_logs.replace([])
        self.run_logs.replace([])

    def host(self) -> str | None:
        if self.stage_and_error()[0] != RUNNING:
            return None
        if self._app is None:
            self._app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ScriptedApp)
            threading.Thread(target=self._app.serve_forever, daemon=True).start()
        self._app.status = self._active.health_status
        return f"http://127.0.0.1:{self._app.server_port}"

    def close(self) -> None:
        if self._app is not None:
            self._app.shutdown()
            self._app.server_close()


class RealRuntime(Runtime):
    """Builds the Space's files with Docker and runs them on a free loopback port, as Spaces would."""

    def __init__(self, *, stale_s: float = 0.5, startup_timeout_s: float | None = None,
                 min_build_s: float = 1.0) -> None:
        super().__init__()
        self.stale_s = stale_s
        self.min_build_s = min_build_s
        self.startup_timeout_s = startup_timeout_s
        self.stage, self.error = NO_APP_FILE, ""
        self.built_sha = None
        self.port = docker.free_port()
        self.work = Path(tempfile.mkdtemp(prefix="hub-standin-space-"))
        self.generation = 0
        self.lock = threading.Lock()
        self.space: SpaceContainer | None = None
        self.images: set[str] = set()
        self.threads: list[threading.Thread] = []
        self.sign_in_containers: set[str] = set()

    def stage_and_error(self) -> tuple[str, str]:
        with self.lock:
            return self.stage, self.error

    def host(self) -> str | None:
        return f"http://127.0.0.1:{self.port}" if self.stage_and_error()[0] == RUNNING else None

    def _set(self, generation: int, stage: str, error: str = "", sha: str | None = None) -> bool:
        with self.lock:
            if generation != self.generation:
                return False  # a newer commit took over
            self.stage, self.error = stage, error
            if sha:
                self.built_sha = sha
            return True

    def on_commit(self, space: Space) -> None:
        with self.lock:
            self.generation += 1
            generation = self.generation
        folder = space.export(self.work / f"{generation:03d}-{space.sha[:7]}")
        values = {
            "variables": {k: v["value"] for k, v in space.variables.items()},
            "secrets": {k: v["value"] for k, v in space.secrets.items()},
        }
        thread = threading.Thread(
            target=self._build_and_run,
            args=(generation, space.id, space.sha, space.hardware, folder, space.front_matter(), values,
                  space.bind_mounts()),
            daemon=True,
        )
        self.threads.append(thread)
        thread.start()

    def _build_and_run(self, generation, space_id, sha, hardware, folder, front, values, mounts) -> None:
        time.sleep(self.stale_s)  # the Hub keeps reporting the previous build for a moment
        was_running = self.stage_and_error()[0] == RUNNING
        if not self._set(generation, RUNNING_BUILDING if was_running else BUILDING, sha=sha):
            return
        self.build_logs.replace([])
        name = space_id.replace("/", "-").lower()
        timeout = self.startup_timeout_s or duration_s(front.get("startup_duration_timeout", "30m"))
        local = SpaceContainer(
            folder=folder,
            image=f"hub-standin-{name}:{sha[:10]}",
            name=f"hub-standin-{name}",
            port=self.port,
            variables=values["variables"],
            secrets=values["secrets"],
            mounts=mounts,
            injected=injected_env(
                space_id=space_id, host=f"127.0.0.1:{self.port}", title=str(front.get("title", "")), hardware=hardware
            ),
        )
        if front.get("hf_oauth") is True:
            local.injected.update(self._sign_in(local.name, front))
        self.images.add(local.image)
        started = time.monotonic()
        built, log = local.build(on_line=self.build_logs.add)  # streamed as it builds
        # The Hub's builder never finishes within a second (it queues and pulls); a build Docker's cache answers
        # at once here would skip BUILDING between two polls of a watcher.
        time.sleep(max(0.0, self.min_build_s - (time.monotonic() - started)))
        self.build_logs.replace(log)
        if not built:
            self._set(generation, BUILD_ERROR, "Build failed: docker build exited with an error")
            return
        if not self._set(generation, APP_STARTING):
            return
        self.space = local
        local.start()
        reason = local.wait_until_answering(timeout)
        if reason:
            self.run_logs.replace(local.logs())  # kept: the Hub still shows them once the container is gone
            local.stop()
            self._set(generation, RUNTIME_ERROR, reason)
        else:
            self._set(generation, RUNNING)

    def _sign_in(self, container: str, front: dict) -> dict[str, str]:
        """hf_oauth: true makes Spaces inject OAUTH_* and OPENID_PROVIDER_URL; here the provider behind them is
        oidc-provider on a loopback port (the image `./space run` uses), which sends people back to this Space."""
        provider = local_sign_in.LocalSignIn(
            app_container=container, app_url=f"http://127.0.0.1:{self.port}",
            scopes=" ".join(front.get("hf_oauth_scopes") or ["openid", "profile"]),
            expiration_minutes=int(front.get("hf_oauth_expiration_minutes") or 480), network="host",
            port=local_sign_in.free_port(besides=self.port), client_id=f"space-{container}",
            client_secret=f"secret-{time.monotonic_ns()}",
        )
        provider.build()
        provider.start()
        self.sign_in_containers.add(container)
        return provider.injected()

    def run_log_lines(self) -> list[tuple[str, str]]:
        if self.stage_and_error()[0] == RUNNING and self.space is not None:
            self.run_logs.replace(self.space.logs())
        return self.run_logs.snapshot()

    def close(self) -> None:
        with self.lock:
            self.generation += 1  # any build still going stops at its next stage change
        for thread in self.threads:
            thread.join(timeout=600)
        if self.space is not None:
            self.space.stop()
        for container in self.sign_in_containers:
            local_sign_in.stop(container)
        for image in self.images:
            docker.docker("image", "rm", "--force", image, check=False)
        shutil.rmtree(self.work, ignore_errors=True)
