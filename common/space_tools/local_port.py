# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Whether a port on 127.0.0.1 is free for the local run, and what holds it when it isn't: a run on a taken port
would otherwise report the other program's answers as the Space's."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import subprocess
from pathlib import Path

from . import docker_client
from .errors import SpaceError


def in_use(port: int) -> bool:
    """Something answers there, or the address can't be bound (a listener on all addresses)."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return True
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections closing on it don't count
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def holder(port: int) -> str:
    """Who holds it, as precisely as this machine tells: a container, a process, else 'another program'."""
    return _container(port) or _process_linux(port) or _process_lsof(port) or "another program"


def _container(port: int) -> str:
    try:
        result = docker_client.run(["ps", "--format", "{{.Names}}\t{{.Ports}}"], capture_output=True, text=True,
                                   timeout=10)
    except (OSError, subprocess.TimeoutExpired, SpaceError):
        return ""
    for line in result.stdout.splitlines():
        name, _, ports = line.partition("\t")
        if any(f"{address}:{port}->" in ports for address in ("127.0.0.1", "0.0.0.0", "[::]", ":::")):
            return f"the container {name} (stop it with: docker rm -f {name})"
    return ""


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])  # state 0A: LISTEN
    return inodes


def _process_linux(port: int) -> str:
    inodes = _listening_inodes(port)
    if not inodes:
        return ""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:
            continue  # another user's process, or gone
        if {f"socket:[{inode}]" for inode in inodes} & links:
            name = Path(f"/proc/{pid}/comm").read_text().strip() if Path(f"/proc/{pid}/comm").exists() else "?"
            return f"process {pid} ({name})"
    return "a process of another user (or a container with host networking)"


def _process_lsof(port: int) -> str:
    lsof = shutil.which("lsof")  # macOS, and Linux where /proc doesn't show it
    if lsof is None:
        return ""
    result = subprocess.run([lsof, "-nP", f"-iTCP:{port}", "-sTCP:LISTEN", "-Fpc"], capture_output=True, text=True)
    fields = {line[0]: line[1:] for line in result.stdout.splitlines() if line}
    return f"process {fields['p']} ({fields.get('c', '?')})" if "p" in fields else ""
