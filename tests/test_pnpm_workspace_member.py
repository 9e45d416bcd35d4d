"""A backend that is one app of a pnpm workspace, as monorepos hold them (thiagomini/better-auth-example's
apps/api and apps/nestjs-api, papra's and kaneo's servers): the pins of every app in one pnpm-lock.yaml at the
workspace's root, none in the backend's folder, code reached through package.json's own `imports` (`#lib/*.ts`),
a tsconfig extending the root's, types from code beside the apps (mendrik/groblin's `@shared/*`), versions from
the workspace's catalog and packages of the workspace built by their own scripts. sync writes the backend's own
lock from the workspace's (its entry and what that reaches), with the catalog and those packages; the image
installs them with pnpm's frozen install and builds the packages; the rest of the workspace never ships."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from harness import docker
from tests.conftest import REPO, copy_node_backend, space_tools
from tests.support.shapes import make_space, running, sign_up, write_backend

WORKSPACE = {
    "package.json": json.dumps({"name": "acme", "private": True, "scripts": {"dev": "pnpm -r --parallel dev"},
                                "devDependencies": {"typescript": "^5.9.3"}}, indent=2) + "\n",
    "pnpm-workspace.yaml": "packages:\n  - apps/*\n",
    "tsconfig.json": json.dumps({"compilerOptions": {"strict": True, "module": "nodenext", "target": "es2023",
                                                     "skipLibCheck": True, "noEmit": True}}, indent=2) + "\n",
    "apps/web/package.json": json.dumps({"name": "web", "private": True, "type": "module",
                                         "dependencies": {"clsx": "^2.1.1", "react": "^19.1.0",
                                                          "react-dom": "^19.1.0"}}, indent=2),
    "apps/web/src/main.js": "import clsx from 'clsx';\nimport { createRoot } from 'react-dom/client';\n",
    "apps/api/package.json": json.dumps({
        "name": "api", "version": "1.0.0", "private": True, "type": "module",
        "scripts": {"start": "node --watch --env-file=../../.env ./src/index.ts"},
        "imports": {"#lib/*.ts": "./src/lib/*.ts"},
        "dependencies": {"better-auth": "^1.5.5", "express": "^5.1.0"},
        "devDependencies": {"@types/express": "^5.0.3", "@types/node": "^24.0.0"},
    }, indent=2) + "\n",
    "apps/api/tsconfig.json": json.dumps({"extends": "../../tsconfig.json",
                                          "compilerOptions": {"allowImportingTsExtensions": True,
                                                              "paths": {"@shared/*": ["../../shared/src/*"]}},
                                          "include": ["src", "../../shared/src"]}, indent=2) + "\n",
    "shared/src/greeting.ts": "export type Greeting = { email: string | null };\n"
                              "export const greet = (name: string) => `Hello, ${name}`;\n",
    "apps/api/src/index.ts": """\
import express from 'express';
import { toNodeHandler } from 'better-auth/node';
import { auth } from '#lib/auth.ts';
import type { Greeting } from '@shared/greeting.ts';

const app = express();

app.all('/api/auth/*splat', toNodeHandler(auth));
app.use(express.json());

app.get('/api/me', async (req, res) => {
  const session = await auth.api.getSession({ headers: new Headers(req.headers as Record<string, string>) });
  const greeting: Greeting = { email: session?.user.email ?? null };
  res.json(greeting);
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`api on ${port}`));
""",
    "apps/api/src/lib/auth.ts": """\
import { betterAuth } from 'better-auth';
import { DatabaseSync } from 'node:sqlite';

