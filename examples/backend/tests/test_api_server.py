"""The app served by a real uvicorn process, called over HTTP on the loopback interface."""

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
def server(env, tmp_path):
    port = free_port()
    log = tmp_path / "uvicorn.log"
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one would block the server.
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=BACKEND_DIR,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base_url}/info", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail(f"uvicorn exited before serving:\n{log.read_text()}")
                if time.monotonic() > deadline:
                    pytest.fail("uvicorn did not answer within 30 s")
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
