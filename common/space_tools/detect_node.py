# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""A Node.js backend's entry file, Node version, database and package manager, read from its own files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from . import backend_reading, code_imports, dependency_files, detect_hazards, pnpm_workspace_lock
from .errors import SpaceError
from .findings import Findings

OFFERED = [int(major) for major in
           yaml.safe_load(Path(__file__).with_name("base_images.yml").read_text(encoding="utf-8"))["node"]]
_SOURCE = (".ts", ".mts", ".js", ".mjs")
_BUILD_OUTPUT = re.compile(r"^(dist|build|out|lib)/")
_LISTENS = re.compile(r"\.listen\s*\(|\bserve\s*\(\s*\{|Bun\.serve\s*\(")
# What Bun serves when it runs a file: its default export, an app (`export default app`) or `{ fetch, port }`.
_BUN_SERVED = re.compile(r"^export\s+default\s+(?:[A-Za-z_$][\w$]*\s*;?\s*$|\{[^{}]*\bfetch\b)", re.MULTILINE)
_RUN_BY_BUN = re.compile(r"(?:^|&&|;)\s*bunx?\b")
LOCKS = dependency_files.NODE_LOCKS  # each lock and its package manager, in the order the image's build prefers them
BERRY = "yarn install --immutable"


def berry_lock_version(lock: Path) -> int | None:
    """The lock format of a Yarn 2+ (Berry) yarn.lock (8 is Yarn 4's), None for a Yarn 1 or other lock."""
    if lock.name != "yarn.lock":
        return None
    match = re.search(r"^__metadata:\n\s+version: (\d+)", backend_reading.text(lock)[:2000], re.MULTILINE)
    return int(match[1]) if match else None


_DEPENDENCY_KINDS = ("dependencies", "devDependencies", "optionalDependencies")


