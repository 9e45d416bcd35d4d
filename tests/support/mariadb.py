"""A throwaway MariaDB server (MySQL's protocol) from Debian's mariadb-server-core, on a free 127.0.0.1 port.

Its data folder and socket live in a temporary folder; root signs in through the socket, the app's user by
password over TCP, as a hosted MySQL would have it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from harness.docker import free_port

USER, PASSWORD = "app", "app-password"


class MariaDBServer:
    """mariadb-install-db + mariadbd on 127.0.0.1:<free port>; `stop` removes it."""

    def __init__(self) -> None:
        assert shutil.which("mariadbd") or Path("/usr/sbin/mariadbd").is_file(), \
            "no MariaDB server: tools/setup installs Debian's mariadb-server-core"
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="space-tests-mariadb-"))
        self.socket = self.dir / "server.sock"
        subprocess.run(["mariadb-install-db", "--user=root", f"--datadir={self.dir / 'data'}",
                        "--auth-root-authentication-method=socket", "--skip-test-db"],
                       check=True, capture_output=True, timeout=120)
        log = (self.dir / "server.log").open("w")
        self.process = subprocess.Popen(
            ["/usr/sbin/mariadbd", "--no-defaults", "--user=root", f"--datadir={self.dir / 'data'}",
             f"--port={self.port}", "--bind-address=127.0.0.1", f"--socket={self.socket}",
             "--innodb-flush-log-at-trx-commit=0", "--skip-log-bin"], stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while not self._answers():
            assert self.process.poll() is None and time.monotonic() < deadline, (self.dir / "server.log").read_text()
            time.sleep(0.2)
        self.query(f"CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}'")

    def _answers(self) -> bool:
        return self.socket.exists() and subprocess.run(
            ["mariadb", f"--socket={self.socket}", "-uroot", "-e", "SELECT 1"], capture_output=True, check=False).returncode == 0

    def query(self, sql: str, database: str = "") -> str:
        """The mariadb client's tab-separated output of `sql`, as root, without column names."""
        result = subprocess.run(["mariadb", f"--socket={self.socket}", "-uroot", "-N", "-B", *([database] if database else []),
                                 "-e", sql], capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    def new_database(self) -> str:
        """A fresh, empty database the app's user owns; returns its mysql:// URL."""
        name = f"auth_{uuid.uuid4().hex[:10]}"
        self.query(f"CREATE DATABASE {name}")
        self.query(f"GRANT ALL ON {name}.* TO '{USER}'@'%'")
        return f"mysql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
