"""A backend installs from its own lock, exactly, with its own tool: a uv workspace member gets its pins from the
workspace's uv.lock (exported by sync with uv into pylock.toml, the workspace itself never shipping; a member
that needs another member's code, outside the backend, is refused before anything is written), and
poetry.lock, pdm.lock, pnpm, Yarn (1) and bun locks by their own tool."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import space_tools
from tests.support.shapes import detected, make_space, running, sign_up, write_backend

WORKSPACE = {
    "pyproject.toml": '[project]\nname = "monorepo"\nversion = "0"\nrequires-python = ">=3.11"\n'
                      '[tool.uv.workspace]\nmembers = ["services/*"]\n',
    "services/api/pyproject.toml": '[project]\nname = "api"\nversion = "1"\nrequires-python = ">=3.11"\n'
                                   'dependencies = ["fastapi", "uvicorn==0.30.6"]\n',
    "services/api/api.py": "from fastapi import FastAPI\nimport uvicorn\n\napp = FastAPI()\n\n\n"
                           "@app.get('/version')\ndef version():\n    return uvicorn.__version__\n",
}


def _workspace(folder: Path, files: dict[str, str] = WORKSPACE) -> Path:
    root = write_backend(folder, files)
    subprocess.run([sys.executable, "-m", "uv", "lock", "--quiet"], cwd=root, check=True, timeout=120)
    return root


def test_a_uv_workspace_member_is_named_with_its_workspace(render, tmp_path):
    root = write_backend(tmp_path / "repo", {
        "pyproject.toml": '[tool.uv.workspace]\nmembers = ["services/*"]\n', "uv.lock": "version = 1\n",
        "services/api/pyproject.toml": '[project]\nname = "api"\nversion = "1"\n',
        "services/api/api.py": "from fastapi import FastAPI\napp = FastAPI()\n",
    })
    project = render(runtime="python", backend_path=str(root / "services" / "api"))

    shown = detected(project)

    assert f"dependencies: uv workspace member: its pins in {root / 'uv.lock'}, exported by sync to pylock.toml" in shown


def test_a_uv_workspace_member_gets_exactly_the_workspace_pins(render, tmp_path):
    root = _workspace(tmp_path / "repo")
    project = render(runtime="python", backend_path=str(root / "services" / "api"), asgi_app="api:app")

    synced = space_tools(project, "sync").stdout

    assert f"pins from the uv workspace's {root / 'uv.lock'}, exported with uv to ./backend/pylock.toml" in synced
    pins = (project / "backend" / "pylock.toml").read_text()
    assert 'name = "uvicorn"\nversion = "0.30.6"' in pins and 'name = "api"' not in pins
    assert not (project / "backend" / "uv.lock").exists(), "the workspace's own files stay home"
    space_tools(project, "sync")  # the exported file is sync's own: a second sync accepts it


def test_a_workspace_member_that_needs_another_member_is_refused(render, tmp_path):
    root = _workspace(tmp_path / "repo", {
        **WORKSPACE,
        "pyproject.toml": WORKSPACE["pyproject.toml"].replace('["services/*"]', '["services/*", "libs/*"]'),
        "services/api/pyproject.toml": '[project]\nname = "api"\nversion = "1"\nrequires-python = ">=3.11"\n'
                                       'dependencies = ["uvicorn", "shared"]\n[tool.uv.sources]\n'
                                       'shared = { workspace = true }\n',
        "libs/shared/pyproject.toml": '[project]\nname = "shared"\nversion = "1"\nrequires-python = ">=3.11"\n'
                                      '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n',
        "libs/shared/src/shared/__init__.py": "",
    })
    project = render(runtime="python", backend_path=str(root / "services" / "api"), asgi_app="api:app")

    result = space_tools(project, "sync", check=False)

    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert (f"api depends on shared, other members of the uv workspace at {root}, whose code lies outside the "
            "backend and so can't ship") in result.stderr
    assert not (project / "backend").exists()



@pytest.mark.docker
def test_a_workspace_member_builds_and_serves_with_the_locked_versions(render, cli, tmp_path):
    root = _workspace(tmp_path / "repo")
    space = make_space(render, "python", root / "services" / "api", "uv-workspace-member")
    with running(cli, space) as url:
        assert docker.http_get(f"{url}/version") == (200, b'"0.30.6"')


# With an optional extra its app imports as it loads: detect answers extras, and each tool installs it.
PYTHON_PROJECT = '[project]\nname = "api"\nversion = "1"\nrequires-python = ">=3.11"\n' \
                 'dependencies = ["fastapi", "uvicorn==0.30.6"]\n' \
                 '[project.optional-dependencies]\nhuman = ["humanize==4.12.3"]\n' \
                 '[tool.poetry]\npackage-mode = false\n[tool.pdm]\ndistribution = false\n'
PYTHON_APP = WORKSPACE["services/api/api.py"].replace("import uvicorn\n", "import humanize\nimport uvicorn\n") + \
    "\n\n@app.get('/human')\ndef human():\n    return humanize.naturalsize(2048)\n"
# How each tool installs the lock in the image, as check says it.
PYTHON_LOCKERS = {"uv": "uv sync --locked", "poetry": "poetry install --only main", "pdm": "pdm sync --prod"}
# PDM locks the default group alone unless told (uv and Poetry lock every extra).
LOCK_EXTRAS = {"pdm": ["-G", ":all"]}


def _pinned_tool(project: Path, tool: str) -> str:
    """The version of a tool the rendered Dockerfile pins (ARG <TOOL>_VERSION=...)."""
    return re.search(rf"{tool.upper()}_VERSION=(\S+)", (project / "Dockerfile").read_text())[1]


@pytest.mark.docker
@pytest.mark.parametrize("tool", PYTHON_LOCKERS)
def test_uv_poetry_and_pdm_locks_install_exactly_with_the_extras_the_app_loads(render, cli, tmp_path, tool):
    backend = write_backend(tmp_path / "backend", {"pyproject.toml": PYTHON_PROJECT, "api.py": PYTHON_APP})
    space = make_space(render, "python", backend, f"{tool}-lock")
    pinned = ["--with", f"hishel=={_pinned_tool(space.project, 'pdm_hishel')}"] if tool == "pdm" else []
    subprocess.run([sys.executable, "-m", "uv", "tool", "run", "--quiet", "--from",
                    f"{tool}=={_pinned_tool(space.project, tool)}", *pinned, tool, "lock",
                    *LOCK_EXTRAS.get(tool, [])],
                   cwd=backend, check=True, capture_output=True, timeout=300)
    with running(cli, space) as url:
        assert f"dependencies: {tool}.lock ({PYTHON_LOCKERS[tool]})" in space_tools(space.project, "check").stdout
        assert space.settings["extras"] == ["human"]
        assert docker.http_get(f"{url}/version") == (200, b'"0.30.6"')
        assert docker.http_get(f"{url}/human") == (200, b'"2.0 kB"')


# A Poetry project as `poetry new --src` writes it, without a [project] table and without a committed lock: its
# dependencies are known only by building its metadata with poetry-core. Shaped like reworkd/AgentGPT's platform:
# no module-level app, a factory its `python -m api` serves with uvicorn's factory mode, and the app's version read
# from its own project's installed metadata; its package in src/, importing itself by its own name.
POETRY_TABLE_ONLY = """\
[tool.poetry]
name = "api"
version = "0.1.0"
description = ""
authors = ["Ada <ada@example.com>"]
packages = [{ include = "api", from = "src" }]

