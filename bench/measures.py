"""One round of measurements on one image: its builds, then a fresh container from start to stop."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from bench import load, say
from bench.cleanup import Leftovers
from bench.edits import code_edit
from bench.subjects import Pair, Subject
from harness import docker

MEMORY_SAMPLE_SECONDS = 0.1  # how often the memory cgroup is read during the real route's load
BURST = 150  # sequential health requests from one client address
BURST_CLIENT = "192.0.2.1"  # RFC 5737 documentation address: a header value only, never contacted
STOP_GRACE = 10  # docker stop's default; a process that ignores SIGTERM shows as ~10 s
COLD_ATTEMPTS = WARM_ATTEMPTS = 3
REUSED_STEP = re.compile(r"^#\d+ CACHED$", re.MULTILINE)  # BuildKit's plain progress output


def clear_build_cache() -> None:
    """All BuildKit cache, cache mounts (uv, npm) included. Base images stay."""
    docker.docker("builder", "prune", "--all", "--force", timeout=600)


def _cold_build(subject: Subject, tag: str, cold: bool) -> tuple[float, int]:
    """Seconds of a build from an empty build cache (or, not `cold`, from the cache as it is), and how many
    retries it took.

    Not `--no-cache`: on Docker 20.10 a `--no-cache` build that shares steps with another client's build running
    at the same time can crash the whole engine (moby/buildkit#2303, "panic: failed to get edge"). An emptied
    cache and a log that shows no step reused give the same cold build; when another build filled the cache
    meanwhile, it is emptied again and the build measured again."""
    if not cold:  # a smoke run: emptying the cache costs minutes, and every other build on the engine after it
        return subject.build(tag).seconds, 0
    for attempt in range(COLD_ATTEMPTS):
        clear_build_cache()
        result = subject.build(tag)
        if not REUSED_STEP.search(result.log):
            return result.seconds, attempt
        say(f"{subject.name}: a cold build reused a step another build cached meanwhile; retrying")
    raise RuntimeError(
        f"{subject.name}: {COLD_ATTEMPTS} cold builds in a row found steps cached by other builds running on this "
        "Docker engine; run the benchmark when it is idle."
    )


def builds(pair: Pair, subject: Subject, leftovers: Leftovers, session: str,
           cold: bool = True) -> tuple[dict[str, float], str]:
    """Cold build (from the cache as it is, not `cold`), rebuild after a code edit, rebuild after adding a
    dependency; sizes of the first image.

    Returns the figures and the cold image's tag (kept for the serving measurements)."""

    def tag(step: str) -> str:
        return leftovers.image(f"bench-{subject.name}:{session}-{step}-{uuid.uuid4().hex[:6]}")

    cold_tag = tag("cold")
    figures: dict[str, float] = {}
    figures["cold_build_s"], figures["cold_build_retries"] = _cold_build(subject, cold_tag, cold)
    figures["warm_build_retries"] = 0
    code_file = subject.source / pair.code_file
    for key, edit in (
        ("code_rebuild_s", lambda: code_edit(code_file, pair.comment)),
        ("dependency_rebuild_s", lambda: pair.dependency.applied(subject.source)),
    ):
        figures[key], retries = _warm_rebuild(subject, edit, tag, leftovers)
        figures["warm_build_retries"] += retries
    figures["image_mb"] = docker.image_size(cold_tag) / 1e6
    figures["added_mb"] = docker.added_size(cold_tag, subject.base_image) / 1e6
    return figures, cold_tag


def _warm_rebuild(
    subject: Subject, edit: Callable[[], AbstractContextManager], tag: Callable[[str], str], leftovers: Leftovers
) -> tuple[float, int]:
    """Seconds of a rebuild after `edit`, on the cache the builds before left; and how many retries it took.

    The Docker engine is shared: if another client pruned the build cache meanwhile, the log shows no step
    reused. Then the cache is warmed again (unedited build) and the rebuild measured again."""
    for attempt in range(WARM_ATTEMPTS):
        with edit():
            image = tag("warm")
            result = subject.build(image)
            leftovers.drop_image(image)
        if REUSED_STEP.search(result.log):
            return result.seconds, attempt
        say(f"{subject.name}: no cached step in a warm rebuild (the build cache was pruned meanwhile?); retrying")
        warmed = tag("rewarm")
        subject.build(warmed)
        leftovers.drop_image(warmed)
    raise RuntimeError(
        f"{subject.name}: {WARM_ATTEMPTS} warm rebuilds in a row reused no cached step: something else on this "
        "Docker engine keeps pruning the build cache (`docker builder prune`); run the benchmark when it is idle."
    )


def serving(
    pair: Pair,
    subject: Subject,
    image: str,
    settings: load.Load,
    leftovers: Leftovers,
    env: dict[str, str] | None = None,
) -> dict[str, float]:
    """A fresh container: seconds to the first 200, idle memory, load on two routes, `docker stop`."""
    port = docker.free_port()
    container = leftovers.container(
        docker.run(
            image,
            env={**subject.env(port), **(env or {})},
            name=f"bench-{subject.name}-{uuid.uuid4().hex[:8]}",
            # Spaces ignores HEALTHCHECK; without it no probe process runs during the measurements.
            extra=["--no-healthcheck"],
            command=subject.command(port) if subject.command else None,
            volumes=subject.volumes(image) if subject.volumes else None,
        )
    )
    try:
        base = f"http://127.0.0.1:{port}"
        figures = {"first_200_s": docker.wait_http(base + subject.health_path, container=container, timeout=120)}
        time.sleep(settings.idle)
        figures["idle_memory_mb"] = resident_bytes(container) / 1e6
        figures["health_single_client_ok"], figures["health_single_client_then"] = single_client_burst(
            base + subject.health_path
        )
        pair.seed(base)
        for prefix, request in (("health", pair.health(subject)), ("route", pair.route)):
            if prefix == "route":
                with PeakMemory(container) as peak:
                    result = load.run(base, request, settings)
                figures["load_memory_mb"] = peak.bytes / 1e6
            else:
                result = load.run(base, request, settings)
            figures |= {
                f"{prefix}_rps": result.rps,
                f"{prefix}_p50_ms": result.p50_ms,
                f"{prefix}_p99_ms": result.p99_ms,
                f"{prefix}_errors": result.errors,
                f"{prefix}_requests": result.requests,
            }
        figures["stop_s"] = container.stop(timeout=STOP_GRACE)
        figures["exit_code"] = container.exit_code() or 0
        return figures
    finally:
        container.remove()


def single_client_burst(url: str, requests: int = BURST) -> tuple[int, int]:
    """How many health requests in a row one client IP gets answered 200, and the status that ended the run
    (200 when all `requests` were). A per-IP rate limiter on the health path shows here."""
    for count in range(requests):
        status, _ = docker.http_get(url, headers={"X-Forwarded-For": BURST_CLIENT})
        if status != 200:
            return count, status
    return requests, 200


class PeakMemory:
    """The highest resident memory of a container (as `resident_bytes` reads it) while the block runs, read
    every MEMORY_SAMPLE_SECONDS by a thread."""

    def __init__(self, container: docker.Container) -> None:
        self.folder = _container_cgroup(container)
        self.bytes = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while True:
            self.bytes = max(self.bytes, _resident(_memory_stat(self.folder)))
            if self._done.wait(MEMORY_SAMPLE_SECONDS):
                return

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()


def resident_bytes(container: docker.Container) -> int:
    """Resident memory of everything in the container's cgroup: anonymous memory plus mapped files.

    The same as adding up the processes' RSS, except shared pages (several workers) count once."""
    return _resident(_memory_stat(_container_cgroup(container)))


def _container_cgroup(container: docker.Container) -> Path:
    pid = docker.docker("inspect", "--format", "{{.State.Pid}}", container.id, timeout=60).stdout.strip()
    return _memory_cgroup(int(pid))


def _resident(stat: dict[str, int]) -> int:
    if "total_rss" in stat:  # cgroup v1
        return stat["total_rss"] + stat.get("total_mapped_file", 0)
    return stat["anon"] + stat.get("file_mapped", 0)  # cgroup v2


def _memory_cgroup(pid: int) -> Path:
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        hierarchy, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return Path("/sys/fs/cgroup/memory") / path.lstrip("/")
        if hierarchy == "0" and controllers == "":
            candidate = Path("/sys/fs/cgroup") / path.lstrip("/")
            if (candidate / "memory.stat").exists():
                return candidate
    raise RuntimeError(f"no memory cgroup found for pid {pid} in /proc/{pid}/cgroup")


def _memory_stat(folder: Path) -> dict[str, int]:
    stat_file = folder / "memory.stat"
    if not stat_file.exists():
        raise RuntimeError(f"{stat_file} is missing: cannot read the container's memory")
    return {key: int(value) for key, value in (line.split() for line in stat_file.read_text().splitlines())}
