# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""storage=bucket: the SQLite files live on local disk; the newest valid snapshot in the mounted bucket is restored
before the port opens, each changed file is snapshotted every few seconds and on stop. The Node template's
storage.mjs does the same by the same storage-layout.json."""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import sqlite3
import stat
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from . import settings

LAYOUT = json.loads((Path(__file__).resolve().parent / "storage-layout.json").read_text(encoding="utf-8"))
WHY = LAYOUT["why"]  # why something in the bucket is not read
SNAPSHOT_NAME = re.compile(LAYOUT["snapshot_name"])
WRITER_NAME = re.compile(LAYOUT["writer_name"])
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
    try:
        partial.write_text(text)
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)


def _open_file(path: Path) -> BinaryIO:
    """`path` opened for reading when it is itself a regular file: never through a link, which may point anywhere
    in the container, nor a folder or a named pipe (which would block)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, WHY["link"], str(path)) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, WHY["not_file"], str(path))
    return os.fdopen(fd, "rb")


def _not_json(constant: str):
    raise ValueError(constant)  # NaN and Infinity: Python reads them, JavaScript (and so storage.mjs) does not


def _read_json(path: Path) -> object:
    """The JSON in a small regular file of the bucket; OSError or ValueError saying why there is none."""
    limit = LAYOUT["json_limit"]
    with _open_file(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(WHY["too_big"].format(limit=limit))
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_not_json)
    except (ValueError, RecursionError):
        raise ValueError(WHY["not_json"]) from None


def _is_lease(value: object) -> bool:
    writer = value.get("writer") if isinstance(value, dict) else None
    return isinstance(writer, str) and bool(WRITER_NAME.fullmatch(writer))


