"""The Node pair: the Better Auth server of examples/backend, as our Space and as plain npm install + npm start."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

from bench import edits
from bench.load import Request
from bench.subjects import (
    BENCH_SECRET,
    Pair,
    Subject,
    baseline_context,
    copy_backend,
    docker_build,
    post_json,
    render,
    space_tools_build,
    versions_in,
)
from harness import docker
from harness.images import NODE_IMAGE

LOCKED = ("better-auth", "kysely")  # from the lock both images install from


def _versions(lock: Path) -> Callable[[str], dict[str, str]]:
    packages = json.loads(lock.read_text()).get("packages", {})
    locked = {name: packages[f"node_modules/{name}"]["version"] for name in LOCKED if f"node_modules/{name}" in packages}

    def versions(image: str) -> dict[str, str]:
        return {**versions_in(image, "node", "-p", "JSON.stringify({node: process.versions.node})"), **locked}

    return versions


USER = {"email": "bench@example.com", "password": "benchmark-password-0123", "name": "Bench"}


def prepare(root: Path) -> Pair:
    backend = copy_backend(root / "backend")
    space = root / "space"
    answers = render("node", backend, space)
    dependency = edits.node_dependency(backend, root / "dependency", NODE_IMAGE)
    context = baseline_context("node", space, root / "baseline")

    def env(port: int) -> dict[str, str]:
        origin = f"http://127.0.0.1:{port}"
        return {"PORT": str(port), "BETTER_AUTH_SECRET": BENCH_SECRET, "BETTER_AUTH_URL": origin,
                "TRUSTED_ORIGINS": origin}  # fmt: skip

    versions = _versions(backend / "package-lock.json")
    ours = Subject(
        "node", "ours", backend, answers["health_path"], NODE_IMAGE, space_tools_build(space), env=env,
        versions=versions,
    )  # fmt: skip
    baseline = Subject(
        "node", "baseline", context, answers["health_path"], NODE_IMAGE, docker_build(context),
        env=lambda port: {**env(port), "DATABASE_PATH": "/data/auth.db"},
        volumes=_migrated_database(root / "baseline-data"), versions=versions,
    )  # fmt: skip

    def seed(base_url: str) -> None:
        status = post_json(f"{base_url}/api/auth/sign-up/email", USER, {"origin": base_url})
        if status != 200:
            raise RuntimeError(f"seeding the user: POST /api/auth/sign-up/email answered {status}, not 200")

    sign_in = json.dumps({"email": USER["email"], "password": USER["password"]})
    # Origin: Better Auth refuses a POST from an origin it doesn't trust; each container has its own port.
    route = Request("/api/auth/sign-in/email", method="POST", body=sign_in, origin_header=True, rotate_ips=True)
    notes = [
        (f"Health path: `{ours.health_path}`, Better Auth's own route: in ours the image's wrapper answers it as Better "
        "Auth does, before the request reaches Better Auth; the baseline's goes through Better Auth. Its load "
        "rotates `X-Forwarded-For` like the sign-in's (next note)."),
        ("Real route: `POST /api/auth/sign-in/email` for one user (scrypt password check, a session row in SQLite), "
        "`Origin` from the trusted set. Ours runs with NODE_ENV=production, where Better Auth allows 3 sign-ins "
        "per 10 s per client IP and the template offers no variable to raise that; so requests carry an "
        "`X-Forwarded-For` cycling through 4,096 addresses (198.18.0.0/15, RFC 2544's benchmark range; a header "
        "value only, the traffic goes to 127.0.0.1), which keeps every address under the limit. The baseline (no "
        "NODE_ENV, no limiter) gets the same requests. Ours runs at most 4 sign-ins at once (one per thread of "
        "libuv's pool, where scrypt runs) and queues the rest in the wrapper."),
        ("Database: SQLite for both. Ours creates the schema itself at start (migrate_on_start, inside the measured "
        "start time); the baseline's comes from the example's own `npm run migrate`, run once, and each baseline "
        "container gets a fresh copy of that file (until the tables exist Better Auth answers 500 to everything, "
        "health included)."),
        f"Dependency added: `{dependency.package}` (package.json + package-lock.json).",
    ]  # fmt: skip
    return Pair(
        "node", ours, baseline, code_file=answers["entry_file"], comment="//", dependency=dependency,
        route=route, seed=seed, health_rotates_ips=True, notes=notes,
        variable="NODE_ENV", values=("production", "development"),
        variable_title="ours as shipped (NODE_ENV=production) and with NODE_ENV=development, where Better Auth's "
        "rate limiter is off, as in the baseline (no NODE_ENV)",
    )  # fmt: skip


def _migrated_database(folder: Path) -> Callable[[str], dict[str, str]]:
    """Fresh copies of a SQLite file migrated once per image with the example's `npm run migrate`."""
    migrated: dict[str, Path] = {}

    def volumes(image: str) -> dict[str, str]:
        if image not in migrated:
            template = folder / f"template-{len(migrated)}"
            _owned_by_uid_1000(template)
            # PORT=0: loading the config starts the server too, and it must not take a port someone uses.
            docker.docker(
                "run", "--rm", "--network", "host", "--volume", f"{template}:/data", "--env", "PORT=0",
                "--env", "DATABASE_PATH=/data/auth.db", "--env", f"BETTER_AUTH_SECRET={BENCH_SECRET}",
                image, "npm", "run", "migrate", timeout=300,
            )  # fmt: skip
            migrated[image] = template
        fresh = folder / uuid.uuid4().hex[:8]
        _owned_by_uid_1000(fresh)
        shutil.copy2(migrated[image] / "auth.db", fresh / "auth.db")
        os.chown(fresh / "auth.db", 1000, 1000)
        return {str(fresh): "/data"}

    return volumes


def _owned_by_uid_1000(folder: Path) -> None:
    folder.mkdir(parents=True)
    os.chown(folder, 1000, 1000)  # the containers run as uid 1000, as on Spaces
