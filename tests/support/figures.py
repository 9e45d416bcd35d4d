"""Measured figures (sizes, seconds) collected during the run and printed once in pytest's summary."""

from __future__ import annotations

FIGURES: list[str] = []


def record(line: str) -> None:
    FIGURES.append(line)