def _is_record(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    first, latest = value.get("first_snapshot", ""), value.get("latest", "")
    return isinstance(first, str) and isinstance(latest, str) and (not latest or bool(SNAPSHOT_NAME.fullmatch(latest)))


def _in_the_way(folder: Path) -> str:
    """'' once `folder` is a folder of the bucket's own (made where missing), else what is in its place: a link
    would take restores and snapshots out of the bucket. OSError when it can't be made."""
    try:
        folder.mkdir()
        return ""
    except FileExistsError:
        mode = folder.lstat().st_mode
    return WHY["link"] if stat.S_ISLNK(mode) else "" if stat.S_ISDIR(mode) else WHY["not_folder"]


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
        self._ignored: set[Path] = set()
        self._scratch = Path(tempfile.mkdtemp(prefix="space-snapshots-"))

    # -- start --------------------------------------------------------------------------------------------------
    def check_mount(self) -> None:
        if not _mounted(self.mount):
            refuse("not_mounted", mount=self.mount)
        for folder in (self.mount / LAYOUT["snapshots"], *(database.folder for database in self.databases)):
            try:
                reason = _in_the_way(folder)
                if not reason:
                    os.listdir(folder)
            except OSError as error:
                refuse("not_writable", mount=self.mount, reason=_reason(error))
            if reason:
                refuse("in_the_way", path=folder, reason=reason)

    # -- what the bucket holds ----------------------------------------------------------------------------------
    def _ignore(self, path: Path, reason: str) -> None:
        """Name, once, what the bucket holds that this template never wrote there, and why it is not read."""
        if path not in self._ignored:
            self._ignored.add(path)
            say("ignored", path=path, reason=reason)

    def _bucket_json(self, path: Path, shape, why: str) -> dict | None:
        """The JSON object in `path` when it has the `shape` this template writes; None when there is none, or
        (named once) anything else."""
        try:
            value = _read_json(path)
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            self._ignore(path, _reason(error))
            return None
        if not shape(value):
            self._ignore(path, why)
            return None
        return value

    def _recorded(self, database: Database) -> dict:
        """What the bucket records of a file: its first snapshot's time and its latest snapshot's name."""
        return self._bucket_json(database.marker, _is_record, WHY["record"]) or {}

    def _snapshot_names(self, database: Database) -> list[str]:
        """The file's snapshots, newest first: regular files of a snapshot's name, the name checked first."""
        try:
            entries = list(os.scandir(database.folder))
        except FileNotFoundError:
            return []
        names = []
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.endswith(LAYOUT["suffix"]):
                continue  # a copy being written, or no snapshot at all
            if not SNAPSHOT_NAME.fullmatch(entry.name):
                self._ignore(Path(entry.path), WHY["name"])
            elif entry.is_symlink():
                self._ignore(Path(entry.path), WHY["link"])
            elif not entry.is_file(follow_symlinks=False):
                self._ignore(Path(entry.path), WHY["not_file"])
            else:
                names.append(entry.name)
        return sorted(names, reverse=True)

    def restore(self, allow_empty: bool) -> None:
        for database in self.databases:
            self._restore(database, allow_empty)
            self._baseline(database)

    def _visible_names(self, database: Database) -> list[str]:
        """The snapshots, newest first, once the newest recorded shows (buckets are eventually consistent)."""
        latest = self._recorded(database).get("latest", "")
        names = self._snapshot_names(database)
        if not latest or latest in names or (names and latest < names[0]):
            return names
        wait = LAYOUT["visible_wait_s"]
        say("late", seconds=wait, snapshot=latest, file=database.name)
        deadline = time.monotonic() + wait
        while latest not in names and time.monotonic() < deadline:
            time.sleep(0.5)
            names = self._snapshot_names(database)
        if latest not in names:
            say("never_visible", snapshot=latest, file=database.name, seconds=wait)
        return names

    def _restore(self, database: Database, allow_empty: bool) -> None:
        names = self._visible_names(database)
        for name in names:
            started = time.perf_counter()
            snapshot = database.folder / name
            try:
                reason = self._install(database, snapshot)
            except OSError as error:  # a link or a folder put in its place since listed, unreadable, or pruned
                self._ignore(snapshot, _reason(error))
                continue
            if not reason:
                size = database.live.stat().st_size
                taken = datetime.fromtimestamp(int(name[:13]) / 1000, timezone.utc).isoformat(timespec="seconds")
                say("restored", file=database.name, snapshot=name, size=size, taken=taken, ms=_ms_since(started))
                return
            say("corrupt", snapshot=name, file=database.name, reason=reason)
        if names and not allow_empty:
            refuse("all_corrupt", file=database.name, folder=database.folder, count=len(names))
        if os.path.lexists(database.marker) or names:
            if not allow_empty:
                since = self._recorded(database).get("first_snapshot") or "?"
                refuse("lost", mount=self.mount, file=database.name, since=since)
            say("start_empty", file=database.name, mount=self.mount)
            return
        say("first_start", file=database.name, mount=self.mount)

    def _install(self, database: Database, snapshot: Path) -> str:
        """Copy a snapshot next to the live file and check it; put it in place only when sound. OSError when it is
        no regular file or can't be read."""
        database.live.parent.mkdir(parents=True, exist_ok=True)
        incoming = database.live.with_name(database.live.name + ".restoring")
        with _open_file(snapshot) as source:
            try:
                with open(incoming, "wb") as target:
                    shutil.copyfileobj(source, target, 1 << 20)
            except OSError:
                incoming.unlink(missing_ok=True)
                raise
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
        path = self.mount / LAYOUT["lease"]
        try:
            _write_text(path, json.dumps(lease))
        except OSError as error:
            if path.is_dir() and not path.is_symlink():
                refuse("in_the_way", path=path, reason=WHY["not_file"])
            refuse("not_writable", mount=self.mount, reason=_reason(error))

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
                except Exception as error:  # noqa: BLE001 - any error of a round: said once, the next one tries again
                    if str(error) != database.failure:  # said once, not every few seconds
                        say("snapshot_failed", file=database.name, reason=error, interval=f"{self.interval:g}")
                    database.failure = str(error)
            return kept

    def _newer_writer(self) -> bool:
        lease = self._bucket_json(self.mount / LAYOUT["lease"], _is_lease, WHY["lease"])
        writer = lease["writer"] if lease else ""
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
        for folder in (database.folder.parent, database.folder):
            if reason := _in_the_way(folder):
                raise OSError(f"{folder} is in the way ({reason})")
        _write_whole(local, database.folder / name)
        recorded = self._recorded(database)
        first = recorded.get("first_snapshot") or datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            _write_text(database.marker, json.dumps({**recorded, "first_snapshot": first, "latest": name}))
        except IsADirectoryError:  # a folder in its place, named once: the snapshot is kept all the same
            self._ignore(database.marker, WHY["not_file"])
        database.version = version
        database.snapshots += 1
        size, ms = local.stat().st_size, _ms_since(started)
        if database.snapshots == 1:
            say("first_snapshot", file=database.name, snapshot=name, size=size, ms=ms)
        self._prune(database)
        return f"{database.name} ({size} bytes, {ms} ms)"

    def _prune(self, database: Database) -> None:
        for name in self._snapshot_names(database)[LAYOUT["keep"]:]:
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
