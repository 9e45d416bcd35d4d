# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`ci`: GitHub runs only the workflows at a repository's root, and Renovate reads only the configuration there. When
this Space is a folder of a larger repository (spaces/api beside backend/), write its workflows there, run in the
Space's folder and triggered only by changes to it or its backend, and its Renovate configuration (see
renovate_root); when it is its own repository, its .github/ already works."""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import config, git_source, renovate_root
from .errors import SpaceError

MARK = f"# {renovate_root.MARK}"  # the first line of each file it writes: only those are ever replaced


def add_arguments(parser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")


def _for_root(text: str, space: str, backend: str | None, name: str) -> str:
    """The Space's workflow, run in its folder and triggered by its files and its backend's; its comments kept."""
    paths = "[" + ", ".join(f'"{path}"' for path in [f"{space}/**", *([f"{backend}/**"] if backend else [])]) + "]"
    steps = [
        (r"^name: (.+)$", lambda m: f"name: {m[1]} ({name})"),
        # Each trigger gets the paths filter, after its own settings (push: branches: [main]).
        (r"^(  (?:pull_request|push):\n(?:    .*\n)*)", lambda m: f"{m[1]}    paths: {paths}\n"),
        (r"^(  group: )(.+)$", lambda m: f"{m[1]}{m[2]}-{name}"),
        (r"^jobs:$", lambda m: f"# The Space's folder, where its tools and files are.\ndefaults:\n  run:\n"
                               f"    working-directory: {space}\n\njobs:"),
    ]
    # A scheduled workflow (health) has no push or pull_request to filter: it runs whatever changed.
    scheduled = not re.search(r"^  (?:pull_request|push):", text, flags=re.M)
    for pattern, replace in steps:
        text, count = re.subn(pattern, replace, text, count=1, flags=re.M)
        optional = "group" in pattern or (scheduled and "pull_request" in pattern)
        if count != 1 and not optional:
            raise SpaceError(f"a workflow of this Space no longer has the shape `./space ci` rewrites ({pattern!r} "
                             "not found): restore it with `copier update`, or copy it to the root by hand.")
    return text


def _inside(root: Path, path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return None  # a backend outside the repository: no checkout holds it


def main(args) -> int:
    settings = config.load(args.root)
    space_root = settings.root.resolve()
    top = git_source.repository_root(space_root)
    if top is None:
        raise SpaceError(f"{space_root} is not in a git repository: `git init` the repository that holds the "
                         "Space (and its backend), then run `./space ci` again.")
    sources = sorted((space_root / ".github" / "workflows").glob("*.yml"))
    if top == space_root:
        print(f"this Space is its own repository: GitHub already runs {', '.join(p.name for p in sources)} from "
              ".github/workflows/; nothing to write.")
        return 0
    space = space_root.relative_to(top).as_posix()
    backend = _inside(top, settings.backend_path)
    if settings.backend_path is not None and backend is None:
        raise SpaceError(f"the backend {settings.backend_path} is outside the repository at {top}, so no checkout "
                         "of it holds the code: move the backend into the repository.")
    target = top / ".github" / "workflows"
    written = []
    for source in sources:
        destination = target / f"{settings.space_name}-{source.name}"
        if destination.is_symlink() or (destination.exists() and not destination.read_text(
                encoding="utf-8", errors="replace").startswith(MARK)):
            raise SpaceError(f"{destination} exists and was not written by `./space ci`: rename or remove it, "
                             "then run `./space ci` again (nothing was written).")
        workflow = _for_root(source.read_text(encoding="utf-8"), space, backend, settings.space_name)
        header = (f"{MARK}{space}/.github/workflows/{source.name}{renovate_root.AFTER}\n"
                  f"# Runs in {space}/, on changes to it{' and to ' + backend if backend else ''}.\n")
        written.append((destination, header + workflow))
    renovate = renovate_root.plan(top, space)  # Renovate, like GitHub, reads only the repository root's
    if renovate.path is not None:
        written.append((renovate.path, renovate.text))
    for destination, text in written:
        shown = destination.relative_to(top)
        if args.dry_run:
            print(f"would write {shown}")
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, destination)  # whole or not at all
        print(f"wrote {shown}")
    if renovate.note:
        print(renovate.note)
    if not args.dry_run:
        print("commit them; GitHub runs workflows, and Renovate reads its configuration, only from the repository "
              "root.")
    return 0
