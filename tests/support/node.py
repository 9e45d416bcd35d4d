"""Node.js 24 on the host, and Better Auth's own client run with it against the Node Space's containers."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
INSTALL_SCRIPT = REPO / "tools" / "node" / "install-node.sh"
CLIENT_SOURCE = REPO / "tests" / "auth_client"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hf-space-templates"


def install_node() -> Path:
    """The bin folder of Node.js 24 (node, npm, npx), installed by tools/node/install-node.sh if needed."""
    result = subprocess.run([str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{INSTALL_SCRIPT} failed:\n{result.stdout}\n{result.stderr}"
    bin_dir = Path(result.stdout.strip().splitlines()[-1])
    assert (bin_dir / "node").is_file(), f"{INSTALL_SCRIPT} printed {bin_dir}, which holds no node"
    return bin_dir


def node_env(bin_dir: Path, **extra: str) -> dict[str, str]:
    """This environment with Node.js 24 first on PATH (npm's scripts then find it too)."""
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", **extra}


def npm_ci(folder: Path, bin_dir: Path, *flags: str) -> None:
    result = subprocess.run(
        [str(bin_dir / "npm"), "ci", "--no-audit", "--no-fund", *flags],
        cwd=folder, env=node_env(bin_dir), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"npm ci in {folder} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


@dataclass(frozen=True)
class AuthClient:
    """tests/auth_client/flow.mjs with its dependencies installed, run by Node.js 24 on the host."""

    folder: Path
    bin_dir: Path

    def run(self, scenario: str, **args: Any) -> dict[str, Any]:
        host = urllib.parse.urlsplit(args["baseURL"]).hostname
        assert host == "127.0.0.1", f"tests only talk to 127.0.0.1, not {host!r}"
        result = subprocess.run(
            [str(self.bin_dir / "node"), "flow.mjs", scenario, json.dumps(args)],
            cwd=self.folder, env=node_env(self.bin_dir, NO_PROXY="*"), capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, f"flow.mjs {scenario} failed:\n{result.stdout}\n{result.stderr}"
        report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
        return report


def prepare_auth_client(bin_dir: Path) -> AuthClient:
    """Install the client's locked dependencies once per lock file, in the cache (never in the repository)."""
    manifests = [CLIENT_SOURCE / "package.json", CLIENT_SOURCE / "package-lock.json"]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in manifests)).hexdigest()[:12]
    folder = CACHE / f"auth-client-{digest}"
    if not (folder / "node_modules" / "better-auth").is_dir():
        staging = folder.with_name(f"{folder.name}.{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for path in manifests:
            shutil.copy2(path, staging / path.name)
        npm_ci(staging, bin_dir)
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    shutil.copy2(CLIENT_SOURCE / "flow.mjs", folder / "flow.mjs")  # the script itself always as in the repo
    return AuthClient(folder=folder, bin_dir=bin_dir)
