"""What is measured for each image, in which unit, and the issue's targets (goals, not pass/fail tests)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    digits: int = 2


FIGURES = (
    Figure("image_mb", "image size", "MB", 1),
    Figure("added_mb", "added on top of the base image", "MB", 1),
    Figure("cold_build_s", "cold build (no cache)", "s", 1),
    Figure("code_rebuild_s", "rebuild after a code-only edit", "s", 2),
    Figure("dependency_rebuild_s", "rebuild after adding one dependency", "s", 1),
    Figure("first_200_s", "`docker run` to first 200 on the health path", "s", 2),
    Figure("idle_memory_mb", "idle memory (resident)", "MB", 1),
    Figure("load_memory_mb", "memory under load (peak resident)", "MB", 1),
    Figure("health_rps", "health path: requests/s", "req/s", 0),
    Figure("health_p50_ms", "health path: p50 latency", "ms", 2),
    Figure("health_p99_ms", "health path: p99 latency", "ms", 2),
    Figure("route_rps", "real route: requests/s", "req/s", 0),
    Figure("route_p50_ms", "real route: p50 latency", "ms", 2),
    Figure("route_p99_ms", "real route: p99 latency", "ms", 2),
    Figure("stop_s", "`docker stop`", "s", 2),
)
KEYS = tuple(figure.key for figure in FIGURES)
BY_KEY = {figure.key: figure for figure in FIGURES}
VARIANT_KEYS = (
    "idle_memory_mb",
    "load_memory_mb",
    "health_rps",
    "health_p50_ms",
    "health_p99_ms",
    "route_rps",
    "route_p50_ms",
    "route_p99_ms",
)
NAGLE_STALL_MS = 35.0  # p50 at or above this, with 1 worker far below it: the ~40 ms delayed-ACK wait


@dataclass(frozen=True)
class Target:
    """A goal on ours' median, on ours' worst run (`every_run`) or on the ours/baseline ratio of medians (`on_ratio`).

    A goal on the ratio is met only if, besides the median ratio, every run of ours beats every run of the baseline
    (`apart`): a median can win by less than the noise."""

    key: str
    text: str
    at_most: float | None = None
    at_least: float | None = None
    on_ratio: bool = False
    every_run: bool = False

    def gap(self, value: float) -> float:
        """How far `value` misses the goal (0 when met), in the goal's own unit."""
        if self.at_most is not None and value > self.at_most:
            return value - self.at_most
        if self.at_least is not None and value < self.at_least:
            return self.at_least - value
        return 0.0

    def worst(self, values: list[float]) -> float:
        return max(values) if self.at_most is not None else min(values)

    def apart(self, ours: list[float], baseline: list[float]) -> bool:
        """Whether the runs don't overlap, ours on the winning side: all lower for at_most, all higher for at_least."""
        return max(ours) < min(baseline) if self.at_most is not None else min(ours) > max(baseline)


def _builds(first_200: float) -> tuple[Target, ...]:
    return (
        Target("code_rebuild_s", "< 3 s", at_most=3.0),
        Target("dependency_rebuild_s", "≥ 2x faster than baseline (ratio ≤ 0.5)", at_most=0.5, on_ratio=True),
        Target("first_200_s", f"≤ {first_200:g} s", at_most=first_200),
    )


TARGETS = {
    "python": (
        Target("added_mb", "≤ 25 MB", at_most=25.0),
        *_builds(first_200=1.0),
        Target("stop_s", "< 1 s", at_most=1.0),
        Target("health_rps", "≥ baseline", at_least=1.0, on_ratio=True),
        Target("route_rps", "≥ 1.5x baseline", at_least=1.5, on_ratio=True),
        Target("route_p99_ms", "≤ baseline", at_most=1.0, on_ratio=True),
    ),
    "node": (
        Target("added_mb", "≤ 10 MB", at_most=10.0),
        *_builds(first_200=0.5),
        Target("stop_s", "< 1 s in every run", at_most=1.0, every_run=True),
        Target("health_rps", "≥ baseline", at_least=1.0, on_ratio=True),
        Target("route_rps", "≥ baseline", at_least=1.0, on_ratio=True),
    ),
}