[tool.poetry.dependencies]
python = "^3.11"
fastapi = "^0.115"
uvicorn = "^0.30"

[build-system]
requires = ["poetry-core>=1.0.0"]
build-backend = "poetry.core.masonry.api"
"""
FACTORY = """\
from importlib import metadata

from fastapi import FastAPI

from api.web.routes import router


def get_app() -> FastAPI:
    app = FastAPI(title="api", version=metadata.version("api"))
    app.include_router(router)

    @app.get("/version")
    def version():
        return app.version

    return app
"""
ROUTES = """\
from fastapi import APIRouter

router = APIRouter()


@router.get("/ping")
def ping():
    return "pong"
"""
RUN_FACTORY = """\
import uvicorn


def main() -> None:
    uvicorn.run(
        "api.web.application:get_app",
        host="0.0.0.0",
        port=8000,
        factory=True,
    )


if __name__ == "__main__":
    main()
"""


@pytest.mark.docker
def test_a_poetry_src_layout_without_a_lock_serving_its_factory_with_its_own_version_builds(render, cli, tmp_path):
    backend = write_backend(tmp_path / "backend", {
        "pyproject.toml": POETRY_TABLE_ONLY, "src/api/__init__.py": "", "src/api/__main__.py": RUN_FACTORY,
        "src/api/web/__init__.py": "", "src/api/web/application.py": FACTORY, "src/api/web/routes.py": ROUTES})
    space = make_space(render, "python", backend, "poetry-table-only")
    with running(cli, space) as url:
        assert (space.settings["asgi_app"], space.settings["app_dir"]) == ("api.web.application:get_app()", "src")
        assert docker.http_get(f"{url}/ping") == (200, b'"pong"')
        assert docker.http_get(f"{url}/version") == (200, b'"0.1.0"')


# Each package manager as its users run it to write the lock (npm package, the Dockerfile's version ARG, arguments),
# and the install command check names for that lock.
LOCK_WRITERS = {
    "pnpm": ("pnpm", "pnpm", ["install", "--lockfile-only", "--ignore-scripts"], "pnpm install --frozen-lockfile"),
    "yarn": ("yarn", "yarn1", ["install", "--ignore-scripts", "--ignore-engines", "--non-interactive"],
             "yarn install --frozen-lockfile"),
    "yarn-berry": ("@yarnpkg/cli-dist", "yarn4", ["install", "--mode=update-lockfile"], "yarn install --immutable"),
    "bun": ("bun", "bun", ["install", "--lockfile-only"], "bun install --frozen-lockfile"),
}


def _node_backend(folder: Path) -> Path:
    from tests.test_code_imports import AUTH_CONFIG, SERVER

    # core-js has a postinstall script nobody approved, which pnpm 11 and later fail on unless told to skip it.
    return write_backend(folder, {"package.json": json.dumps({"name": "auth", "type": "module",
                                                        "dependencies": {"better-auth": "1.7.25", "core-js": "3.38.1"}}),
                           "auth.ts": AUTH_CONFIG.replace('from "./lib/origins"', 'from "./origins"'),
                           "origins.ts": "export const trustedOrigins: string[] = [];\n", "server.ts": SERVER})


@pytest.mark.docker
@pytest.mark.parametrize("manager", LOCK_WRITERS)
def test_pnpm_yarn_and_bun_locks_are_installed_by_their_own_tool(render, cli, tmp_path, manager):
    package, version_arg, arguments, installs = LOCK_WRITERS[manager]
    backend = _node_backend(tmp_path / "backend")
    space = make_space(render, "node", backend, f"{manager}-lock")
    subprocess.run(["npx", "--yes", f"{package}@{_pinned_tool(space.project, version_arg)}", *arguments],
                   cwd=backend, check=True, capture_output=True, timeout=300)
    shutil.rmtree(backend / "node_modules", ignore_errors=True)
    with running(cli, space) as url:
        checked = space_tools(space.project, "check").stdout
        assert f"dependencies: {next(backend.glob('*lock*')).name} ({installs})" in checked
        assert "better-auth 1.7.25 (supported: 1.2 to 1.7)" in checked
        assert sign_up(url)["user"]["email"] == "ada@example.com"


def test_a_pnpm_lock_behind_package_json_is_refused_before_the_build(render, tmp_path):
    # As AreaInc's backend was committed: a dependency added to package.json, the pnpm-lock.yaml of before.
    backend = _node_backend(tmp_path / "backend")
    space = make_space(render, "node", backend, "pnpm-behind")
    package, version_arg, arguments, _ = LOCK_WRITERS["pnpm"]
    subprocess.run(["npx", "--yes", f"{package}@{_pinned_tool(space.project, version_arg)}", *arguments],
                   cwd=backend, check=True, capture_output=True, timeout=300)
    space_tools(space.project, "detect", "--write")
    assert space_tools(space.project, "check").returncode == 0
    manifest = json.loads((backend / "package.json").read_text())
    manifest["dependencies"]["left-pad"] = "^1.3.0"
    (backend / "package.json").write_text(json.dumps(manifest))

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        "pnpm-lock.yaml is out of date with package.json (dependencies differ: left-pad), so `pnpm install "
        "--frozen-lockfile` would refuse it: run `pnpm install` in the backend and commit the lock file."), refused.stderr


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_dockerfile_installs_the_locks_in_the_order_check_and_sync_name_them(render, runtime):
    from space_tools import dependency_files

    dockerfile = (render(runtime=runtime) / "Dockerfile").read_text()
    tested = list(dict.fromkeys(re.findall(r"\[ -f ([\w.-]+) \]", dockerfile)))  # each lock the build looks for
    copied = re.search(r"^COPY backend/(package\.json|requirements\.txt\*) .*\./$", dockerfile, re.M)[0]

    if runtime == "python":
        assert tested == [*dependency_files.PYTHON_LOCKS, "requirements.txt"]
    else:
        assert tested == list(dependency_files.NODE_LOCKS)
    assert all(f"backend/{name}*" in copied for name in dependency_files.all_files(runtime) if name != "package.json")
