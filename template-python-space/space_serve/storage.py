# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""storage=bucket: the SQLite files live on local disk; the newest valid snapshot in the mounted bucket is restored
before the port opens, each changed file is snapshotted every few seconds and on stop. The Node template's
storage.mjs does the same by the same storage-layout.json."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from . import settings

LAYOUT = json.loads((Path(__file__).resolve().parent / "storage-layout.json").read_text(encoding="utf-8"))
DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "https": 443, "wss": 443, "http": 80, "ws": 80}


def say(key: str, **values) -> None:
    print("space: " + LAYOUT["say"][key].format(**values), file=sys.stderr, flush=True)


def refuse(key: str, **values):
    settings.fail(LAYOUT["say"][key].format(**values))


def announce_external(environ=os.environ) -> None:
    """Name the database's host and port (never its credentials), and warn of a port a Space can't reach."""
    parts = urlsplit(environ.get("DATABASE_URL", ""))
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.split("+")[0])
    except ValueError:
        port = None
    say("external", host=parts.hostname or "?", port=port or "?")
    if environ.get("SPACE_ID") and port and port not in LAYOUT["reachable_ports"]:
        say("external_port", port=port)


def _mounted(path: Path) -> bool:
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return os.path.ismount(path)
    # Field 5 is the mount point, with spaces and the like escaped as octal (\040).
    points = {line.split()[4].encode().decode("unicode_escape") for line in lines if len(line.split()) > 4}
    return str(path) in points


def _ms_since(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _integrity(path: Path) -> str:
    """'' when SQLite finds the file sound, else what is wrong with it."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        return str(error)
    return "" if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows[:3])


def _write_text(target: Path, text: str) -> None:
    """A small file, written beside its place and renamed: never seen half-written (the name is this writer's own:
    two containers may write it at once)."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    partial.write_text(text)
    os.replace(partial, target)


def _write_whole(source: Path, target: Path) -> None:
    """Copy, flush to disk, then rename: the bucket only ever holds complete files."""
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)


@dataclass
class Database:
    live: Path  # the file the app opens, on local disk
    folder: Path  # its snapshots in the bucket
    connection: sqlite3.Connection | None = None
    inode: int | None = None
    version: int | None = None  # PRAGMA data_version when last kept (restored or snapshotted)
    snapshots: int = 0
    failure: str = ""  # the last snapshot's error, until one succeeds
    wal: bool = False  # the file is in WAL mode

    @property
    def name(self) -> str:
        return self.live.name

    @property
    def marker(self) -> Path:
        return self.folder.with_name(self.name + ".json")

    def snapshot_names(self) -> list[str]:
        return sorted((p.name for p in self.folder.glob("*" + LAYOUT["suffix"]) if not p.name.startswith(".")),
                      reverse=True)


