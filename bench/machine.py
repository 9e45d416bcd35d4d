"""The machine a run measured on: figures only compare within one run on one machine."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

from harness import docker

REPO = Path(__file__).resolve().parents[1]


def describe(base_images: list[str]) -> dict:
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": round(_memory_bytes() / 1e9, 1),
        "kernel": platform.release(),
        "docker": docker.docker("version", "--format", "{{.Server.Version}}", timeout=60).stdout.strip(),
        "base_images": {tag: _origin(tag) for tag in base_images},
        "commit": commit(),
    }


def commit() -> str:
    """The repository's commit, `-dirty` when the working tree differs from it (the run measured those changes)."""
    try:
        head = _git("rev-parse", "--short", "HEAD")
        return head + ("-dirty" if _git("status", "--porcelain") else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO, capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()


def summary(machine: dict) -> str:
    bases = ", ".join(f"`{tag}` ({origin})" for tag, origin in machine["base_images"].items())
    return (
        f"{machine['cpus']} CPUs ({machine['cpu_model']}), {machine['memory_gb']} GB RAM, "
        f"Linux {machine['kernel']}, Docker {machine['docker']}; base images {bases}; {machine['date']}"
        + (f"; commit `{machine['commit']}`" if machine.get("commit") else "")
    )


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.machine()


def _memory_bytes() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


def _origin(tag: str) -> str:
    """Whether the base is the registry's image or tools/docker's local stand-in (its label says so)."""
    labels = docker.inspect_image(tag)["Config"].get("Labels") or {}
    description = labels.get("org.opencontainers.image.description", "")
    return "local stand-in" if "stand-in" in description else "official"
