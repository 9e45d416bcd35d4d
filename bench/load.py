"""Bounded HTTP load with wrk on 127.0.0.1: requests/s and p50/p99 latency."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).parent / "lua"
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Load:
    """How hard to push: wrk's duration, connections and threads; `warmup` seconds run first, unmeasured; `idle`
    seconds after the first 200 before idle memory is read (start-up allocations settle)."""

    seconds: int = 10
    connections: int = 32
    threads: int = 2
    warmup: int = 1
    idle: float = 2.0


@dataclass(frozen=True)
class Request:
    """One route under load. `body` is sent as JSON; `origin_header` sends the server's own URL as Origin;
    `rotate_ips` gives each request its own X-Forwarded-For address, for routes rate-limited per client IP."""

    path: str
    method: str = "GET"
    body: str | None = None
    headers: Mapping[str, str] | None = None
    origin_header: bool = False
    rotate_ips: bool = False

    def describe(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx answers plus socket errors (connect, read, write, timeout)

    def as_dict(self) -> dict:
        return {
            "rps": self.rps,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "requests": self.requests,
            "errors": self.errors,
        }


def wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise RuntimeError("wrk is not installed: run tools/setup (it installs Debian's wrk).")
    return path


def run(base_url: str, request: Request, load: Load) -> LoadResult:
    """Warm up, then load `request` for `load.seconds`; only 127.0.0.1 is ever addressed."""
    url = base_url + request.path
    host = urllib.parse.urlsplit(url).hostname
    if host != "127.0.0.1":
        raise ValueError(f"the benchmark only loads 127.0.0.1, not {host!r} ({url})")
    headers = {**(request.headers or {}), **({"Origin": base_url} if request.origin_header else {})}
    if load.warmup:
        _wrk(url, request, headers, load, load.warmup)
    return parse(_wrk(url, request, headers, load, load.seconds))


def _wrk(url: str, request: Request, headers: Mapping[str, str], load: Load, seconds: int) -> str:
    env = {
        **os.environ,
        "WRK_METHOD": request.method,
        "WRK_BODY": request.body or "",
        "WRK_HEADERS": "\n".join(f"{name}: {value}" for name, value in headers.items()),
        "WRK_ROTATE_IPS": "1" if request.rotate_ips else "",
    }
    command = [
        wrk(),
        "--threads",
        str(load.threads),
        "--connections",
        str(load.connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "--script",
        str(LUA / "request.lua"),
        url,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed (exit {result.returncode}) on {url}:\n{result.stderr or result.stdout}")
    return result.stdout


def parse(output: str) -> LoadResult:
    """Read wrk's --latency report."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\b", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\b", output, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's report:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    return LoadResult(
        rps=float(rps.group(1)),
        p50_ms=float(p50.group(1)) * _UNIT_MS[p50.group(2)],
        p99_ms=float(p99.group(1)) * _UNIT_MS[p99.group(2)],
        requests=int(total.group(1)),
        errors=errors,
    )
