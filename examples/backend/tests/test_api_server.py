"""The app served by a real uvicorn process, called over HTTP on the loopback interface."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BACKEND_DIR = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(env):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=BACKEND_DIR, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/info", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not start:\n{process.stdout.read() if process.poll() is not None else ''}")
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_note_posted_over_http_can_be_fetched_and_shared(server, env):
    with httpx.Client(base_url=server, timeout=5) as http:
        created = http.post("/notes", json={"title": "over HTTP", "body": "it works"})
        assert created.status_code == 201
        note = created.json()

        assert http.get(f"/notes/{note['id']}").json() == note
        link = http.post(f"/notes/{note['id']}/share").json()
        assert link["url"].startswith(f"{server}/shared/")
        assert http.get(link["url"]).json() == note

    assert Path(env["NOTES_DB_PATH"]).is_file()
