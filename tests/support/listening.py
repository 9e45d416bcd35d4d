"""Where TCP sockets listen, read from /proc/net/tcp and tcp6 (no traffic sent to find out)."""

from __future__ import annotations

from pathlib import Path

_NAMED = {"0100007F": "127.0.0.1", "00000000": "0.0.0.0", "00000000000000000000000001000000": "::1",
          "00000000000000000000000000000000": "::"}
_LISTEN = "0A"


def addresses(proc_net: str, port: int) -> set[str]:
    """The local addresses listening on `port` in the text of /proc/net/tcp and tcp6 (other addresses in hex)."""
    found = set()
    for line in proc_net.splitlines():
        fields = line.split()
        if len(fields) < 4 or ":" not in fields[1] or fields[3] != _LISTEN:
            continue
        address, hex_port = fields[1].rsplit(":", 1)
        if int(hex_port, 16) == port:
            found.add(_NAMED.get(address, address))
    return found


def on_this_machine(port: int) -> set[str]:
    """Where something listens on `port` in this machine's own network (a container on the host network too)."""
    return addresses(Path("/proc/net/tcp").read_text() + Path("/proc/net/tcp6").read_text(), port)


def in_a_container_of_its_own(image: str, env: dict[str, str], port: int) -> tuple[set[str], str]:
    """Where the image's server listens on `port` when it runs as on Spaces, with a network of its own (none
    reaches it here), and its logs: it is started, waited for through its own health check, read, and removed."""
    import time
    import uuid

    from harness import docker

    name = f"test-{uuid.uuid4().hex[:12]}"
    values = [arg for key, value in {"PORT": str(port), **env}.items() for arg in ("--env", f"{key}={value}")]
    docker.docker("run", "--detach", "--network", "none", "--name", name, *values, image)
    try:
        health = docker.inspect_image(image)["Config"]["Healthcheck"]["Test"][1:]
        deadline = time.monotonic() + 60
        while docker.docker("exec", name, *health, check=False).returncode != 0:
            assert time.monotonic() < deadline, docker.docker("logs", name, check=False).stdout
            time.sleep(0.3)
        tables = docker.docker("exec", name, "cat", "/proc/net/tcp", "/proc/net/tcp6").stdout
        logs = docker.docker("logs", name)
        return addresses(tables, port), logs.stdout + logs.stderr
    finally:
        docker.docker("rm", "--force", name, check=False)
