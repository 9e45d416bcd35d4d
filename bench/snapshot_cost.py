"""`bench/run --snapshots`: what storage=bucket costs, for each example Space rendered with it.

Each Space is filled through its own API (notes for Python, users for Node), then measured in its container:
- snapshot and restore: the container's own start-up and stop lines (`restored ... in N ms`, `last snapshot
  before exit: file (bytes, ms)`), over a stop and start on the same bucket folder, repeated;
- snapshot CPU and the pause it makes a writer wait: a script in the container snapshots the live file as the
  Space does (Python: space_serve.storage itself; Node: the same `backup()` call storage.mjs makes) while
  another connection commits an insert every millisecond; the pause is the longest commit during snapshots.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from pathlib import Path

import yaml

from bench import say
from bench.subjects import BENCH_SECRET, REPO, copy_backend, post_json, render, space_tools_build
from harness import docker

# (notes ~1 KB each: a 6 MB database; users: sign-up hashes each password, the auth database stays small)
FULL = {"notes": 5000, "users": 100, "runs": 5}
QUICK = {"notes": 300, "users": 10, "runs": 1}

PYTHON_PROBE = r"""
import json, os, sqlite3, threading, time
from pathlib import Path
from space_serve import settings, storage
settings.apply_defaults()
live = storage._files(settings.SPACE)[0]
Path("/tmp/bench-bucket").mkdir(exist_ok=True)  # the keeper writes into a bucket's folder, never makes one
keeper = storage.Keeper(Path("/tmp/bench-bucket"), [live], 3600)
database = keeper.databases[0]
commits, during, stop, busy = [], [], threading.Event(), threading.Event()
def writer():
    connection = sqlite3.connect(live, timeout=30)
    while not stop.is_set():
        started = time.perf_counter()
        connection.execute("INSERT INTO notes (title, body, created_at, updated_at) VALUES ('probe', '', '', '')")
        connection.commit()
        (during if busy.is_set() else commits).append(time.perf_counter() - started)
        time.sleep(0.001)
thread = threading.Thread(target=writer, daemon=True); thread.start()  # a failed snapshot ends the probe; time.sleep(0.5)
runs = []
for _ in range(int(os.environ["RUNS"])):
    database.version = None  # as if the file changed
    busy.set(); wall, cpu = time.perf_counter(), time.thread_time()
    keeper._snapshot(database)
    runs.append({"ms": (time.perf_counter() - wall) * 1000, "cpu_ms": (time.thread_time() - cpu) * 1000})
    busy.clear(); time.sleep(0.3)
