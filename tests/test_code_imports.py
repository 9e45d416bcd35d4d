"""sync ships what the code imports, not only what backend_files lists: Hugging Face's own single-file FastAPI
layout and a Better Auth server whose `auth` lives in a second file become Spaces with no answer but where the
backend is (detect finds the app) and no edit to their code; a Space built from them answers on a real route."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import REPO, copy_node_backend, space_tools
from tests.support.shapes import assert_shows, detected, make_space, running, sign_up

HF_DOCS_EXAMPLE = REPO / "tests" / "fixtures" / "hf-docs-example"
AUTH_CONFIG = """\
import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { trustedOrigins } from "./lib/origins";

export const auth = betterAuth({
  database: new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db"),
  emailAndPassword: { enabled: true },
  trustedOrigins,
});
"""
ORIGINS = 'export const trustedOrigins = (process.env.TRUSTED_ORIGINS ?? "").split(",").filter(Boolean);\n'
SERVER = """\
import { createServer } from "node:http";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./auth.js";
const handle = toNodeHandler(auth);
createServer((req, res) => handle(req, res)).listen(Number(process.env.PORT ?? 3000));
"""


def _hf_single_file_app(tmp_path: Path) -> Path:
    backend = tmp_path / "backend"
    shutil.copytree(HF_DOCS_EXAMPLE, backend, ignore=shutil.ignore_patterns("Dockerfile"))
    (backend / "app.py").write_text((backend / "app.py").read_text().replace(
        "from fastapi import FastAPI", "from fastapi import FastAPI\n\nfrom greetings import GREETING"
    ).replace('{"Hello": "World!"}', '{"Hello": GREETING}'))
    (backend / "greetings.py").write_text('GREETING = "from a second module"\n')
    (backend / "notes.md").write_text("not imported, not listed: stays home\n")
    return backend


def _auth_in_a_second_file(tmp_path: Path) -> Path:
    backend = copy_node_backend(tmp_path / "backend")
    (backend / "auth-server.ts").unlink()
    (backend / "auth.ts").write_text(AUTH_CONFIG)
    (backend / "lib").mkdir()
    (backend / "lib" / "origins.ts").write_text(ORIGINS)
    (backend / "server.ts").write_text(SERVER)
    return backend


def _synced(project: Path) -> set[str]:
    return {p.relative_to(project / "backend").as_posix() for p in (project / "backend").rglob("*") if p.is_file()}


def test_hf_single_file_app_ships_its_module_and_what_it_imports(render, tmp_path):
    project = render(runtime="python", asgi_app="app:app", backend_path=str(_hf_single_file_app(tmp_path)))

    result = space_tools(project, "sync")

    assert _synced(project) == {"app.py", "greetings.py", "requirements.txt", "pylock.toml"}, "pylock.toml: its pins"
    assert "also synced what the code imports: app.py, greetings.py" in result.stdout


def test_auth_config_in_another_file_ships_with_the_server(render, tmp_path):
    project = render(runtime="node", entry_file="server.ts", backend_path=str(_auth_in_a_second_file(tmp_path)))

    space_tools(project, "sync")

    assert _synced(project) == {"server.ts", "auth.ts", "lib/origins.ts", "package.json", "package-lock.json",
                                "tsconfig.json"}


# tsconfig.json's ways to name the backend's own modules: `paths` aliases, as Next.js and Nest projects write
# them; `baseUrl` alone, as groblin's backend does (`src/...` from the backend's folder).
TSCONFIG_IMPORTS = {
    "paths": (('{\n  // aliases, as Next.js and Nest projects write them\n'
               '  "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./*"], "~lib/*": ["lib/*"], }, },\n}\n'),
              "@/auth", "~lib/origins"),
    "base-url": ('{ "compilerOptions": { "baseUrl": ".", "module": "NodeNext" } }\n', "auth.js", "lib/origins.js"),
}


@pytest.mark.parametrize("tsconfig, auth, origins", TSCONFIG_IMPORTS.values(), ids=TSCONFIG_IMPORTS)
def test_imports_through_tsconfig_are_followed(render, tmp_path, tsconfig, auth, origins):
    backend = _auth_in_a_second_file(tmp_path)
    (backend / "tsconfig.json").write_text(tsconfig)
    (backend / "server.ts").write_text(SERVER.replace('from "./auth.js"', f'from "{auth}"'))
    (backend / "auth.ts").write_text(AUTH_CONFIG.replace('from "./lib/origins"', f'from "{origins}"'))
    project = render(runtime="node", entry_file="server.ts", backend_path=str(backend))

    space_tools(project, "sync")

    assert {"server.ts", "auth.ts", "lib/origins.ts"} <= _synced(project)


def test_an_import_that_leaves_the_backend_is_refused_and_never_followed(render, tmp_path):
    backend = _auth_in_a_second_file(tmp_path)
    (tmp_path / "shared.ts").write_text("export const secret = 1;\n")
    (backend / "server.ts").write_text('import "../shared";\n' + SERVER)
    project = render(runtime="node", entry_file="server.ts", backend_path=str(backend))

    refused = space_tools(project, "sync", check=False)

    assert refused.returncode == 2 and refused.stderr.strip() == (
        "error: server.ts imports ../shared (../shared.ts): code outside the backend, which the image can't have; "
        "move it into the backend, or publish it as a package the backend depends on.")
    assert "shared.ts" not in {p.name for p in (project / "backend").rglob("*")}


def test_an_import_of_the_backends_own_build_output_is_refused_naming_the_file(render, tmp_path):
    # As flaviodelgrosso/fastify-forge's api: package.json's `imports` send `#/app.js` to the dist/ its tsc writes.
    backend = _auth_in_a_second_file(tmp_path)
    manifest = json.loads((backend / "package.json").read_text())
    (backend / "package.json").write_text(json.dumps({**manifest, "imports": {"#/*": "./dist/*"}}))
    (backend / "server.ts").write_text(SERVER.replace('from "./auth.js"', 'from "#/auth.js"'))
    project = render(runtime="node", entry_file="server.ts", backend_path=str(backend))

    refused = space_tools(project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip() == (
        "error: server.ts imports #/auth.js (dist/auth.js), a file the backend does not have (not committed?), so the "
        "build can't bundle the server: add it, or remove the import.")


def test_a_module_in_newer_python_syntax_than_the_tools_is_still_found_and_followed(render, tmp_path):
    """Python 3.12 lets an f-string nest the quotes it is written in; an older parser refuses the whole file."""
    backend = _hf_single_file_app(tmp_path)
    app = backend / "app.py"
    app.write_text(app.read_text() + '\n\ndef label(name: str) -> str:\n    return f"{name.removeprefix("x")}"\n')

    project = render(runtime="python", backend_path=str(backend))
    assert_shows(detected(project), "asgi_app app:app (space.json: app.main:app) <- app.py: app = FastAPI(...)")

    project = render(runtime="python", asgi_app="app:app", backend_path=str(backend))
    space_tools(project, "sync")

    assert {"app.py", "greetings.py"} <= _synced(project)


def test_an_imported_module_that_is_a_link_out_of_the_backend_is_refused_by_sync(render, tmp_path):
    backend = _hf_single_file_app(tmp_path)
    (tmp_path / "elsewhere.py").write_text((backend / "greetings.py").read_text())
    (backend / "greetings.py").unlink()
    (backend / "greetings.py").symlink_to(tmp_path / "elsewhere.py")
    project = render(runtime="python", asgi_app="app:app", backend_path=str(backend))

    result = space_tools(project, "sync", check=False)

    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "backend file greetings.py is a link to" in result.stderr and "outside the backend" in result.stderr
    assert not (project / "backend").exists()


@pytest.mark.docker
def test_hf_single_file_app_becomes_a_space_unchanged(render, cli, tmp_path):
    space = make_space(render, "python", _hf_single_file_app(tmp_path), "hf-single-file")
    with running(cli, space) as url:  # detect finds app:app; no answer typed for it
        status, body = docker.http_get(url + "/")
        assert (status, json.loads(body)) == (200, {"Hello": "from a second module"})


@pytest.mark.docker
def test_a_server_with_its_auth_in_another_file_signs_users_up(render, cli, tmp_path):
    space = make_space(render, "node", _auth_in_a_second_file(tmp_path), "auth-in-second-file")
    with running(cli, space) as url:  # detect finds server.ts, the file that listens
        assert sign_up(url)["user"]["email"] == "ada@example.com"
