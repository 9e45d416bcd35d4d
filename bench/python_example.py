"""The Python pair: the FastAPI notes service of examples/backend, as our Space and as HF's documented Dockerfile."""

from __future__ import annotations

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
from harness.images import PYTHON_IMAGE

SEED_NOTES = 20  # GET /notes returns 20 by default: a full page per request
# What serves in an image; /opt/serving is where ours keeps uvloop and httptools (absent in the baseline).
VERSIONS = """
import json, platform, sys
from importlib import metadata
sys.path.append("/opt/serving")
found = {"python": platform.python_version()}
for name in ("fastapi", "starlette", "pydantic", "uvicorn", "uvloop", "httptools", "h11"):
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
print(json.dumps(found))
"""


def versions(image: str) -> dict[str, str]:
    return versions_in(image, "python", "-c", VERSIONS)


def prepare(root: Path) -> Pair:
    backend = copy_backend(root / "backend")
    space = root / "space"
    answers = render("python", backend, space)
    dependency = edits.python_dependency(backend, root / "dependency")
    context = baseline_context("python", space, root / "baseline")
    (context / "requirements.txt").write_text(dependency.files["requirements.txt"][0])

    ours = Subject(
        "python", "ours", backend, answers["health_path"], PYTHON_IMAGE, space_tools_build(space),
        env=lambda port: {"PORT": str(port), "APP_SECRET_KEY": BENCH_SECRET}, versions=versions,
    )  # fmt: skip
    baseline = Subject(
        "python", "baseline", context, "/docs", PYTHON_IMAGE, docker_build(context),
        env=lambda port: {"APP_SECRET_KEY": BENCH_SECRET},
        # The documented CMD fixes port 7860; the same command on a free port (host networking).
        command=lambda port: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", str(port)],
        versions=versions,
    )  # fmt: skip

    def seed(base_url: str) -> None:
        for number in range(SEED_NOTES):
            status = post_json(f"{base_url}/notes", {"title": f"Note {number}", "body": "benchmark " * 20})
            if status != 201:
                raise RuntimeError(f"seeding notes: POST /notes answered {status}, not 201")

    notes = [
        (f"Health path: ours `{ours.health_path}` (answered by the image's ASGI wrapper before the app); the "
        "baseline app has none, so its cheapest page without the database, `/docs`, stands in."),
        f"Real route: `GET /notes` on {SEED_NOTES} stored notes (SQLite, one connection per request).",
        (f"Dependency added: `{dependency.package}` (pyproject.toml + uv.lock; the baseline's requirements.txt "
        "exported again from the new lock)."),
        "The baseline runs HF's CMD (`uvicorn app.main:app --host 0.0.0.0 --port 7860`) with a free port.",
        ("Ours serves with 2 uvicorn workers (the example's answer `workers: 2`; its notes live in SQLite, not in "
        "the process) and with uvloop and httptools, which the image installs outside the backend's environment; "
        "the backend's lock is the baseline's."),
    ]  # fmt: skip
    return Pair(
        "python", ours, baseline, code_file="app/main.py", comment="#", dependency=dependency,
        route=Request("/notes"), seed=seed, notes=notes,
        variable="WEB_CONCURRENCY", values=("1", "2"), shipped=answers["variables"]["WEB_CONCURRENCY"]["default"],
        variable_title="uvicorn workers on 2 CPUs (ours, `WEB_CONCURRENCY`: the example answers workers=2, the "
        "template's default is 1; wrk runs on the same CPUs)",
    )  # fmt: skip
