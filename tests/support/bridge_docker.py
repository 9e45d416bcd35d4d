"""A stand-in for the `docker` client of a machine whose Docker has a bridge network (Docker Desktop, a default
Docker Engine), which these machines lack: it records each command's arguments and plays the published port
with a small HTTP server on 127.0.0.1, so `space_tools run` is exercised end to end with its default arguments."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

STATE = Path(os.environ["BRIDGE_DOCKER_STATE"])  # the recorded calls and the pretend container's process
# The pretend container: answers 200 on every path, as a healthy Space does on its health path.
ANSWERS_200 = """
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Ok(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
HTTPServer((sys.argv[1], int(sys.argv[2])), Ok).serve_forever()
"""


def _pid() -> int | None:
    try:
        pid = int((STATE / "pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def main(args: list[str]) -> int:
    with (STATE / "calls.jsonl").open("a") as calls:
        calls.write(json.dumps(args) + "\n")
    command = args[0]
    if command == "build":
        # BuildKit's plain progress: a step is named again when its output resumes after another's.
        for line in ("#1 [internal] load build definition from Dockerfile", "#5 [builder 1/3] FROM python:3.13-slim",
                     "#7 [builder 2/3] RUN uv sync --locked", "#8 [stage-2 1/2] WORKDIR /app", "#7 CACHED",
                     "#7 [builder 2/3] RUN uv sync --locked", "#9 [stage-2 2/2] COPY --from=builder /app /app"):
            print(line, flush=True)
        return 0
    if command == "run":
        if "--publish" not in args:  # a container on another's network (the sign-in provider): its ports are played
            print("e" * 64)
            return 0
        published = [args[i + 1] for i, arg in enumerate(args) if arg == "--publish"]  # 127.0.0.1:<port>:<inside>
        pids = []
        for address, port, _ in (item.rsplit(":", 2) for item in published):
            pids.append(subprocess.Popen([sys.executable, "-c", ANSWERS_200, address, port], stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True).pid)
        (STATE / "pid").write_text(str(pids[0]))
        (STATE / "more-pids").write_text(" ".join(map(str, pids[1:])))
        print("f" * 64)
        return 0
    if command == "image":  # image inspect: as if the sign-in provider's image were built
        return 0
    if command == "inspect":
        print("true 0" if _pid() else "false 0")
        return 0 if (STATE / "pid").exists() else 1
    if command == "stop":  # SIGTERM; docker stop fails for a container that isn't there
        if (pid := _pid()) is None:
            print(f"Error response from daemon: No such container: {args[-1]}", file=sys.stderr)
            return 1
        os.kill(pid, signal.SIGTERM)
        (STATE / "pid").unlink(missing_ok=True)
        print(args[-1])
        return 0
    if command == "rm" and args[-1].endswith("-sign-in"):
        return 0  # the sign-in provider's container: nothing of it runs here (its port is the app's to play)
    if command == "rm":
        for more in (STATE / "more-pids").read_text().split() if (STATE / "more-pids").exists() else []:
            try:
                os.kill(int(more), signal.SIGTERM)
            except OSError:
                pass
        if (pid := _pid()) is not None:
            os.kill(pid, signal.SIGTERM)
            print(args[-1])  # as docker does for each container it removed
        (STATE / "pid").unlink(missing_ok=True)
        return 0
    if command == "ps" and (STATE / "ps").exists():
        print((STATE / "ps").read_text(), end="")  # the containers the test says are running
    return 0  # logs: nothing to show


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
