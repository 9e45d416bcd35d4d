"""The two example services as the storage tests drive them: write numbered records, then ask which survived.

Python: the notes API (a note per record). Node: the Better Auth server (a user per record, signed in to count).
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from harness import docker
from tests.conftest import AUTH_SECRET, TEST_SECRET

PASSWORD = "correct-horse-battery-staple"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _post(url: str, payload: dict, headers: dict | None = None) -> int:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _get_json(url: str):
    with OPENER.open(url, timeout=10) as response:
        return json.loads(response.read())


def data_folder(root: Path) -> Path:
    """A folder standing in for the bucket, writable by uid 1000 as a mounted bucket is."""
    root.mkdir(parents=True, exist_ok=True)
    os.chown(root, 1000, 1000)
    return root


def snapshots(bucket: Path, name: str) -> list[Path]:
    return sorted((bucket / "snapshots" / name).glob("*.sqlite"))


def sound(path: Path) -> bool:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        connection.close()


def journal_mode(path: Path) -> str:
    """The journal mode a SQLite file's header records ("wal" lets readers and the writer run at once)."""
    return "wal" if path.read_bytes()[18:20] == b"\x02\x02" else "rollback"


@dataclass
class App:
    runtime: str
    database: str  # the SQLite file's name, as the snapshots are filed
    health: str

    def env(self, port: int) -> dict[str, str]:
        if self.runtime == "python":
            return {"PORT": str(port), "APP_SECRET_KEY": TEST_SECRET}
        return {"PORT": str(port), "BETTER_AUTH_SECRET": AUTH_SECRET, "BETTER_AUTH_URL": f"http://127.0.0.1:{port}"}

    def start(self, tag: str, bucket: Path | None, **env: str) -> tuple[docker.Container, str]:
        port = docker.free_port()
        volumes = {str(bucket): "/data"} if bucket else None
        container = docker.run(tag, env={**self.env(port), **env}, volumes=volumes)
        return container, f"http://127.0.0.1:{port}"

    def write(self, base: str, number: int) -> bool:
        """Record `number`; whether the service acknowledged it."""
        if self.runtime == "python":
            return _post(f"{base}/notes", {"title": f"record {number}"}) == 201
        headers = {"origin": base, "x-forwarded-for": _client_ip(number)}
        payload = {"email": _email(number), "password": PASSWORD, "name": f"User {number}"}
        return _post(f"{base}/api/auth/sign-up/email", payload, headers) == 200

    def survivors(self, base: str, written: int) -> set[int]:
        """Which of records 0..written-1 the service has."""
        if self.runtime == "python":
            found: set[int] = set()
            offset = 0
            while page := _get_json(f"{base}/notes?limit=100&offset={offset}"):
                found |= {int(note["title"].split()[-1]) for note in page}
                offset += len(page)
            return found
        headers = lambda n: {"origin": base, "x-forwarded-for": _client_ip(n + 50_000)}  # noqa: E731
        return {n for n in range(written)
                if _post(f"{base}/api/auth/sign-in/email", {"email": _email(n), "password": PASSWORD},
                         headers(n)) == 200}


def _email(number: int) -> str:
    return f"user-{number}@example.test"


def _client_ip(number: int) -> str:
    """Better Auth limits sign-up and sign-in per client address: each record comes from its own (198.18.0.0/15,
    reserved for tests, and only ever a header value)."""
    return f"198.{18 + number // 65536 % 2}.{number // 256 % 256}.{number % 256}"


APPS = {
    "python": App("python", "notes.db", "/healthz"),
    "node": App("node", "auth.db", "/api/auth/ok"),
}
