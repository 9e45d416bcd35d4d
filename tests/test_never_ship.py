"""never_ship.yml is the one list of what never ships, and its four consumers keep to it on both runtimes.

The list (common/space_tools/never_ship.yml) has three parts: `never` (secrets, version control, environments,
caches, credentials, update leftovers), `keep` (names `never` would catch that sync may copy) and `local`
(local state and build output). Four consumers read it, and each is tested here with the real tool:

- sync copies the backend's listed files into ./backend and leaves out every never and local path;
- git, through the generated .gitignore, never commits a never path and still commits a keep one;
- deploy uploads only what `local_files` admits (the .dockerignore's build context, minus never paths);
- docker, through the generated .dockerignore, never puts a never or local path into the build context, and
  sends exactly the files our own reading of the .dockerignore (space_tools/dockerignore.py) admits, which is
  what the upload relies on.

Every sample path comes from one table: one name made from each pattern of the list, plus names people really
have (.env.local, id_ed25519.pub, gcp-credentials.json ...), each placed at a backend's top level and inside a
package folder. The patterns are always read from never_ship.yml, never typed again here.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml
from space_tools import dockerignore

from harness import docker
from harness.images import PYTHON_IMAGE
from tests.conftest import REPO, node_example_answers, python_example_answers, space_tools

RULES = yaml.safe_load((REPO / "common" / "space_tools" / "never_ship.yml").read_text(encoding="utf-8"))
NEVER: list[str] = RULES["never"]
KEEP: list[str] = RULES["keep"]
LOCAL: list[str] = RULES["local"]

RUNTIMES = ("python", "node")
# A folder of each runtime's backend that holds code, where the nested samples go.
PACKAGE = {"python": "app", "node": "src"}

# Names people really have, on top of the one name made from each pattern.
REALISTIC_NEVER = (
    ".env", ".env.local", ".envrc", ".env_prod", "prod.env",
    "id_rsa", "id_ed25519.pub", ".ssh/config", "server.pem", "tls.key",
    ".npmrc", ".pypirc", ".netrc", "gcp-credentials.json", "service-account-prod.json", "secrets.json",
    "terraform.tfstate", ".terraform/x",
    "main.py.rej", "main.py.orig",
    ".git/HEAD", ".venv/pyvenv.cfg", "node_modules/x/index.js", "__pycache__/a.cpython-313.pyc",
)
REALISTIC_LOCAL = ("data.db", "dist/x.js")
# Files that must ship: what `keep` allows, and names that only look like a never or local one.
NEAR_MISSES = ("env.py", "credentials.py", "keys.py", "dist.py", "database.py")
SHIPS = (*KEEP, *NEAR_MISSES)


# --- The sample table ------------------------------------------------------------------------------------------


def example_of(pattern: str) -> str:
    """One concrete path the pattern catches: `*` and `?` become x, `[cod]` its first letter, `name/` a folder."""
    name = re.sub(r"\[([^\]]+)\]", lambda match: match.group(1)[0], pattern.rstrip("/"))
    name = name.replace("*", "x").replace("?", "x")
    return f"{name}/sample" if pattern.endswith("/") else name


def table(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The sample paths, sorted; a name can't be a file and a folder in one place, so such a file (the .git
    made from `.git`, beside .git/HEAD) moves into worktree/, where a git worktree keeps its .git file."""
    paths = {path for group in groups for path in group}
    folders = {parent.as_posix() for path in paths for parent in PurePosixPath(path).parents}
    return tuple(sorted(f"worktree/{path}" if path in folders else path for path in paths))


NEVER_SAMPLES = table([example_of(pattern) for pattern in NEVER], REALISTIC_NEVER)
LOCAL_SAMPLES = table([example_of(pattern) for pattern in LOCAL], REALISTIC_LOCAL)
SAMPLES = NEVER_SAMPLES + LOCAL_SAMPLES


def placed(samples: tuple[str, ...], *spots: str) -> list[str]:
    """Each sample at each spot: "" is the top level, "app/" a package folder."""
    return [f"{spot}{sample}" for spot in spots for sample in samples]


def write(root: Path, paths: list[str]) -> None:
    """Create each file; its one line is a comment, which every format here (.env files too) reads as nothing."""
    for relative in paths:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# sample {relative}\n")


