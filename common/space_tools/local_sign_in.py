# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Sign in with Hugging Face on this machine (hf_oauth): a real OpenID Connect provider in a container stands in
for huggingface.co, and the app gets the four variables the way Spaces injects them."""

from __future__ import annotations

import hashlib
import secrets
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from . import docker_client, health
from .errors import SpaceError

PROVIDER_DIR = Path(__file__).with_name("sign_in_provider")
READY_WITHIN_S = 20


def wanted(settings) -> bool:
    return bool(settings.settings.get("hf_oauth"))


def container_name(app_container: str) -> str:
    return f"{app_container}-sign-in"


def free_port(besides: int) -> int:
    """A port nothing listens on, other than `besides` (the app's, which is free too until the app starts)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != besides:
            return port


def _image() -> str:
    """Tagged by the provider's files, so an updated template rebuilds it and an unchanged one is reused."""
    digest = hashlib.sha256()
    for path in sorted(PROVIDER_DIR.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"space-local-sign-in:{digest.hexdigest()[:12]}"


@dataclass
class LocalSignIn:
    app_container: str
    app_url: str  # the app's origin in the browser: the only one the provider redirects to
    scopes: str
    expiration_minutes: int
    network: str  # "host", or the app container's network is shared (its published ports reach both)
    port: int
    client_id: str
    client_secret: str
    image: str = ""  # set by build()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def container(self) -> str:
        return container_name(self.app_container)

    def injected(self) -> dict[str, str]:
        """What Spaces sets in a Space with hf_oauth: true, here pointing at the local provider."""
        return {
            "OAUTH_CLIENT_ID": self.client_id,
            "OAUTH_CLIENT_SECRET": self.client_secret,
            "OAUTH_SCOPES": self.scopes,
            "OPENID_PROVIDER_URL": self.url,
        }

    def build(self) -> None:
        self.image = _image()
        if docker_client.run(["image", "inspect", self.image], capture_output=True).returncode == 0:
            return
        print("Building the local sign-in provider's image (once per template version)", flush=True)
        command = ["build", "--quiet", "--tag", self.image, *(["--network", "host"] if self.network == "host" else [])]
        result = docker_client.run([*command, str(PROVIDER_DIR)], capture_output=True, text=True, errors="replace")
        if result.returncode != 0:
            tail = result.stderr.strip().splitlines()[-1:] or ["no output"]
            raise SpaceError(f"the local sign-in provider's image did not build: {tail[0]}")

    def start(self) -> None:
        """Start it beside the running app container, then wait for its discovery document."""
        self.stop()
        network = "host" if self.network == "host" else f"container:{self.app_container}"
        env = {"ISSUER": self.url, "APP_ORIGIN": self.app_url, "SCOPES": self.scopes,
               "EXPIRES_IN_S": str(self.expiration_minutes * 60), "CLIENT_ID": self.client_id,
               "CLIENT_SECRET": self.client_secret}
        command = ["run", "--detach", "--name", self.container, "--network", network]
        for name in env:
            command += ["--env", name]
        result = docker_client.run([*command, self.image], extra_env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SpaceError(f"the local sign-in provider did not start: {result.stderr.strip()}")
        deadline = time.monotonic() + READY_WITHIN_S
        while health.get(self.url + "/.well-known/openid-configuration", timeout=2) != 200:
            if not self._running():
                raise SpaceError(f"the local sign-in provider stopped at start: {self._last_line()} "
                                 f"(restore space_tools/ with `copier update --defaults`, or see "
                                 f"`docker logs {self.container}`).")
            if time.monotonic() > deadline:
                raise SpaceError(f"the local sign-in provider did not answer on {self.url} within "
                                 f"{READY_WITHIN_S} s: see `docker logs {self.container}`.")
            time.sleep(0.2)

    def _running(self) -> bool:
        state = docker_client.run(["inspect", "--format", "{{.State.Running}}", self.container],
                                  capture_output=True, text=True)
        return state.stdout.strip() == "true"

    def _last_line(self) -> str:
        logs = docker_client.run(["logs", "--tail", "20", self.container], capture_output=True, text=True,
                                 errors="replace")
        lines = [line.strip() for line in (logs.stdout + logs.stderr).splitlines() if line.strip()]
        errors = [line for line in lines if "Error" in line]
        return (errors or lines or ["no output"])[-1]

    def stop(self) -> None:
        stop(self.app_container)


def stop(app_container: str) -> None:
    docker_client.run(["rm", "--force", container_name(app_container)], capture_output=True)


def for_space(settings, space) -> LocalSignIn:
    """The provider for this run: a free port, and a client id and secret made for this run only."""
    return LocalSignIn(
        app_container=space.container,
        app_url=space.url,
        scopes=" ".join(settings.settings["hf_oauth_scopes"]),  # space.json has both whenever hf_oauth is on
        expiration_minutes=settings.settings["hf_oauth_expiration_minutes"],
        network=space.network,
        port=free_port(besides=space.port),
        client_id=f"local-{secrets.token_hex(8)}",
        client_secret=secrets.token_urlsafe(32),
    )
