"""storage=bucket and a bucket holding what no container of this template wrote there: links (out of the bucket,
within it, dangling), folders, named pipes, other names, unreadable or huge files, JSON of every wrong shape in
writer.json and in a file's record. Each is named in one line and ignored: a restore never reads a link or
anything but a regular file of a snapshot's name, and the snapshots go on. In place of a folder of the bucket,
the start stops in one line.

Both runtimes' storage code runs on the host, the bucket folder bind-mounted on itself in a mount namespace of
its own (the start checks it is a mount) and the process without root's right to read any file (a container's
user has none).
"""

from __future__ import annotations

import json
import os
import select
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

GOOD = "1700000000000-aaaaaa-00000001.sqlite"  # the bucket's one sound snapshot: the row 'kept'
NEWER = "1800000000000-bbbbbb-00000001.sqlite"  # a snapshot's name sorting first: what a restore tries before GOOD
NEWER_LEASE = b'{"writer": "9999999999999-ffffff"}'  # a later container's lease: read, it stops the snapshots
HUGE = 256 << 20  # bytes of a sparse file: no record or lease of this template comes near
INTERVAL = 0.2  # snapshot_interval, seconds
WRITTEN = "written after the start"

# What no JSON file of the bucket holds as this template writes it, and why each is ignored: SHAPE stands for
# the file's own reason (no writer's name, not a record), "" for either.
NOT_JSON, SHAPE = "not JSON", "shape"
JUNK_JSON = {
    "[]": (b"[]", SHAPE), "null": (b"null", SHAPE), "a string": (b'"text"', SHAPE), "a number": (b"5", SHAPE),
    "true": (b"true", SHAPE), "not JSON": (b"{", NOT_JSON), "empty": (b"", NOT_JSON),
    "NaN": (b'{"writer": NaN, "latest": NaN}', NOT_JSON), "a BOM": ("\ufeff{}".encode(), NOT_JSON),
    "not UTF-8": (b'{"writer": "\xff", "latest": "\xff"}', NOT_JSON),
    "deeply nested": (b"[" * 30000 + b"]" * 30000, ""),  # past Python's recursion, not V8's: either reason
}
NO_WRITER = "no writer's name in it"
JUNK_LEASE = {
    "writer null": b'{"writer": null}', "writer a number": b'{"writer": 5}', "writer an object": b'{"writer": {}}',
    "writer not a name": b'{"writer": "zzz"}', "no writer": b"{}",
    "writer with a path": b'{"writer": "9999999999999-ffffff/../x"}',
}
NO_RECORD = "not a record of snapshots"
JUNK_RECORD = {
    "latest a number": b'{"latest": 5}', "latest null": b'{"latest": null}',
    "latest a path": b'{"latest": "../../../etc/passwd.sqlite"}', "first_snapshot a list": b'{"first_snapshot": []}',
}
LINK, NOT_A_FILE, NO_NAME = "a link", "not a regular file", "not a snapshot's name"


@dataclass(frozen=True)
class Bucket:
    mount: Path  # what the start finds mounted at the storage mount
    elsewhere: Path  # outside the bucket, readable in the container: never restored from, never written

    @property
    def folder(self) -> Path:
        return self.mount / "snapshots" / "notes.db"

    @property
    def record(self) -> Path:
        return self.mount / "snapshots" / "notes.db.json"

    @property
    def lease(self) -> Path:
        return self.mount / "writer.json"

    @property
    def secret(self) -> Path:
        return self.elsewhere / "secret.sqlite"


@dataclass(frozen=True)
class Hostile:
    path: Path  # what the bucket holds that this template never wrote there
    said: str  # the start of the one line that names it
    refused: bool = False  # the start stops (exit 78); else the restore and the snapshots go on around it
    during: Callable[[], None] | None = None  # laid once the container started, as another one could


def sqlite_file(path: Path, row: str) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES (?)", (row,))
    db.close()
    return path