def _use_wal(connection: sqlite3.Connection) -> bool:
    """WAL mode (kept in the file): a snapshot, a reader, then never holds up or fails the app's writes, whatever its
    driver's busy timeout. Tried without waiting, as a lock held waiting would hold up the app's writes; False
    while the app holds one: tried again at the next snapshot."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        return connection.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() == "wal"
    except sqlite3.OperationalError:
        return False
    finally:
        connection.execute("PRAGMA busy_timeout=5000")


def _recorded(database: Database) -> dict:
    """What the bucket records of a file: its first snapshot's time and its latest snapshot's name."""
    try:
        return json.loads(database.marker.read_text())
    except (OSError, ValueError):
        return {}


class Keeper:
    """One container's side of the bucket: restore, claim the lease, snapshot until stopped or superseded."""

    def __init__(self, mount: Path, files: list[Path], interval: float) -> None:
        self.mount = mount
        self.interval = interval
        self.writer = f"{time.time_ns() // 1_000_000:013d}-{secrets.token_hex(3)}"
        self.databases = [Database(path, mount / LAYOUT["snapshots"] / path.name) for path in files]
        self.sequence = 0
        self.superseded = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._scratch = Path(tempfile.mkdtemp(prefix="space-snapshots-"))

    # -- start --------------------------------------------------------------------------------------------------
    def check_mount(self) -> None:
        if not _mounted(self.mount):
            refuse("not_mounted", mount=self.mount)
        try:
            for database in self.databases:
                database.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            refuse("not_writable", mount=self.mount, reason=error.strerror or error)

    def restore(self, allow_empty: bool) -> None:
        for database in self.databases:
            self._restore(database, allow_empty)
            self._baseline(database)

    def _visible_names(self, database: Database) -> list[str]:
        """The snapshots, newest first, once the newest recorded shows (buckets are eventually consistent)."""
        latest = _recorded(database).get("latest", "")
        names = database.snapshot_names()
        if not latest or latest in names or (names and latest < names[0]):
            return names
        wait = LAYOUT["visible_wait_s"]
        say("late", seconds=wait, snapshot=latest, file=database.name)
        deadline = time.monotonic() + wait
        while latest not in names and time.monotonic() < deadline:
            time.sleep(0.5)
            names = database.snapshot_names()
        if latest not in names:
            say("never_visible", snapshot=latest, file=database.name, seconds=wait)
        return names

    def _restore(self, database: Database, allow_empty: bool) -> None:
        names = self._visible_names(database)
        for name in names:
            started = time.perf_counter()
            reason = self._install(database, database.folder / name)
            if not reason:
                size = database.live.stat().st_size
                taken = datetime.fromtimestamp(int(name[:13]) / 1000, timezone.utc).isoformat(timespec="seconds")
                say("restored", file=database.name, snapshot=name, size=size, taken=taken, ms=_ms_since(started))
                return
            say("corrupt", snapshot=name, file=database.name, reason=reason)
        if names and not allow_empty:
            refuse("all_corrupt", file=database.name, folder=database.folder, count=len(names))
        if database.marker.exists() or names:
            if not allow_empty:
                since = _recorded(database).get("first_snapshot", "?")
                refuse("lost", mount=self.mount, file=database.name, since=since)
            say("start_empty", file=database.name, mount=self.mount)
            return
        say("first_start", file=database.name, mount=self.mount)

    def _install(self, database: Database, snapshot: Path) -> str:
        """Copy a snapshot next to the live file and check it; put it in place only when sound."""
        database.live.parent.mkdir(parents=True, exist_ok=True)
        incoming = database.live.with_name(database.live.name + ".restoring")
        try:
            shutil.copyfile(snapshot, incoming)
        except OSError as error:  # pruned by an older container meanwhile, or unreadable
            return error.strerror or str(error)
        reason = _integrity(incoming)
        if reason:
            incoming.unlink(missing_ok=True)
            return reason
        for suffix in ("-wal", "-shm", "-journal"):  # journals of another database would corrupt this one
            database.live.with_name(database.live.name + suffix).unlink(missing_ok=True)
        os.replace(incoming, database.live)
        return ""

    def _baseline(self, database: Database) -> None:
        if database.live.exists():
            database.version = self._data_version(database)

    def claim(self) -> None:
        """Name this container the writer: an older one still running sees it and stops snapshotting."""
        lease = {"writer": self.writer, "space": os.environ.get("SPACE_ID", "")}
        _write_text(self.mount / LAYOUT["lease"], json.dumps(lease))

    def start(self) -> None:
        files = ", ".join(database.name for database in self.databases)
        say("keeping", files=files, mount=self.mount, interval=f"{self.interval:g}")
        self._thread = threading.Thread(target=self._loop, name="space-snapshots", daemon=True)
        self._thread.start()

    # -- snapshots ----------------------------------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self) -> list[str]:
        """Snapshot every database that changed; what was kept, e.g. `notes.db (8192 bytes, 3 ms)`."""
        with self._lock:
            if self.superseded or self._newer_writer():
                return []
            kept = []
            for database in self.databases:
                try:
                    if kept_one := self._snapshot(database):
                        kept.append(kept_one)
                    database.failure = ""
                except (OSError, sqlite3.Error) as error:
                    if str(error) != database.failure:  # said once, not every few seconds
                        say("snapshot_failed", file=database.name, reason=error, interval=f"{self.interval:g}")
                    database.failure = str(error)
            return kept

    def _newer_writer(self) -> bool:
        try:
            writer = json.loads((self.mount / LAYOUT["lease"]).read_text()).get("writer", "")
        except (OSError, ValueError):
            return False
        if writer > self.writer:
            self.superseded = True
            say("superseded", writer=writer, mount=self.mount)
        return self.superseded

    def _data_version(self, database: Database) -> int:
        inode = database.live.stat().st_ino
        if database.connection is None or database.inode != inode:  # first time, or the app replaced the file
            if database.connection is not None:
                database.connection.close()
            # Read-write only for the journal mode: nothing else is ever written through it.
            database.connection = sqlite3.connect(database.live, timeout=5, check_same_thread=False)
            database.inode = inode
            database.version = None
            database.wal = False
        database.wal = database.wal or _use_wal(database.connection)
        return database.connection.execute("PRAGMA data_version").fetchone()[0]

    def _snapshot(self, database: Database) -> str:
        if not database.live.exists():
            return ""
        version = self._data_version(database)  # read before the copy: a write during it is seen next time
        if version == database.version:
            return ""
        started = time.perf_counter()
        local = self._scratch / database.name
        target = sqlite3.connect(local)
        try:
            database.connection.backup(target)  # SQLite's online backup: a consistent copy, the app keeps running
        finally:
            target.close()
        self.sequence += 1
        name = f"{self.writer}-{self.sequence:08d}{LAYOUT['suffix']}"
        database.folder.mkdir(parents=True, exist_ok=True)
        _write_whole(local, database.folder / name)
        recorded = _recorded(database)
        recorded.setdefault("first_snapshot", datetime.now(timezone.utc).isoformat(timespec="seconds"))
        _write_text(database.marker, json.dumps({**recorded, "latest": name}))
        database.version = version
        database.snapshots += 1
        size, ms = local.stat().st_size, _ms_since(started)
        if database.snapshots == 1:
            say("first_snapshot", file=database.name, snapshot=name, size=size, ms=ms)
        self._prune(database)
        return f"{database.name} ({size} bytes, {ms} ms)"

    def _prune(self, database: Database) -> None:
        for name in database.snapshot_names()[LAYOUT["keep"]:]:
            (database.folder / name).unlink(missing_ok=True)

    def prepare(self) -> None:
        """The files there are now in WAL mode, before the app serves (the pre-start command may have made them)."""
        for database in self.databases:
            if database.live.exists():
                self._data_version(database)

    def halt(self) -> None:
        """Stop snapshotting, leaving the bucket as it is (a failed start keeps the snapshots it restored from)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def stop(self) -> None:
        """On exit: the last snapshot, after the server stopped taking writes."""
        self.halt()
        if self.superseded:
            return
        kept = self.tick()
        if self.superseded:
            return
        say("final", files=", ".join(kept)) if kept else say("final_unchanged")


def _files(space: dict, environ=os.environ) -> list[Path]:
    paths = []
    for entry in space["sqlite_files"]:
        value = environ.get(entry[1:], "").strip() if entry.startswith("$") else entry
        if not value:
            settings.fail(f"sqlite_files names {entry}, which is empty: set it to the SQLite file's path.")
        paths.append(Path(value).absolute())
    return paths


def keeper(space: dict, environ=os.environ) -> Keeper | None:
    """Restore and start keeping the Space's SQLite files when storage=bucket; say what storage means otherwise."""
    storage = space.get("storage", "none")
    if storage == "external":
        announce_external(environ)
    if storage != "bucket":
        if storage == "none":
            say("none")
        return None
    keeping = Keeper(Path(space["storage_mount"]), _files(space, environ), float(space["snapshot_interval"]))
    keeping.check_mount()
    keeping.restore(allow_empty=environ.get("STORAGE_ALLOW_EMPTY", "").strip() in ("1", "true", "yes"))
    keeping.claim()
    keeping.start()
    return keeping