def _pnpm_specifiers(lock: Path) -> dict[str, dict] | None:
    """pnpm-lock.yaml's record of package.json's dependency lists (the root importer's specifiers, by kind); None
    when it keeps none this reader knows. Raises ValueError when it is not YAML."""
    try:
        data = yaml.safe_load(lock.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ValueError(str(error).splitlines()[0]) from None
    if not isinstance(data, dict):
        return None
    importer = (data.get("importers") or {}).get(".") if "importers" in data else data
    if not isinstance(importer, dict):
        return None
    if isinstance(importer.get("specifiers"), dict):  # lockfile v5: one map for every kind
        return {"all": importer["specifiers"]}
    return {kind: {name: entry.get("specifier") for name, entry in (importer.get(kind) or {}).items()
                   if isinstance(entry, dict)} for kind in _DEPENDENCY_KINDS}


def lock_drift(manifest: dict, lock: Path) -> str:
    """How the lock's own copy of package.json's dependency lists differs from it ('' when it matches or keeps no
    copy, as package-lock.json's lockfileVersion 1): `npm ci` and pnpm's frozen install refuse a lock that
    differs. package-lock.json and pnpm-lock.yaml; raises ValueError when the lock can't be read."""
    if lock.name == "pnpm-lock.yaml":
        specifiers = _pnpm_specifiers(lock)
        if specifiers is None:
            return ""
        if "all" in specifiers:
            wanted = {name: spec for kind in _DEPENDENCY_KINDS for name, spec in (manifest.get(kind) or {}).items()}
            return _differ("dependencies", wanted, specifiers["all"])
        return next((found for kind in _DEPENDENCY_KINDS
                     if (found := _differ(kind, manifest.get(kind) or {}, specifiers[kind]))), "")
    packages = json.loads(lock.read_text(encoding="utf-8")).get("packages")
    if not isinstance(packages, dict) or not isinstance(packages.get(""), dict):
        return ""
    return next((found for kind in _DEPENDENCY_KINDS
                 if (found := _differ(kind, manifest.get(kind) or {}, packages[""].get(kind) or {}))), "")


def _differ(kind: str, wanted: dict, locked: dict) -> str:
    """The names whose version range differs between package.json and the lock, in words; '' when none."""
    changed = sorted(name for name in set(wanted) | set(locked) if wanted.get(name) != locked.get(name))
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    return f"{kind} differ: {', '.join(changed[:5])}{more}" if changed else ""


def production_packages(lock: Path) -> set[str] | None:
    """The packages the server's own code can import after a production install of this lock: npm's top-level
    node_modules (a devDependency that a production one needs as a peer among them), pnpm's direct dependencies
    (its node_modules holds no others), bun's hoisted packages the root's dependencies reach; None where the lock
    doesn't tell (Yarn, bun.lockb, older formats)."""
    try:
        if lock.name == "bun.lock":
            return _bun_production(json.loads(re.sub(r",(\s*[}\]])", r"\1", lock.read_text(encoding="utf-8"))))
        if lock.name == "package-lock.json":
            packages = json.loads(lock.read_text(encoding="utf-8")).get("packages")
            return {key.removeprefix("node_modules/") for key, entry in packages.items()
                    if key.count("node_modules/") == 1 and key.startswith("node_modules/")
                    and isinstance(entry, dict) and not entry.get("dev")} if isinstance(packages, dict) else None
        if lock.name == "pnpm-lock.yaml":
            data = yaml.safe_load(lock.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or not str(data.get("lockfileVersion", "")).startswith("9."):
                return None
            root = (data.get("importers") or {}).get(".") or {}
            return {name for kind in ("dependencies", "optionalDependencies") for name in (root.get(kind) or {})}
    except (OSError, ValueError, yaml.YAMLError):
        return None
    return None


def _bun_production(data: dict) -> set[str] | None:
    """The top-level packages of a production install of a text bun.lock: what the root's dependencies reach through
    dependencies, optional and peer dependencies (bun installs peers), each found as bun does, nearest first."""
    root, packages = (data.get("workspaces") or {}).get(""), data.get("packages")
    if not isinstance(root, dict) or not isinstance(packages, dict):
        return None

    def names(key: str) -> list[str]:  # "a/@s/b/c" -> ["a", "@s/b", "c"]
        parts, joined = key.split("/"), []
        while parts:
            joined.append(f"{parts.pop(0)}/{parts.pop(0)}" if parts[0].startswith("@") and len(parts) > 1
                          else parts.pop(0))
        return joined

    def lookup(parent: list[str], name: str) -> str | None:
        for depth in range(len(parent), -1, -1):
            if (key := "/".join([*parent[:depth], name])) in packages:
                return key
        return None

    kinds = ("dependencies", "optionalDependencies", "peerDependencies")
    waiting = [key for kind in kinds[:2] for name in (root.get(kind) or {}) if (key := lookup([], name))]
    reached: set[str] = set()
    while waiting:
        key = waiting.pop()
        if key in reached:
            continue
        reached.add(key)
        entry = packages[key]
        meta = entry[2] if isinstance(entry, list) and len(entry) > 2 and isinstance(entry[2], dict) else {}
        parent = names(key)
        waiting += [found for kind in kinds for name in (meta.get(kind) or {}) if (found := lookup(parent, name))]
    return {key for key in reached if len(names(key)) == 1}


def locks(backend: Path) -> tuple[list[str], dict[str, str]]:
    """The backend's lock files in the order the image's build prefers them, and those sync leaves out with why: a
    package-lock.json out of date with package.json beside another package manager's lock is the stale one, since
    `npm ci` would refuse it and the other lock is the one the team installs with."""
    present = [name for name in LOCKS if (backend / name).is_file()]
    others = [name for name in present if name != "package-lock.json"]
    if "package-lock.json" not in present or not others:
        return present, {}
    try:
        drift = lock_drift(backend_reading.package_json(backend), backend / "package-lock.json")
    except ValueError:
        return present, {}  # check names the broken JSON
    if not drift:
        return present, {}
    used = f"{others[0]} ({install_command(backend / others[0])})"
    return others, {"package-lock.json": f"out of date with package.json ({drift}), so `npm ci` would refuse it; "
                                         f"the image installs from {used}"}


def add_command(lock: Path, package: str) -> str:
    """The command that makes `package` a production dependency, with the tool of this lock."""
    tool = {"pnpm-lock.yaml": "pnpm add", "yarn.lock": "yarn add", "bun.lock": "bun add", "bun.lockb": "bun add"}
    return f"{tool.get(lock.name, 'npm install --save-prod')} {package}"


def install_command(lock: Path) -> str:
    """How the image installs this lock, as its package manager's users know the command."""
    return BERRY if berry_lock_version(lock) is not None else LOCKS[lock.name]


_POSTGRES = ("pg", "postgres", "@neondatabase/serverless", "@vercel/postgres")
_MYSQL = ("mysql2", "mysql", "@planetscale/database")
_NATIVE = ("better-sqlite3", "sqlite3", "@prisma/client", "bcrypt", "argon2", "sharp")


def _version(text: str) -> tuple[int, ...] | None:
    parts = re.findall(r"\d+|[xX*]", text.lstrip("vV="))
    numbers = []
    for part in parts[:3]:
        if not part.isdigit():
            break
        numbers.append(int(part))
    return tuple(numbers) if numbers or text.strip() in ("", "*", "x", "X") else None


def _comparator(token: str, version: tuple[int, int, int]) -> bool:
    operator, rest = re.match(r"^(<=|>=|<|>|=|\^|~)?(.*)$", token).groups()
    wanted = _version(rest)
    if wanted is None:
        return False
    if not wanted:
        return True
    head = version[: len(wanted)]
    if operator in (None, "=", "^", "~"):
        if operator == "^" or (operator == "~" and len(wanted) == 1):
            return version[0] == wanted[0] and version >= wanted + (0,) * (3 - len(wanted))
        if operator == "~":
            return version[:2] == wanted[:2] and version >= wanted + (0,) * (3 - len(wanted))
        return head == wanted
    full = wanted + (0,) * (3 - len(wanted))
    return {">=": version >= full, "<": version < full, ">": head > wanted, "<=": head <= wanted}[operator]


def node_allows(spec: str, major: int) -> bool:
    """Whether node:<major>-slim (that major's newest release) satisfies an npm semver range."""
    version = (major, 999, 999)
    for alternative in spec.split("||"):
        alternative = re.sub(r"(<=|>=|<|>|=|\^|~)\s+", r"\1", alternative.strip())
        hyphen = re.match(r"^(\S+)\s+-\s+(\S+)$", alternative)
        tokens = [f">={hyphen[1]}", f"<={hyphen[2]}"] if hyphen else alternative.split()
        if all(_comparator(token, version) for token in tokens or ["*"]):
            return True
    return False


def _node_version(backend: Path, package: dict, findings: Findings, current: str) -> None:
    for name in (".nvmrc", ".node-version"):
        pinned = backend_reading.first_line(backend, name)
        match = re.match(r"^v?(\d+)", pinned)
        if match and int(match[1]) in OFFERED:
            return findings.add("node_version", match[1], f"{name}: {pinned}")
        if match:
            findings.notes.append(f"{name} asks for Node {pinned}; the template offers {', '.join(map(str, OFFERED))}")
    engines = (package.get("engines") or {}).get("node")
    if isinstance(engines, str) and engines.strip():
        fits = [major for major in OFFERED if node_allows(engines, major)]
        if current.isdigit() and int(current) in fits:
            return findings.add("node_version", current, f'package.json engines.node "{engines}"')
        if fits:
            return findings.add("node_version", str(fits[-1]), f'package.json engines.node "{engines}": the newest offered that fits')
        findings.add("node_version", None, f'package.json engines.node "{engines}"',
                     f"none of the template's Node versions ({', '.join(map(str, OFFERED))}) satisfies it")


def _source_for(backend: Path, named: str) -> str | None:
    """The source file a script or `main` names, or the TypeScript a build output comes from (dist/x.js <- src/x.ts)."""
    named = named.removeprefix("./")
    candidates = [named]
    if _BUILD_OUTPUT.match(named):
        stem = _BUILD_OUTPUT.sub("", named)
        for folder in ("src/", ""):
            candidates += [folder + re.sub(r"\.(c|m)?js$", suffix, stem) for suffix in (".ts", ".mts", ".js", ".mjs")]
    for candidate in candidates:
        path = backend / candidate
        if candidate.endswith(_SOURCE) and path.is_file() and backend_reading.inside(backend.resolve(), path):
            return candidate
    return None


def _listens(text: str) -> bool:
    hono = "@hono/node-server" in text and bool(detect_hazards.HONO_SERVE_APP.search(text))
    return hono or bool(_LISTENS.search(text))


def _entry_file(backend: Path, package: dict, findings: Findings) -> None:
    """The file the start, dev or serve script runs, else `main`, else the file another script runs (`server`,
    `api:dev`) that starts a server, else the first source file that does."""
    scripts = {name: command for name, command in (package.get("scripts") or {}).items() if isinstance(command, str)}
    usual = ("start", "dev", "serve")
    for script in [*usual, None, *(name for name in scripts if name not in usual)]:
        if script is None:
            main = package.get("main")
            if isinstance(main, str) and (found := _source_for(backend, main)):
                return findings.add("entry_file", found, f'package.json main: "{main}"')
            continue
        for token in scripts.get(script, "").split():
            found = _source_for(backend, token) if re.search(r"\.(c|m)?[jt]s$", token) else None
            text = backend_reading.text(backend / found) if found else ""
            served_by_bun = bool(_RUN_BY_BUN.search(scripts[script])) and bool(_BUN_SERVED.search(text))
            if found and (script in usual or _listens(text) or served_by_bun):
                return findings.add("entry_file", found, f'package.json scripts.{script}: "{scripts[script]}"')
    for path in backend_reading.source_files(backend, _SOURCE):
        if _listens(backend_reading.text(path)):
            relative = path.relative_to(backend.resolve()).as_posix()
            return findings.add("entry_file", relative, f"{relative} starts a server (listen)")
    findings.add("entry_file", None, "no start script, main or file that calls listen()",
                 "answer entry_file with the file that starts the server: "
                 "`copier update --defaults --data entry_file=<its path in the backend>`")


def entry_file(backend: Path) -> str | None:
    """The file that starts the server, as detect finds it; None when nothing says."""
    found = Findings()
    _entry_file(backend, backend_reading.package_json(backend), found)
    return found.items[0].value


def _app_port(backend: Path, findings: Findings) -> None:
    """A server that listens on a port of its own (`.listen(3000)`, Hono's `serve(app)`) is served there: Spaces
    routes to app_port, so app_port follows it; ports that differ among the entry's files decide nothing."""
    entry = findings.get("entry_file")
    if entry is None or entry.value is None:
        return
    ports, texts = {}, {}
    for relative in code_imports.node_imports(backend, str(entry.value)):
        texts[relative] = backend_reading.text(backend / relative)
        port = detect_hazards.fixed_port(texts[relative])
        if port:
            ports.setdefault(port, relative)
    if len(ports) == 1:
        (port, relative), = ports.items()
        findings.add("app_port", int(port), f"{relative} listens on port {port}, whatever PORT says")
    elif not ports and (port := detect_hazards.settings_port(list(texts.values()))):
        findings.add("app_port", int(port), f"the server listens on its settings' port, {port} unless a variable "
                                            "Spaces never sets says otherwise")


def node_sqlite_user(backend: Path) -> str | None:
    """The first source file that imports node:sqlite, or None."""
    for path in backend_reading.source_files(backend, _SOURCE)[:200]:
        if "node:sqlite" in backend_reading.text(path):
            return path.relative_to(backend.resolve()).as_posix()
    return None


# Bun's own database clients: bun:sqlite, and Bun's SQL (PostgreSQL unless its URL says otherwise).
_BUN_DRIVERS = {"sqlite": re.compile(r"""from\s*["']bun:sqlite["']"""),
                "postgres": re.compile(r"""\bimport\s*\{[^}]*\bSQL\b[^}]*\}\s*from\s*["']bun["']|\bBun\.sql\b"""
                                       r"""|drizzle-orm/bun-sql""")}


def _bun_drivers(backend: Path) -> dict[str, str]:
    """The databases the code reaches through Bun's own clients: {database: the client}."""
    found = {}
    for _, text in _sources(backend):
        for database, pattern in _BUN_DRIVERS.items():
            if database not in found and pattern.search(text):
                found[database] = "bun:sqlite" if database == "sqlite" else "Bun's SQL"
    return found


def _pnpm_workspace(backend: Path, findings: Findings, settings: dict) -> None:
    """The share of its pnpm workspace the image installs with the backend (none when check will refuse the
    workspace's lock, which says why); said also when an earlier answer named one the backend no longer has."""
    root = pnpm_workspace_lock.needs_export(backend)
    try:
        folders = pnpm_workspace_lock.export(backend, root).folders if root is not None else []
    except SpaceError:
        folders = []
    if folders or settings.get("pnpm_workspace"):
        findings.add("pnpm_workspace", folders, "the workspace's catalogs and the workspace packages the backend "
                     "depends on, which sync copies and the build installs and builds with it" if folders else
                     "no catalog or workspace package of a pnpm workspace: the backend's own lock is enough")


def _dependencies(backend: Path, package: dict, findings: Findings) -> None:
    dependencies = package.get("dependencies") or {}
    drivers = {"postgres": [name for name in _POSTGRES if name in dependencies],
               "mysql": [name for name in _MYSQL if name in dependencies],
               "sqlite": ["better-sqlite3"] if "better-sqlite3" in dependencies else []}
    if node_sqlite_user(backend):
        drivers["sqlite"].append("node:sqlite")
    for database, driver in _bun_drivers(backend).items():
        drivers[database].append(driver)
    used = {database: names for database, names in drivers.items() if names}
    if len(used) > 1:
        names = [name for found in used.values() for name in found]
        findings.notes.append(f"databases: {', '.join(names)} (several kinds: database stays as answered)")
    elif used:
        (database, names), = used.items()
        findings.add("database", database, "the code uses " + ", ".join(names))
    native = [name for name in _NATIVE if name in dependencies]
    if native:
        findings.notes.append(f"native add-ons or generated clients: {', '.join(native)} (the image ships the "
                              "production node_modules beside the bundle for them)")
    if "better-auth" in dependencies:
        findings.notes.append(f"better-auth {dependencies['better-auth']}")
    used, stale = locks(backend)
    for name, why in stale.items():
        findings.notes.append(f"left out {name}: {why}")
    manager = str(package.get("packageManager") or "").split("+")[0]
    workspace = None if used else pnpm_workspace_lock.workspace_root(backend)
    if workspace is not None:
        findings.notes.append(f"dependencies: pnpm workspace member, its pins in {workspace / pnpm_workspace_lock.LOCK}, "
                              f"written by sync as the backend's own {pnpm_workspace_lock.LOCK}")
        return
    findings.notes.append(f"dependencies: {used[0] if used else 'package.json without a lock'}"
                          + (f" ({install_command(backend / used[0])})" if used else "") + (f", packageManager {manager}" if manager else ""))


# Bun's own modules and globals, which Node.js does not have.
_BUN_API = re.compile(r"""from\s*["']bun(?::\w+)?["']|require\(\s*["']bun["']\s*\)"""
                      r"""|\bBun\.(?:serve|file|write|env|password|sql|spawn)\b""")
# Better Auth adapters: the database is a factory its migration can't drive (migrate with the ORM's own tool).
_ADAPTER = re.compile(r"\b(prismaAdapter|drizzleAdapter|mongodbAdapter)\s*\(")
_BASE_PATH = re.compile(r"""\bbasePath\s*:\s*["'`](/[^"'`$]*)["'`]""")


def _sources(backend: Path) -> list[tuple[str, str]]:
    root = backend.resolve()
    return [(path.relative_to(root).as_posix(), backend_reading.text(path))
            for path in backend_reading.source_files(root, _SOURCE)[:400]]


def bun_api(backend: Path) -> tuple[str, str] | None:
    """(file, what) where the backend's code uses Bun's own API, which only js_runtime=bun has."""
    for relative, text in _sources(backend):
        if found := _BUN_API.search(text):
            return relative, found[0].strip()
    dependencies = backend_reading.package_json(backend).get("dependencies") or {}
    if "elysia" in dependencies and "@elysiajs/node" not in dependencies:  # Elysia's listen() is Bun.serve then
        return "package.json", "elysia, which serves with Bun.serve unless @elysiajs/node adapts it"
    return None


def unsupported(backend: Path, js_runtime: str = "node") -> str | None:
    """What makes the backend one the Node template can't run, in one line, or None: Bun's own API on Node.js, a
    Prisma datasource on a database Better Auth's data can't live in here (MongoDB, SQL Server)."""
    if js_runtime != "bun" and (used := bun_api(backend)):
        return (f"{used[0]} uses Bun's own API ({used[1]}), which Node.js does not have: run it on Bun with "
                "`copier update --defaults --data js_runtime=bun` (`./space detect --write` answers it)")
    schema = prisma_schema(backend)
    provider = prisma_provider(backend, schema) if schema else None
    if provider in ("mongodb", "sqlserver"):
        return (f"{schema}'s datasource is {provider}, and the Node template keeps Better Auth's data in SQLite, "
                "PostgreSQL or MySQL only")
    return None


def adapter(backend: Path) -> tuple[str, str] | None:
    """(file, adapter) when the backend's Better Auth config uses an ORM adapter, which its migration can't drive."""
    for relative, text in _sources(backend):
        if "betterAuth" in text and (found := _ADAPTER.search(text)):
            return relative, found[1]
    return None


def _js_runtime(backend: Path, package: dict, findings: Findings, current: str) -> None:
    """Bun for a server written for Bun's own API, or one that only Bun starts: a script runs the entry with bun,
    and the entry's default export is what serves (nothing it loads listens); Node.js otherwise (said only when
    the answer was bun)."""
    if used := bun_api(backend):
        return findings.add("js_runtime", "bun", f"{used[0]} uses Bun's own API ({used[1]})")
    entry = findings.get("entry_file")
    if entry is not None and entry.value and bun_served(backend, package, str(entry.value)):
        return findings.add("js_runtime", "bun", f"{entry.value}: its default export is the server, which Bun "
                            "serves when a package.json script runs it (Node.js would start nothing)")
    if current == "bun":
        findings.add("js_runtime", "node", "no Bun API in the code, and its server starts itself: Node.js runs it")
    return None


def bun_served(backend: Path, package: dict, entry: str) -> bool:
    """Whether only Bun starts this entry: a script runs it with bun, and its default export is the server."""
    scripts = [command for command in (package.get("scripts") or {}).values() if isinstance(command, str)]
    run_by_bun = any(_RUN_BY_BUN.search(command) and entry.rsplit(".", 1)[0] in command for command in scripts)
    if not run_by_bun or not _BUN_SERVED.search(backend_reading.text(backend / entry)):
        return False
    loaded = code_imports.node_imports(backend, entry)
    return not any(_listens(backend_reading.text(backend / name)) for name in loaded)


def _better_auth_config(backend: Path, findings: Findings, settings: dict) -> None:
    """Where Better Auth answers (its basePath), and whether its migration can create the schema (no adapter)."""
    for relative, text in _sources(backend):
        base = _BASE_PATH.search(text) if "betterAuth" in text else None
        if base and settings.get("health_path") == "/api/auth/ok" and base[1].rstrip("/") != "/api/auth":
            findings.add("health_path", f"{base[1].rstrip('/')}/ok", f"{relative}: basePath {base[1]}")
    used = adapter(backend)
    if used and settings.get("migrate_on_start") is not False:
        findings.add("migrate_on_start", False, f"{used[0]}: {used[1]}(), which Better Auth's migration can't drive "
                     "(its ORM migrates the schema)")


# Where Prisma looks for the schema when its config names none: one file, or a folder of .prisma files (6.6 on).
_PRISMA_SCHEMAS = ("prisma/schema.prisma", "prisma/schema", "schema.prisma")
_PRISMA_CONFIGS = ("prisma.config.ts", "prisma.config.mts", "prisma.config.js", "prisma.config.mjs")


def prisma_schema(backend: Path, kind: str = "dependencies") -> str | None:
    """The backend's Prisma schema (file or folder), as Prisma finds it: prisma.config.ts's `schema`, package.json's
    prisma.schema, else its default places; None when the backend has no Prisma client among `kind` (the image
    installs dependencies only) or no schema."""
    package = backend_reading.package_json(backend)
    if "@prisma/client" not in (package.get(kind) or {}):
        return None
    root = backend.resolve()
    config = next((backend / name for name in _PRISMA_CONFIGS if (backend / name).is_file()), None)
    named = re.search(r"""\bschema\s*:\s*["'`]([^"'`$]+)["'`]""", backend_reading.text(config)) if config else None
    listed = (package.get("prisma") or {}).get("schema") if isinstance(package.get("prisma"), dict) else None
    for candidate in (named[1] if named else None, listed if isinstance(listed, str) else None, *_PRISMA_SCHEMAS):
        if candidate:
            relative = candidate.removeprefix("./").rstrip("/")
            path = backend / relative
            if path.exists() and ".." not in relative.split("/") and backend_reading.inside(root, path):
                return relative
    return None


def _prisma(backend: Path, findings: Findings) -> None:
    """The Prisma schema the build generates the client from, and its datasource's provider as the database."""
    schema = prisma_schema(backend)
    if schema is None:
        return
    findings.add("prisma_schema", schema, "the Prisma schema `prisma generate` reads")
    provider = prisma_provider(backend, schema)
    database = {"postgresql": "postgres", "postgres": "postgres", "cockroachdb": "postgres", "mysql": "mysql"}.get(provider)
    if database and findings.get("database") is None:
        findings.add("database", database, f"{schema}: provider {provider}")


def prisma_provider(backend: Path, schema: str) -> str | None:
    """The provider of the schema's datasource (postgresql, sqlite, mongodb, ...)."""
    path = backend / schema
    files = sorted(path.glob("*.prisma")) if path.is_dir() else [path]
    for file in files:
        block = re.search(r"datasource\s+\w+\s*\{([^}]*)\}", backend_reading.text(file))
        provider = re.search(r"""provider\s*=\s*["'](\w+)["']""", block[1]) if block else None
        if provider:
            return provider[1]
    return None


def _prestart(backend: Path, package: dict, findings: Findings, settings: dict) -> None:
    """package.json's own `prestart` script (npm runs it before `start`), or Prisma's migrations, and the files
    each names that no import brings (a migration script, prisma/)."""
    scripts = package.get("scripts") or {}
    if isinstance(scripts.get("prestart"), str) and scripts["prestart"].strip():
        command, source = scripts["prestart"].strip(), "package.json scripts.prestart"
    elif (backend / "prisma" / "migrations").is_dir():
        command, source = "prisma migrate deploy", "prisma/migrations"
    else:
        return
    problem = dev_only_prestart(package, command)
    if problem:  # an answer that would fail every start is not written
        findings.warnings.append(f"{source} gives `{command}`, but {problem}")
        return
    tool = command.split()[0]
    findings.add("prestart", command, source)
    root = backend.resolve()
    needs = [word.removeprefix("./").rstrip("/") for word in re.split(r"[\s=]+", command)
             if word not in ("", ".", "..") and (backend / word).exists() and backend_reading.inside(root, backend / word)]
    needs += ["prisma"] if tool == "prisma" and (backend / "prisma").is_dir() and "prisma" not in needs else []
    findings.need_files(settings, needs, f"{source} runs before the start and needs {', '.join(needs)}")


# A path the server opens by name: a literal with a slash (or a template literal's part before `${`), or any literal
# given to a file or static-folder API; relative to the working directory, which is the backend's own.
_PATH_LITERAL = re.compile(r"""["'`](?P<path>(?:\./)?[\w@.-]+(?:/[\w@.-]+)+/?)(?=["'`]|\$\{)"""
                           r"""|(?:static|serveStatic|readFileSync|readFile|createReadStream|renderFile|sendFile)"""
                           r"""\(\s*["'`](?P<named>(?:\./)?[\w@.-]+/?)["'`]""")
_IMPORTED = re.compile(r"(\bfrom|\bimport|\brequire)\s*\(?\s*$")
_NOT_OPENED = re.compile(r"^(node_modules|dist|build|\.git)(/|$)|(^|/)\.env|(^|/)(package|tsconfig)\.json$")


def _opened_paths(backend: Path, findings: Findings, settings: dict) -> None:
    """Folders and files the server's code opens by path (email templates, views, static files), which no import
    brings: backend_files gains them, and the image puts them beside the server."""
    entry = findings.get("entry_file")
    root, found = backend.resolve(), {}
    for relative in code_imports.node_imports(backend, str(entry.value if entry and entry.value else
                                                            settings.get("entry_file", ""))):
        text = backend_reading.text(root / relative)
        for match in _PATH_LITERAL.finditer(text):
            if _IMPORTED.search(text, max(0, match.start() - 12), match.start()):
                continue  # a module specifier, relative to its importer
            name = (match["path"] or match["named"]).removeprefix("./").rstrip("/")
            path = root / name
            if (not name or ".." in name.split("/") or _NOT_OPENED.search(name) or not path.exists()
                    or not backend_reading.inside(root, path)):
                continue
            code = [path] if path.is_file() else backend_reading.source_files(path, _SOURCE)
            if not any(file.suffix in _SOURCE for file in code):  # a folder of code is imported, not opened
                found.setdefault(name, relative)
    if found:
        shown = ", ".join(f"{name} ({where})" for name, where in found.items())
        findings.need_files(settings, list(found), f"the server opens these by path: {shown}")


def dev_only_prestart(package: dict, command: str) -> str | None:
    """Why a pre-start command can't run in the image: its tool is a package only in devDependencies."""
    tool = command.split()[0] if command.split() else ""
    if tool in (package.get("devDependencies") or {}) and tool not in (package.get("dependencies") or {}):
        return (f"{tool} is only in devDependencies and the image installs dependencies only: run "
                f"`npm install --save-prod {tool}` in the backend")
    return None


def find(backend: Path, findings: Findings, settings: dict) -> None:
    package = backend_reading.package_json(backend)
    _entry_file(backend, package, findings)
    _app_port(backend, findings)
    _js_runtime(backend, package, findings, str(settings.get("js_runtime", "node")))
    _node_version(backend, package, findings, str(settings.get("node_version", "")))
    _dependencies(backend, package, findings)
    _pnpm_workspace(backend, findings, settings)
    _prisma(backend, findings)
    _better_auth_config(backend, findings, settings)
    _prestart(backend, package, findings, settings)
    _opened_paths(backend, findings, settings)
    folders = detect_hazards.missing_database_folders(backend)
    if folders:  # sync creates them; the bundle's folder gets them from backend_files
        shown = ", ".join(f"{folder} ({opened})" for folder, opened in folders.items())
        findings.need_files(settings, list(folders), f"the server opens its SQLite database in these: {shown}")