stop.set(); thread.join()
size = max(p.stat().st_size for p in database.folder.glob("*.sqlite"))
commits.sort()
print(json.dumps({"runs": runs, "bytes": size, "pause_ms": max(during, default=0) * 1000,
                  "commit_ms": commits[len(commits) // 2] * 1000}))
"""

NODE_PROBE = r"""
import { backup, DatabaseSync } from "node:sqlite";
import fs from "node:fs";
const live = process.env.DATABASE_PATH;
const source = new DatabaseSync(live, { readOnly: true });
const writerDb = new DatabaseSync(live, { timeout: 30000 });
writerDb.exec("CREATE TABLE IF NOT EXISTS bench_probe (x)");
const commits = [], during = [];
let busy = false;
const timer = setInterval(() => {
  const started = performance.now();
  writerDb.prepare("INSERT INTO bench_probe VALUES (1)").run();
  (busy ? during : commits).push(performance.now() - started);
}, 1);
await new Promise((resolve) => setTimeout(resolve, 500));
const runs = [];
for (let i = 0; i < Number(process.env.RUNS); i++) {
  busy = true;
  const wall = performance.now(), cpu = process.cpuUsage();
  await backup(source, "/tmp/bench-snapshot.sqlite");
  const used = process.cpuUsage(cpu);
  runs.push({ ms: performance.now() - wall, cpu_ms: (used.user + used.system) / 1000 });
  busy = false;
  await new Promise((resolve) => setTimeout(resolve, 300));
}
clearInterval(timer);
commits.sort((a, b) => a - b);
console.log(JSON.stringify({ runs, bytes: fs.statSync("/tmp/bench-snapshot.sqlite").size,
  pause_ms: Math.max(0, ...during), commit_ms: commits[Math.floor(commits.length / 2)] }));
"""


def _render(runtime: str, backend: Path, dest: Path) -> None:
    if runtime == "node":
        render(runtime, backend, dest, storage="bucket")
        return
    env_vars = yaml.safe_load((REPO / "examples" / "answers" / "python.yml").read_text())["env_vars"]
    env_vars["NOTES_DB_PATH"]["default"] = "/home/user/data/notes.db"  # on local disk, outside the code
    render(runtime, backend, dest, storage="bucket", env_vars=env_vars, sqlite_files=["$NOTES_DB_PATH"])


def _env(runtime: str, port: int) -> dict[str, str]:
    if runtime == "python":
        return {"PORT": str(port), "APP_SECRET_KEY": BENCH_SECRET}
    return {"PORT": str(port), "BETTER_AUTH_SECRET": BENCH_SECRET, "BETTER_AUTH_URL": f"http://127.0.0.1:{port}"}


def _fill(runtime: str, base: str, size: dict) -> int:
    if runtime == "python":
        for number in range(size["notes"]):
            post_json(f"{base}/notes", {"title": f"Note {number}", "body": "benchmark note " * 70})
        return size["notes"]
    for number in range(size["users"]):
        headers = {"origin": base, "x-forwarded-for": f"198.18.{number // 256}.{number % 256}"}
        post_json(f"{base}/api/auth/sign-up/email",
                  {"email": f"bench-{number}@example.test", "password": "bench-password-123", "name": "B"}, headers)
    return size["users"]


def measure(runtime: str, root: Path, leftovers, *, quick: bool = False) -> dict:
    size = QUICK if quick else FULL
    backend = copy_backend(root / "backend")
    space = root / "space"
    _render(runtime, backend, space)
    tag = docker.unique_tag(f"bench-{runtime}-bucket")
    say(f"{runtime}: building the Space with storage=bucket")
    space_tools_build(space)(tag)
    leftovers.image(tag)
    bucket = root / "bucket"
    bucket.mkdir()
    os.chown(bucket, 1000, 1000)  # a mounted bucket is writable by the Space's uid 1000
    health = json.loads((space / "space.json").read_text())["health_path"]

    def start() -> tuple[docker.Container, str]:
        port = docker.free_port()
        container = docker.run(tag, env=_env(runtime, port), volumes={str(bucket): "/data"})
        leftovers.container(container)
        docker.wait_http(f"http://127.0.0.1:{port}{health}", container=container, timeout=60)
        return container, f"http://127.0.0.1:{port}"

    container, base = start()
    say(f"{runtime}: filling the database through the API")
    records = _fill(runtime, base, size)
    restores, stops = [], []
    for run in range(size["runs"]):
        _fill_one(runtime, base, run)  # right before the stop: a periodic snapshot may have caught the fill already
        container.stop()
        stops.append(_number(container.logs(), r"last snapshot before exit: \S+ \((\d+) bytes, (\d+) ms\)"))
        container.remove()
        container, base = start()
        restores.append(_number(container.logs(), r"restored \S+ from \S+ \((\d+) bytes, taken \S+\) in (\d+) ms"))
    say(f"{runtime}: timing snapshots next to a writer in the container")
    probe = ["python", "-c", PYTHON_PROBE] if runtime == "python" else ["node", "--input-type=module", "-e", NODE_PROBE]
    variables = json.loads((space / "space.json").read_text())["variables"]
    env = [f"RUNS={size['runs']}"]
    env += [f"{name}={spec['default']}" for name, spec in variables.items() if spec["default"]]
    out = docker.docker("exec", *(f"--env={item}" for item in env), container.name, *probe).stdout
    container.stop()
    container.remove()
    probed = json.loads(out.strip().splitlines()[-1])
    return {
        "records": records,
        "bytes": stops[-1][0],
        "stop_snapshot_ms": statistics.median(ms for _, ms in stops),
        "restore_ms": statistics.median(ms for _, ms in restores),
        "snapshot_ms": statistics.median(run["ms"] for run in probed["runs"]),
        "snapshot_cpu_ms": statistics.median(run["cpu_ms"] for run in probed["runs"]),
        "writer_pause_ms": probed["pause_ms"],
        "writer_commit_ms": probed["commit_ms"],
    }


def _fill_one(runtime: str, base: str, number: int) -> None:
    """One more write, so the next stop has a change to snapshot."""
    if runtime == "python":
        post_json(f"{base}/notes", {"title": "one more", "body": ""})
    else:
        post_json(f"{base}/api/auth/sign-up/email", {"email": f"more-{number}@example.test",
                  "password": "bench-password-123", "name": "M"}, {"origin": base, "x-forwarded-for": f"198.19.0.{number + 1}"})


def _number(logs: str, pattern: str) -> tuple[int, int]:
    found = re.search(pattern, logs)
    if not found:
        raise RuntimeError(f"no line matching {pattern!r} in the container's logs:\n{logs[-2000:]}")
    return int(found.group(1)), int(found.group(2))


def markdown(results: dict[str, dict]) -> str:
    rows = [
        ("records written through the API", "records", "{:,}"),
        ("database size (bytes)", "bytes", "{:,}"),
        ("snapshot on stop, in the container's log (ms)", "stop_snapshot_ms", "{:.0f}"),
        ("restore at start, in the container's log (ms)", "restore_ms", "{:.0f}"),
        ("snapshot next to a writer (ms)", "snapshot_ms", "{:.1f}"),
        ("snapshot CPU time (ms)", "snapshot_cpu_ms", "{:.1f}"),
        ("writer's longest commit during a snapshot: the pause (ms)", "writer_pause_ms", "{:.1f}"),
        ("writer's median commit otherwise (ms)", "writer_commit_ms", "{:.2f}"),
    ]
    runtimes = list(results)
    lines = ["| figure | " + " | ".join(runtimes) + " |", "|---|" + "---:|" * len(runtimes)]
    for title, key, form in rows:
        lines.append(f"| {title} | " + " | ".join(form.format(results[r][key]) for r in runtimes) + " |")
    return "\n".join(lines)