def files_under(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def caught(path: str, patterns: list[str]) -> bool:
    """Whether a pattern of the list catches a name along the path (`name/` only a folder's name)."""
    parts = PurePosixPath(path).parts
    return any(
        fnmatch.fnmatchcase(part, pattern.rstrip("/"))
        for index, part in enumerate(parts)
        for pattern in patterns
        if not pattern.endswith("/") or index < len(parts) - 1
    )


def test_the_table_has_a_sample_for_every_pattern_and_each_sample_is_caught_by_its_part_of_the_list():
    for pattern in NEVER:
        assert any(caught(sample, [pattern]) for sample in NEVER_SAMPLES), f"no sample for never pattern {pattern!r}"
    for pattern in LOCAL:
        assert any(caught(sample, [pattern]) for sample in LOCAL_SAMPLES), f"no sample for local pattern {pattern!r}"
    assert [s for s in NEVER_SAMPLES if not caught(s, NEVER)] == []
    assert [s for s in LOCAL_SAMPLES if not caught(s, LOCAL)] == []
    assert [s for s in NEAR_MISSES if caught(s, NEVER + LOCAL)] == [], "a near miss must be an ordinary file"
    assert all(caught(name, NEVER) for name in KEEP), "keep names only what never would catch"


# --- What the tools say ----------------------------------------------------------------------------------------


def lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


def run(args: list[str], cwd: Path) -> str:
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


# --- 1. The rendered ignore files list every pattern -----------------------------------------------------------


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_dockerignore_lists_every_never_and_local_pattern_at_any_depth(render, runtime):
    rendered = lines(render(runtime=runtime) / ".dockerignore")

    missing = [pattern for pattern in NEVER + LOCAL if f"**/{pattern.rstrip('/')}" not in rendered]

    assert missing == [], f"the {runtime} .dockerignore lacks these never_ship.yml patterns: {missing}"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_gitignore_lists_every_never_pattern_and_re_admits_every_keep_name(render, runtime):
    rendered = lines(render(runtime=runtime) / ".gitignore")

    missing = [pattern for pattern in NEVER if pattern not in rendered]
    missing += [f"!{name}" for name in KEEP if f"!{name}" not in rendered]

    assert missing == [], f"the {runtime} .gitignore lacks these never_ship.yml lines: {missing}"


# --- 2a. sync --------------------------------------------------------------------------------------------------


@pytest.fixture
def backend_with_samples(request, tmp_path):
    """Each runtime's example backend in a temporary folder, with every sample at its top level and in its
    package folder, and the files that must ship in its package folder: (backend, ordinary files, top names)."""

    def _make(runtime: str) -> tuple[Path, set[str], list[str]]:
        source = request.getfixturevalue("python_backends")["uv-lock"] if runtime == "python" else (
            request.getfixturevalue("node_backend"))
        backend = shutil.copytree(source, tmp_path / "backend")
        package = PACKAGE[runtime]
        if runtime == "node":
            write(backend, [f"{package}/util.ts"])
        ordinary = files_under(backend) | {f"{package}/{name}" for name in SHIPS}
        write(backend, placed(SAMPLES, "", f"{package}/") + [f"{package}/{name}" for name in SHIPS])
        # backend_files may name no .env file (the answers refuse it): the nested ones cover those names; a build
        # output folder it names ships (a committed build the app serves: the test below).
        tops = sorted({PurePosixPath(sample).parts[0] for sample in SAMPLES})
        return backend, ordinary, [name for name in tops if not name.startswith(".env") and name not in BUILD_OUTPUT]

    return _make


BUILD_OUTPUT = {pattern.rstrip("/") for pattern in LOCAL if pattern.endswith("/")}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_build_output_folder_backend_files_lists_is_synced_and_reaches_the_build(render, backend_with_samples,
                                                                                   runtime):
    # wandb/openui commits its frontend's build in dist/ and serves it at import: listed, it ships; its other
    # local samples (data.db) and what never ships stay out.
    backend, _, _ = backend_with_samples(runtime)
    answers = python_example_answers if runtime == "python" else node_example_answers
    project = render(**answers(backend, backend_files=BASE_FILES[runtime] + sorted(BUILD_OUTPUT)))

    space_tools(project, "sync")

    copied = files_under(project / "backend")
    shipped = {path for path in copied if PurePosixPath(path).parts[0] in BUILD_OUTPUT}
    assert shipped == {path for path in placed(LOCAL_SAMPLES, "") if PurePosixPath(path).parts[0] in BUILD_OUTPUT}
    assert not copied & set(placed(NEVER_SAMPLES, "")) and "data.db" not in copied
    ignore = dockerignore.parse((project / ".dockerignore").read_text())
    assert not any(dockerignore.excluded(ignore, f"backend/{path}") for path in shipped)
    assert dockerignore.excluded(ignore, f"backend/{PACKAGE[runtime]}/dist/x.js"), "only the listed folder is kept"


BASE_FILES = {
    "python": ["app", "pyproject.toml", "uv.lock"],
    "node": ["auth-server.ts", "src", "package.json", "package-lock.json", "tsconfig.json"],
}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_sync_copies_the_backend_but_no_never_or_local_sample_and_names_what_it_left_out(
    render, backend_with_samples, runtime
):
    backend, ordinary, top_samples = backend_with_samples(runtime)
    answers = python_example_answers if runtime == "python" else node_example_answers
    project = render(**answers(backend, backend_files=BASE_FILES[runtime] + top_samples))

    notes = space_tools(project, "sync").stdout

    copied = files_under(project / "backend")
    leaked = sorted(copied & set(placed(SAMPLES, "", f"{PACKAGE[runtime]}/")))
    assert leaked == [], f"sync copied never/local samples into ./backend: {leaked}"
    assert copied == ordinary, f"missing: {sorted(ordinary - copied)}; unexpected: {sorted(copied - ordinary)}"
    for sample in placed(LOCAL_SAMPLES, "", f"{PACKAGE[runtime]}/"):
        if PurePosixPath(sample).parts[0] in BUILD_OUTPUT:
            continue  # not listed, so never visited (listed, it ships: the test above)
        prefixes = [p.as_posix() for p in reversed(PurePosixPath(sample).parents) if p.name] + [sample]
        assert any(f"left out {prefix} (local state" in notes for prefix in prefixes), (sample, notes)


# --- 2b. git ---------------------------------------------------------------------------------------------------


def not_ignored(repo: Path) -> set[str]:
    """What `git add --all` would add: untracked files the repo's ignore rules let through."""
    return set(run(["git", "ls-files", "--others", "--exclude-standard", "-z"], repo).split("\0")) - {""}


def ignoring_rule(repo: Path, paths: list[str]) -> dict[str, str]:
    """For each path, the .gitignore line that decides it ("" when none does, `!...` when it re-admits)."""
    out = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin", "-z"],
        cwd=repo, input="\0".join(paths) + "\0", capture_output=True, text=True,
    ).stdout.split("\0")
    # -z -v: source, line number, pattern, path, for each path in turn.
    return {out[index + 3]: out[index + 2] for index in range(0, len(out) - 3, 4)}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_git_never_commits_a_never_sample_and_commits_the_keep_names(render, runtime):
    # The starter Space keeps ./backend in git, so its package folder is where a secret could really be committed.
    project = render(runtime=runtime)
    run(["git", "init", "--quiet", "--initial-branch=main"], project)
    package = f"backend/{PACKAGE[runtime]}/"
    # At the top level the repository's own .git folder stands in for the .git samples.
    at_top = tuple(sample for sample in NEVER_SAMPLES if PurePosixPath(sample).parts[0] != ".git")
    never_paths = placed(at_top, "") + placed(NEVER_SAMPLES, package)
    kept = [f"{package}{name}" for name in SHIPS]
    write(project, never_paths + kept)

    committed = not_ignored(project)
    rules = ignoring_rule(project, never_paths + kept)

    assert sorted(committed & set(never_paths)) == [], "git would commit these never samples"
    assert [path for path in never_paths if not rules[path] or rules[path].startswith("!")] == []
    assert set(kept) <= committed, f"git ignores what must ship: {sorted(set(kept) - committed)}"
    assert {".env.example", "README.md", "Dockerfile", ".dockerignore"} <= committed


