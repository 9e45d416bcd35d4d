"""hf_oauth on backends we did not write: a single-file FastAPI app that never heard of it gets the sign-in routes
from the wrapper, and a Better Auth server whose config lives in another file signs in with the lines the
template's docs give. `detect` finds hf_oauth in each; each is rendered, run with `./space run` and signed into
over HTTP."""

from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest

from harness import docker
from tests.conftest import EXAMPLE_BACKEND, REPO
from tests.support import shapes
from tests.support.sign_in_flow import Browser, sign_in_at_provider

pytestmark = pytest.mark.docker

FASTAPI_APP = '''from fastapi import FastAPI, Request
from huggingface_hub import parse_huggingface_oauth

app = FastAPI()


@app.get("/")
def home():
    return {"hello": "world"}


@app.get("/whoami")
def whoami(request: Request):
    info = parse_huggingface_oauth(request)
    return {"username": info.user_info.preferred_username if info else None}
'''


def _provider(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def test_a_fastapi_app_without_sign_in_code_gets_the_routes_from_the_wrapper(render, cli, tmp_path):
    backend = shapes.write_backend(tmp_path / "api", {
        "main.py": FASTAPI_APP,
        "requirements.txt": "fastapi>=0.115\nuvicorn>=0.30\nhuggingface_hub[oauth]>=1.0\n",
    })
    space = shapes.make_space(render, "python", backend, "fastapi-single-file-sign-in")  # detect finds hf_oauth

    with shapes.running(cli, space) as url:
        browser = Browser()
        login = browser.request("GET", url + "/oauth/huggingface/login")
        callback = sign_in_at_provider(browser, login.headers["location"], _provider(login.headers["location"]), url,
                                       username="heidi")
        browser.request("GET", callback)
        whoami = browser.request("GET", url + "/whoami").json()
        log = docker.docker("logs", f"{space.settings['space_name']}-local").stderr

    assert space.settings["hf_oauth"] is True
    assert whoami == {"username": "heidi"}
    assert "Sign in with Hugging Face at /oauth/huggingface/login (routes added by space_serve" in log


def _docs_lines() -> tuple[str, str]:
    """The import and the `plugins` option that docs/node-space.md tells an existing server to add."""
    docs = (REPO / "docs" / "node-space.md").read_text()
    section = docs.split("## Sign in with Hugging Face", 1)[1]
    block = re.search(r"```ts\n(.*?)```", section, re.S).group(1)
    imports, _, plugins = block.partition("\n\n")
    return imports, plugins


def test_a_better_auth_server_with_its_config_in_another_file_signs_in_with_the_docs_lines(render, cli, tmp_path):
    imports, plugins = _docs_lines()
    backend = tmp_path / "auth-service"
    backend.mkdir()
    for name in ("package.json", "package-lock.json", "tsconfig.json"):
        shutil.copy2(EXAMPLE_BACKEND / name, backend / name)
    shapes.write_backend(backend, {
        "lib/auth.ts": f'''import {{ DatabaseSync }} from "node:sqlite";
import {{ betterAuth }} from "better-auth";
{imports}
export const auth = betterAuth({{
  database: new DatabaseSync(process.env.DATABASE_PATH ?? "./auth.db"),
  emailAndPassword: {{ enabled: true }},
{plugins}}});
''',
        "server.ts": '''import { createServer } from "node:http";
import { toNodeHandler } from "better-auth/node";
import { auth } from "./lib/auth.ts";
const handle = toNodeHandler(auth);
createServer((req, res) => {
  if (req.url?.startsWith("/api/auth/")) return void handle(req, res);
  res.writeHead(404).end();
}).listen(Number(process.env.PORT ?? 3000));
''',
    })
    space = shapes.make_space(render, "node", backend, "better-auth-config-elsewhere-sign-in")

    with shapes.running(cli, space) as url:
        browser = Browser()
        started = browser.request("POST", url + "/api/auth/sign-in/social", headers={"origin": url},
                                  json={"provider": "huggingface", "callbackURL": "/"}).json()["url"]
        callback = sign_in_at_provider(browser, started, _provider(started), url, username="ivan")
        browser.request("GET", callback)
        session = browser.request("GET", url + "/api/auth/get-session").json()

    assert (space.settings["hf_oauth"], space.settings["entry_file"]) == (True, "server.ts")  # both detected
    assert session["user"]["name"] == "ivan" and session["user"]["email"] == "ivan@example.com"