export const auth = betterAuth({
  database: new DatabaseSync(process.env.DATABASE_PATH ?? 'auth.db'),
  emailAndPassword: { enabled: true },
});
""",
}


# The pnpm the Space's Dockerfile installs with, which the team also writes its lock with here.
PNPM = re.search(r"PNPM_VERSION=(\S+)", (REPO / "template-node-space" / "Dockerfile.jinja").read_text())[1]


def _workspace(root: Path, changed: dict[str, str] | None = None) -> Path:
    """The monorepo, with some files changed, and the lock pnpm writes at its root; its api app, the backend."""
    write_backend(root, {**WORKSPACE, **(changed or {})})
    subprocess.run(["npx", "--yes", f"pnpm@{PNPM}", "install", "--lockfile-only", "--ignore-scripts"], cwd=root,
                   check=True, capture_output=True, timeout=300)
    return root / "apps" / "api"


def test_a_pnpm_workspace_member_ships_its_own_share_of_the_workspace_lock_and_nothing_else(render, tmp_path):
    space = make_space(render, "node", _workspace(tmp_path / "acme"), "pnpm-workspace-member")

    space_tools(space.project, "detect", "--write")
    space_tools(space.project, "sync")

    shipped = space.project / "backend"
    lock = yaml.safe_load((shipped / "pnpm-lock.yaml").read_text())
    assert list(lock["importers"]) == ["."] and "express" in lock["importers"]["."]["dependencies"]
    # what the web app alone installs stays out (react stays in: the workspace resolved better-auth's optional peer)
    assert not any(key.startswith("clsx@") for key in lock["packages"])
    assert sorted(path.relative_to(shipped).as_posix() for path in shipped.rglob("*") if path.is_file()) == [
        "package.json", "pnpm-lock.yaml", "src/index.ts", "src/lib/auth.ts", "tsconfig.json"]
    assert (space.settings["entry_file"], space.settings["pnpm_workspace"]) == ("src/index.ts", [])


def test_a_workspace_lock_behind_the_members_package_json_is_refused_naming_the_workspace(render, tmp_path):
    backend = _workspace(tmp_path / "acme")
    space = make_space(render, "node", backend, "pnpm-member-behind")
    space_tools(space.project, "detect", "--write")
    assert "pnpm workspace's" in space_tools(space.project, "check").stdout
    manifest = json.loads((backend / "package.json").read_text())
    manifest["dependencies"]["left-pad"] = "^1.3.0"
    (backend / "package.json").write_text(json.dumps(manifest))

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        f"{tmp_path / 'acme' / 'pnpm-lock.yaml'} is out of date with package.json (dependencies differ: left-pad), so "
        "`pnpm install --frozen-lockfile` would refuse it: run `pnpm install` in the workspace and commit the lock "
        "file."), refused.stderr


def test_a_member_importing_code_from_beside_the_apps_is_refused_before_the_build(render, tmp_path):
    # As mendrik/groblin's backend does: a value from ../shared through tsconfig's paths, which the image can't have.
    backend = write_backend(tmp_path / "acme", WORKSPACE) / "apps" / "api"
    index = backend / "src" / "index.ts"
    index.write_text(index.read_text().replace("import type { Greeting }", "import { greet, type Greeting }"))
    space = make_space(render, "node", backend, "pnpm-member-shared-code")
    space_tools(space.project, "detect", "--write")

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        "src/index.ts imports @shared/greeting.ts (../../shared/src/greeting.ts): code outside the backend, which the "
        "image can't have; move it into the backend, or publish it as a package the backend depends on."), refused.stderr


def test_a_package_only_the_workspaces_root_lists_is_refused_before_the_build(render, tmp_path):
    # As groblin's backend imports graphql: its root package.json lists it, which Node finds from every app in the
    # monorepo and the image, holding the backend alone, never has.
    root_manifest = {**json.loads(WORKSPACE["package.json"]), "dependencies": {"zod": "^4.1.0"}}
    auth = "import { z } from 'zod';\n\nz.string().parse(process.env.BETTER_AUTH_SECRET);\n"
    backend = _workspace(tmp_path / "acme", {"package.json": json.dumps(root_manifest),
                                             "apps/api/src/lib/auth.ts": auth + WORKSPACE["apps/api/src/lib/auth.ts"]})
    space = make_space(render, "node", backend, "pnpm-member-root-package")
    space_tools(space.project, "detect", "--write")

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        f"src/lib/auth.ts imports zod, which only the workspace's {(tmp_path / 'acme').resolve() / 'package.json'} "
        "lists, and the image installs the backend's own dependencies: add it to the backend's (`pnpm add zod` in "
        "the backend)."), refused.stderr


# As papra's and kaneo's apps do: versions from the workspace's catalog, and a package of the workspace the app
# depends on through workspace:*, whose package.json exports the dist/ its own `build` script writes with tsc.
WITH_PACKAGES = {
    **WORKSPACE,
    "pnpm-workspace.yaml": "packages:\n  - apps/*\n  - packages/*\n\ncatalog:\n  better-auth: ^1.5.5\n"
                           "  typescript: ^5.9.3\n",
    "packages/greeting/package.json": json.dumps({
        "name": "@acme/greeting", "version": "0.0.0", "private": True, "type": "module",
        "exports": {".": {"types": "./dist/index.d.ts", "default": "./dist/index.js"}},
        "scripts": {"build": "tsc", "test": "vitest run"},
        "dependencies": {"ms": "^2.1.3"},
        "devDependencies": {"@types/ms": "^2.1.0", "typescript": "catalog:"},
    }, indent=2) + "\n",
    "packages/greeting/tsconfig.json": json.dumps({"compilerOptions": {
        "outDir": "dist", "rootDir": "src", "module": "nodenext", "target": "es2022", "declaration": True,
        "strict": True, "skipLibCheck": True}, "include": ["src"]}, indent=2) + "\n",
    "packages/greeting/src/index.ts": "import ms from 'ms';\n\n"
                                      "export const greet = (name: string) => `Hello, ${name}, for ${ms(60_000)}`;\n",
    "apps/api/package.json": json.dumps({
        "name": "api", "version": "1.0.0", "private": True, "type": "module",
        "scripts": {"dev": "tsx watch src/index.ts"},
        "imports": {"#lib/*.ts": "./src/lib/*.ts"},
        "dependencies": {"@acme/greeting": "workspace:*", "better-auth": "catalog:", "express": "^5.1.0"},
        "devDependencies": {"@types/express": "^5.0.3"},
    }, indent=2) + "\n",
    "apps/api/src/index.ts": WORKSPACE["apps/api/src/index.ts"].replace(
        "import type { Greeting } from '@shared/greeting.ts';\n",
        "import type { Greeting } from '@shared/greeting.ts';\nimport { greet } from '@acme/greeting';\n").replace(
        "  res.json(greeting);\n", "  res.json({ ...greeting, greeting: greet('Ada') });\n"),
}


@pytest.mark.docker
def test_a_member_using_the_catalog_and_a_workspace_package_gets_them_built_and_signs_up(render, cli, tmp_path):
    # The one image of a workspace member: its share of the lock, `#lib/*.ts` imports, a tsconfig extending the
    # root's and types from ../shared, with the catalog and a workspace package.
    # what the workspace's own build would leave behind never ships: the image builds the package itself
    backend = _workspace(tmp_path / "acme", {**WITH_PACKAGES, "packages/greeting/dist/index.js": "stale build\n"})
    space = make_space(render, "node", backend, "pnpm-member-packages")

    with running(cli, space) as url:
        user = sign_up(url)
        me = docker.http_get(f"{url}/api/me", headers={"cookie": user["set-cookie"].split(";")[0]})

    assert me == (200, b'{"email":"ada@example.com","greeting":"Hello, Ada, for 1m"}')
    assert space.settings["pnpm_workspace"] == [".", "workspace-packages/packages/greeting"]
    shipped = space.project / "backend"
    assert sorted(path.relative_to(shipped).as_posix() for path in shipped.rglob("*") if path.is_file()) == [
        "package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml", "src/index.ts", "src/lib/auth.ts", "tsconfig.json",
        "workspace-packages/packages/greeting/package.json", "workspace-packages/packages/greeting/src/index.ts",
        "workspace-packages/packages/greeting/tsconfig.json"]
    assert yaml.safe_load((shipped / "pnpm-workspace.yaml").read_text()) == {
        "packages": ["workspace-packages/packages/greeting"], "catalog": {"better-auth": "^1.5.5",
                                                                          "typescript": "^5.9.3"}}
    lock = yaml.safe_load((shipped / "pnpm-lock.yaml").read_text())
    assert list(lock["importers"]) == [".", "workspace-packages/packages/greeting"]
    assert not any(key.startswith("clsx@") for key in lock["packages"])  # the web app's stays out
    assert lock["importers"]["."]["dependencies"]["@acme/greeting"]["version"] == "link:workspace-packages/packages/greeting"


def test_a_workspace_package_left_out_of_the_answers_is_refused_until_detect_writes_them(render, tmp_path):
    space = make_space(render, "node", _workspace(tmp_path / "acme", WITH_PACKAGES), "pnpm-member-unanswered",
                       entry_file="src/index.ts")

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and refused.stderr.strip().endswith(
        'pnpm_workspace answers [], and the backend\'s share of its pnpm workspace needs [".", '
        '"workspace-packages/packages/greeting"] (the workspace\'s catalogs and the packages it depends on), so the '
        "image's install would not match what sync writes: run `./space detect --write` (or `copier update "
        '--defaults --data \'pnpm_workspace=[".", "workspace-packages/packages/greeting"]\'`).'), refused.stderr
    space_tools(space.project, "detect", "--write")
    assert space_tools(space.project, "check").returncode == 0


def test_a_workspace_package_that_links_out_of_the_workspace_is_never_followed(render, tmp_path):
    elsewhere = write_backend(tmp_path / "elsewhere", {k.removeprefix("packages/greeting/"): v for k, v in
                                                       WITH_PACKAGES.items() if k.startswith("packages/greeting/")})
    backend = _workspace(tmp_path / "acme", WITH_PACKAGES)
    greeting = tmp_path / "acme" / "packages" / "greeting"
    shutil.rmtree(greeting)
    greeting.symlink_to(elsewhere)
    space = make_space(render, "node", backend, "pnpm-member-link-out", entry_file="src/index.ts",
                       pnpm_workspace=[".", "workspace-packages/packages/greeting"])

    refused = space_tools(space.project, "sync", check=False)

    assert refused.returncode == 2 and refused.stderr.strip() == (
        f"error: the pnpm workspace's package packages/greeting is a link to {elsewhere.resolve()}, outside the "
        "workspace: sync never follows a link out of it; move the package into it.")
    assert not (space.project / "backend").exists()


def test_an_answer_naming_a_workspace_the_backend_no_longer_has_is_refused_and_detect_clears_it(render, tmp_path):
    # The backend left its monorepo with its own lock; the Space still answers the workspace's packages.
    space = make_space(render, "node", copy_node_backend(tmp_path / "backend"), "pnpm-member-left",
                       pnpm_workspace=[".", "workspace-packages/packages/greeting"])

    refused = space_tools(space.project, "check", check=False)

    assert refused.returncode == 2 and "needs none" in refused.stderr and "./space detect --write" in refused.stderr
    space_tools(space.project, "detect", "--write")
    assert space.settings["pnpm_workspace"] == []
    assert space_tools(space.project, "check").returncode == 0