# --- 2c. the upload (deploy --dry-run) -------------------------------------------------------------------------


@pytest.fixture
def no_hub(monkeypatch):
    """A dry run contacts nobody; a Hub address where nothing listens and no token make sure of it."""
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.delenv("HF_TOKEN", raising=False)


def dry_run_files(project: Path) -> list[str]:
    """The files `deploy --dry-run` says it would upload (the list under its "Files (N)" line)."""
    out = space_tools(project, "deploy", "--dry-run").stdout.splitlines()
    start = next(index for index, line in enumerate(out) if line.startswith("Files ("))
    files = [line.strip() for line in out[start + 1:] if line.startswith("  ")]
    assert len(files) == int(re.match(r"Files \((\d+)\)", out[start]).group(1)), out
    return files


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_deploy_uploads_no_never_or_local_sample(render, runtime, no_hub):
    # The starter Space keeps ./backend in the repo, so the upload reads the samples from disk there.
    project = render(runtime=runtime)
    backend_code = {f"backend/{path}" for path in files_under(project / "backend")}
    package = f"backend/{PACKAGE[runtime]}/"
    # deploy refuses to run at all while a *.rej is left (an unfinished `copier update`, see test_update.py),
    # so those samples stay out of this one.
    samples = tuple(sample for sample in SAMPLES if not sample.endswith(".rej"))
    sample_paths = placed(samples, "", "backend/", package)
    write(project, sample_paths + [f"{package}{name}" for name in SHIPS])

    listed = dry_run_files(project)

    assert sorted(set(listed) & set(sample_paths)) == [], "deploy would upload these never/local samples"
    assert {"README.md", "Dockerfile", ".dockerignore"} <= set(listed)
    assert backend_code <= set(listed), f"backend files left out: {sorted(backend_code - set(listed))}"
    assert {f"{package}{name}" for name in NEAR_MISSES} <= set(listed)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_deploy_of_a_synced_backend_uploads_no_never_or_local_sample(
    render, backend_with_samples, runtime, no_hub
):
    backend, ordinary, top_samples = backend_with_samples(runtime)
    answers = python_example_answers if runtime == "python" else node_example_answers
    project = render(**answers(backend, backend_files=BASE_FILES[runtime] + top_samples))
    samples = tuple(sample for sample in SAMPLES if not sample.endswith(".rej"))
    write(project, placed(samples, ""))

    # A dry run lists ./backend as sync would write it, straight from the backend.
    listed = set(dry_run_files(project))

    sample_paths = placed(samples, "") + placed(SAMPLES, "backend/", f"backend/{PACKAGE[runtime]}/")
    assert sorted(listed & set(sample_paths)) == [], "deploy would upload these never/local samples"
    code = {f"backend/{path}" for path in ordinary if PurePosixPath(path).name not in KEEP}
    assert {"README.md", "Dockerfile", ".dockerignore"} | code <= listed, sorted(code - listed)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_deploy_uploads_no_never_sample_even_through_a_dockerignore_that_admits_everything(render, runtime, no_hub):
    # deploy reads never_ship.yml itself too, so a .dockerignore trimmed by hand can't let a secret out.
    project = render(runtime=runtime)
    (project / ".dockerignore").write_text("# trimmed by hand: everything reaches the build\n")
    backend_code = {f"backend/{path}" for path in files_under(project / "backend")}
    samples = tuple(sample for sample in NEVER_SAMPLES if not sample.endswith(".rej"))
    sample_paths = placed(samples, "", "backend/", f"backend/{PACKAGE[runtime]}/")
    write(project, sample_paths)

    listed = set(dry_run_files(project))

    assert sorted(listed & set(sample_paths)) == [], "deploy would upload these never samples"
    assert backend_code <= listed