def rows(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {row for (row,) in db.execute("SELECT text FROM notes")}
    finally:
        db.close()


def ignoring(path: Path, reason: str | None) -> str:
    """The warning naming `path`; without a reason (the system's own words, or either of two), up to it."""
    return f"space: storage: warning: ignoring {path} ({reason + ')' if reason else ''}"


def unreadable(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    path.chmod(0)


def huge(path: Path) -> None:
    with open(path, "wb") as handle:
        handle.truncate(HUGE)


# -- the corpus: each case lays one hostile thing in (or in place of) a sound bucket ------------------------------
def _snapshot_entries() -> dict[str, Callable[[Bucket], Hostile]]:
    def entry(name: str, make: Callable[[Path, Bucket], None], reason: str | None) -> Callable[[Bucket], Hostile]:
        def case(bucket: Bucket) -> Hostile:
            make(bucket.folder / name, bucket)
            return Hostile(bucket.folder / name, ignoring(bucket.folder / name, reason))
        return case

    def not_sqlite(bucket: Bucket) -> Hostile:
        (bucket.folder / NEWER).write_text("not a database\n" * 100)
        return Hostile(bucket.folder / NEWER, f"space: storage: warning: snapshot {NEWER} of notes.db fails its "
                                              "integrity check (file is not a database); trying the one before it")

    return {
        "snapshot: a link out of the bucket": entry(NEWER, lambda p, b: p.symlink_to(b.secret), LINK),
        "snapshot: a link within the bucket": entry(NEWER, lambda p, b: p.symlink_to(GOOD), LINK),
        "snapshot: a dangling link": entry(NEWER, lambda p, b: p.symlink_to("gone.sqlite"), LINK),
        "snapshot: a link of another name": entry("evil.sqlite", lambda p, b: p.symlink_to(b.secret), NO_NAME),
        "snapshot: another name": entry("evil.sqlite", lambda p, b: sqlite_file(p, "secret"), NO_NAME),
        "snapshot: a near-miss name": entry("1800000000000-bbbbbb-1.sqlite", lambda p, b: sqlite_file(p, "secret"),
                                            NO_NAME),
        "snapshot: upper-case hex": entry(NEWER.upper().replace(".SQLITE", ".sqlite"),
                                          lambda p, b: sqlite_file(p, "secret"), NO_NAME),
        "snapshot: a folder": entry(NEWER, lambda p, b: p.mkdir(), NOT_A_FILE),
        "snapshot: a named pipe": entry(NEWER, lambda p, b: os.mkfifo(p), NOT_A_FILE),
        "snapshot: unreadable": entry(NEWER, lambda p, b: unreadable(p, b.secret.read_bytes()), None),
        "snapshot: not SQLite": not_sqlite,
    }


def _files(slot: str, shape: str, junk: dict[str, bytes], valid: bytes,
           during: bool) -> dict[str, Callable[[Bucket], Hostile]]:
    """writer.json (laid while the container runs: its start rewrites it) or a file's record, held as each hostile
    thing: JUNK_JSON, `junk` (of a wrong shape), links to `valid` content, and so on."""
    def entry(make: Callable[[Path, Bucket], None], reason: str | None) -> Callable[[Bucket], Hostile]:
        def case(bucket: Bucket) -> Hostile:
            path = getattr(bucket, slot)
            (bucket.elsewhere / path.name).write_bytes(valid)
            (path.parent / f"old-{path.name}").write_bytes(valid)

            def lay() -> None:
                path.unlink(missing_ok=True)
                make(path, bucket)

            if not during:
                lay()
            return Hostile(path, ignoring(path, reason), during=lay if during else None)
        return case

    def written(content: bytes) -> Callable[[Path, Bucket], None]:
        return lambda path, bucket: path.write_bytes(content)

    junk_json = {name: (content, shape if reason == SHAPE else reason) for name, (content, reason) in JUNK_JSON.items()}
    return {
        **{f"{slot}: {name}": entry(written(content), reason) for name, (content, reason) in junk_json.items()},
        **{f"{slot}: {name}": entry(written(content), shape) for name, content in junk.items()},
        f"{slot}: a link out of the bucket": entry(lambda p, b: p.symlink_to(b.elsewhere / p.name), LINK),
        f"{slot}: a link within the bucket": entry(lambda p, b: p.symlink_to(f"old-{p.name}"), LINK),
        f"{slot}: a folder": entry(lambda p, b: p.mkdir(), NOT_A_FILE),
        f"{slot}: a named pipe": entry(lambda p, b: os.mkfifo(p), NOT_A_FILE),
        f"{slot}: huge": entry(lambda p, b: huge(p), f"larger than {64 << 10} bytes"),
        f"{slot}: unreadable": entry(lambda p, b: unreadable(p, valid), None),
    }


def _in_the_way() -> dict[str, Callable[[Bucket], Hostile]]:
    """In place of the bucket's folders, or of the lease the start writes: the start stops."""
    def linked_folder(bucket: Bucket) -> Hostile:
        theirs = bucket.elsewhere / "notes.db"
        theirs.mkdir()
        sqlite_file(theirs / NEWER, "secret")
        for path in bucket.folder.iterdir():
            path.unlink()
        bucket.folder.rmdir()
        bucket.folder.symlink_to(theirs)
        return Hostile(bucket.folder, in_the_way(bucket.folder, LINK), refused=True)

    def linked_snapshots(bucket: Bucket) -> Hostile:
        theirs = bucket.elsewhere / "snapshots"
        (bucket.mount / "snapshots").rename(theirs)
        sqlite_file(theirs / "notes.db" / NEWER, "secret")
        (bucket.mount / "snapshots").symlink_to(theirs)
        return Hostile(bucket.mount / "snapshots", in_the_way(bucket.mount / "snapshots", LINK), refused=True)

    def file_for_folder(bucket: Bucket) -> Hostile:
        for path in bucket.folder.iterdir():
            path.unlink()
        bucket.folder.rmdir()
        bucket.folder.write_bytes(b"")
        return Hostile(bucket.folder, in_the_way(bucket.folder, "not a folder"), refused=True)

    def folder_for_lease(bucket: Bucket) -> Hostile:
        (bucket.lease / "kept").mkdir(parents=True)
        return Hostile(bucket.lease, in_the_way(bucket.lease, None), refused=True)

    return {"in the way: the file's snapshot folder a link": linked_folder,
            "in the way: the snapshots folder a link": linked_snapshots,
            "in the way: a file for the file's snapshot folder": file_for_folder,
            "in the way: a folder for writer.json": folder_for_lease}


def in_the_way(path: Path, reason: str | None) -> str:
    return f"space: storage=bucket, but {path} is in the way ({reason + ')' if reason else ''}"


CORPUS = {
    **_snapshot_entries(),
    **_files("record", NO_RECORD, JUNK_RECORD, json.dumps({"latest": NEWER}).encode(), during=False),
    **_files("lease", NO_WRITER, JUNK_LEASE, NEWER_LEASE, during=True),
    **_in_the_way(),
}


@pytest.fixture(params=CORPUS, ids=list(CORPUS))
def hostile(request, tmp_path) -> tuple[Bucket, Hostile]:
    """A bucket as the template leaves it (one sound snapshot and its record), then one hostile thing in it."""
    bucket = Bucket(tmp_path / "bucket", tmp_path / "elsewhere")
    bucket.folder.mkdir(parents=True)
    bucket.elsewhere.mkdir()
    sqlite_file(bucket.folder / GOOD, "kept")
    bucket.record.write_text(json.dumps({"first_snapshot": "2023-11-14T22:13:20+00:00", "latest": GOOD}))
    sqlite_file(bucket.secret, "secret")
    return bucket, CORPUS[request.param](bucket)


# -- the runtimes' own storage code, run on the host --------------------------------------------------------------
# Each starts as the image does (keeper(space)), says it started, waits for the test to lay what comes during the
# run, writes a row as the app would, waits for the snapshot loop to keep it, prints that snapshot, then stops.
PYTHON_DRIVER = """
import json, sqlite3, sys, time
from pathlib import Path
from space_serve import storage

config = json.loads(sys.argv[1])
keeping = storage.keeper(config["space"], {})
print("started", flush=True)
sys.stdin.readline()
db = sqlite3.connect(config["live"])
with db:
    db.execute("CREATE TABLE IF NOT EXISTS notes (text TEXT)")
    db.execute("INSERT INTO notes VALUES (?)", (config["row"],))
db.close()
deadline = time.monotonic() + config["wait"]
while not (kept := sorted(Path(config["folder"]).glob(keeping.writer + "-*"))) and time.monotonic() < deadline:
    time.sleep(0.05)
print(json.dumps({"snapshot": str(kept[-1]) if kept else None}), flush=True)
keeping.stop()
"""
NODE_DRIVER = """
import fs from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

const config = JSON.parse(process.argv[1]);
const { keeper } = await import(config.module);
const keeping = keeper(config.space, {});
process.stdout.write("started\\n");
const byte = Buffer.alloc(1);
while (fs.readSync(0, byte) === 1 && byte[0] !== 10);
const db = new DatabaseSync(config.live);
db.exec("CREATE TABLE IF NOT EXISTS notes (text TEXT)");
db.prepare("INSERT INTO notes VALUES (?)").run(config.row);
db.close();
const deadline = Date.now() + config.wait * 1000;
let kept = [];
while (kept.length === 0 && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  kept = fs.readdirSync(config.folder).filter((name) => name.startsWith(`${keeping.writer}-`)).sort();
}
process.stdout.write(JSON.stringify({ snapshot: kept.length ? path.join(config.folder, kept.at(-1)) : null }) + "\\n");
await keeping.stop();
"""
# The bucket mounted (a bind mount of its own folder, seen by this process only), and root's rights over files
# dropped: a file without read permission is then unreadable, as it is to a container's user.
MOUNTED = 'mount --bind "$0" "$0" && exec setpriv --bounding-set=-dac_override,-dac_read_search "$@"'


@pytest.fixture(scope="session")
def runtimes(render_session, node24) -> dict[str, Callable[[dict], tuple[list[str], dict[str, str]]]]:
    """For each runtime, the command and environment that run its driver on one configuration."""
    python_project = render_session(runtime="python")
    node_project = render_session(runtime="node")
    return {
        "python": lambda config: ([sys.executable, "-c", PYTHON_DRIVER, json.dumps(config)],
                                  {**os.environ, "PYTHONPATH": str(python_project)}),
        "node": lambda config: (
            [str(node24 / "node"), "--disable-warning=ExperimentalWarning", "--input-type=module", "-e", NODE_DRIVER,
             json.dumps({**config, "module": (node_project / "space_serve" / "storage.mjs").as_uri()})],
            dict(os.environ)),
    }


@dataclass(frozen=True)
class Run:
    code: int
    said: list[str]  # stderr's lines
    snapshot: Path | None  # the one the snapshot loop wrote after the app's write


def run_storage(command: tuple[list[str], dict[str, str]], bucket: Bucket, hostile: Hostile) -> Run:
    argv, env = command
    user_ns = [] if os.geteuid() == 0 else ["--map-root-user"]
    process = subprocess.Popen(["unshare", *user_ns, "--mount", "--propagation", "private", "sh", "-c", MOUNTED,
                                str(bucket.mount), *argv], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        started = ready and process.stdout.readline() == "started\n"
        if started and hostile.during:
            hostile.during()
        stdout, stderr = process.communicate("go\n" if started else "", timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        pytest.fail(f"the storage code hung:\n{stderr}")
    reported = json.loads(stdout.splitlines()[0]) if stdout.strip() else {}
    snapshot = reported.get("snapshot")
    return Run(process.returncode, stderr.splitlines(), Path(snapshot) if snapshot else None)


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_what_the_template_never_wrote_in_the_bucket_is_named_once_never_restored_and_never_stops_snapshots(
        runtime, hostile, runtimes, tmp_path):
    bucket, made = hostile
    live = tmp_path / "data" / "notes.db"
    space = {"storage": "bucket", "storage_mount": str(bucket.mount), "sqlite_files": [str(live)],
             "snapshot_interval": INTERVAL}
    config = {"space": space, "live": str(live), "folder": str(bucket.folder), "row": WRITTEN, "wait": 10}
    elsewhere = sorted(bucket.elsewhere.rglob("*"))

    run = run_storage(runtimes[runtime](config), bucket, made)

    said = "\n".join(run.said)
    assert all(line.startswith("space: ") for line in run.said), f"one line each, never a traceback:\n{said}"
    assert not live.exists() or "secret" not in rows(live), "a file from elsewhere never becomes the live database"
    assert sorted(bucket.elsewhere.rglob("*")) == elsewhere and rows(bucket.secret) == {"secret"}, "nor is written"
    if made.refused:
        assert run.code == 78 and run.said[-1].startswith(made.said), "the start stops, its last word naming the fix"
    else:
        assert run.code == 0, said
        assert f"space: storage: restored notes.db from {GOOD} (" in said
        assert rows(live) == {"kept", WRITTEN}
        assert run.snapshot is not None and rows(run.snapshot) == {"kept", WRITTEN}, "the snapshots go on"
    mentions = [line for line in run.said if made.path.name in line]
    assert len(mentions) == 1 and mentions[0].startswith(made.said), f"named once: {made.said}\n{said}"
