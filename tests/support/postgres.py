"""A throwaway PostgreSQL cluster from Debian's server packages, on a free 127.0.0.1 port.

initdb refuses to run as root, so as root the cluster runs as the `postgres` user (through runuser).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

from harness.docker import free_port

POSTGRES_ROOT = Path("/usr/lib/postgresql")


def binaries() -> Path:
    """The newest installed server's bin folder (Debian's postgresql package); PG_BIN overrides it."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    versions = sorted(
        (path for path in POSTGRES_ROOT.glob("*") if (path / "bin" / "initdb").is_file()),
        key=lambda path: int(path.name) if path.name.isdigit() else 0,
    )
    assert versions, "no PostgreSQL server under /usr/lib/postgresql: tools/setup installs Debian's postgresql"
    return versions[-1] / "bin"


class PostgresCluster:
    """initdb + pg_ctl start on 127.0.0.1:<free port>, trust authentication, fsync off; `stop` removes it."""

    def __init__(self) -> None:
        self.bin = binaries()
        self.port = free_port()
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.dir = Path(self._run("mktemp", "-d", "/tmp/space-tests-postgres-XXXXXX").strip())
        self._run(str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-sync")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"), "-w",
                  "start", "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off")

    def _run(self, *command: str) -> str:
        result = subprocess.run([*self._as_owner, *command], capture_output=True, text=True, timeout=120, cwd="/")
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def new_database(self) -> str:
        """A fresh, empty database in the cluster; returns its URL."""
        name = f"auth_{uuid.uuid4().hex[:10]}"
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def query(self, database_url: str, sql: str) -> str:
        """psql's unaligned, tuples-only output of `sql`."""
        return self._run(str(self.bin / "psql"), database_url, "-At", "-c", sql).strip()

    def stop(self) -> None:
        subprocess.run([*self._as_owner, str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                        "-w", "stop"], capture_output=True, timeout=120, cwd="/")
        shutil.rmtree(self.dir, ignore_errors=True)