# --- 2d. docker ------------------------------------------------------------------------------------------------

LIST_CONTEXT = f"""\
FROM {PYTHON_IMAGE}
COPY . /ctx
RUN cd /ctx && find . -type f | cut -c3- | sort > /ctx-list
"""


def context_in_image(context: Path) -> list[str]:
    """The files `docker build` really sends: built into a throwaway image, listed from it, the image removed."""
    tag = docker.unique_tag("never-ship-context")
    try:
        docker.build(context, tag)
        return docker.docker("run", "--rm", "--network", "none", tag, "cat", "/ctx-list").stdout.splitlines()
    finally:
        docker.remove_image(tag)


@pytest.mark.docker
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_docker_sends_exactly_what_our_dockerignore_reading_admits_and_no_never_or_local_sample(
    render, tmp_path, runtime
):
    context = tmp_path / "context"
    context.mkdir()
    shutil.copy2(render(runtime=runtime) / ".dockerignore", context / ".dockerignore")
    (context / "Dockerfile").write_text(LIST_CONTEXT)
    package = f"backend/{PACKAGE[runtime]}/"
    code = ["README.md", "space_serve/serve.py", "backend/manifest.txt", f"{package}main.txt"]
    # Where an allow-list and the last-match-wins rule could part ways: the two must still agree there.
    edges = ["Dockerfile.dev", "space_serve/.env", "backend/tests/test_app.py", f"{package}tests/test_app.py",
             f"{package}Dockerfile", "notes/backend/x.py"]
    sample_paths = placed(SAMPLES, "", "backend/", package)
    write(context, code + edges + sample_paths + [".env.example"] + [f"{package}{name}" for name in SHIPS])
    patterns = dockerignore.read(context)
    admitted = sorted(path for path in files_under(context) if not dockerignore.excluded(patterns, path))

    sent = context_in_image(context)

    assert sent == admitted, (
        f"Docker and space_tools/dockerignore.py disagree: Docker alone sent {sorted(set(sent) - set(admitted))}, "
        f"left out {sorted(set(admitted) - set(sent))}"
    )
    assert sorted(set(sent) & set(sample_paths)) == [], "the build context holds never/local samples"
    assert {"Dockerfile", "space_serve/serve.py", "backend/manifest.txt", f"{package}main.txt"} <= set(sent)
    assert {f"{package}{name}" for name in NEAR_MISSES} <= set(sent)
