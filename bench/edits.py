"""The two edits whose rebuilds are timed: a code-only change, and one more dependency in manifest and lock."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness import docker

# Small, dependency-free packages a service of each kind commonly adds next.
PYTHON_DEPENDENCY = "python-multipart"  # FastAPI's form parsing
NODE_DEPENDENCY = "nanoid"  # ids for API keys or invitations
REQUIREMENTS_EXPORT = ("export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--quiet")


@contextmanager
def code_edit(path: Path, comment: str) -> Iterator[None]:
    """Append a comment no build has seen (so no cache can hold it), then restore the file."""
    original = path.read_text()
    path.write_text(f"{original}\n{comment} benchmark edit {uuid.uuid4().hex}\n")
    try:
        yield
    finally:
        path.write_text(original)


@dataclass(frozen=True)
class DependencyAdded:
    """Manifest and lock contents before and after adding one dependency: {file name: (before, after)}."""

    package: str
    files: dict[str, tuple[str, str]]

    @contextmanager
    def applied(self, folder: Path) -> Iterator[None]:
        """Put the "after" version of each of these files that `folder` has, then restore them."""
        present = [name for name in self.files if (folder / name).exists()]
        for name in present:
            (folder / name).write_text(self.files[name][1])
        try:
            yield
        finally:
            for name in present:
                (folder / name).write_text(self.files[name][0])


def uv(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "uv", *args], cwd=cwd, check=True, capture_output=True, text=True)


def requirements_txt(project: Path) -> str:
    """requirements.txt exported from the project's uv.lock, as a user of the pip-based pattern keeps it."""
    uv(*REQUIREMENTS_EXPORT, "--output-file", "requirements.txt", cwd=project)
    text = (project / "requirements.txt").read_text()
    (project / "requirements.txt").unlink()
    return text


def python_dependency(backend: Path, scratch: Path) -> DependencyAdded:
    """`uv add` one package to a copy of pyproject.toml + uv.lock; requirements.txt follows the new lock."""
    scratch.mkdir(parents=True)
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy2(backend / name, scratch / name)
    before = {name: (scratch / name).read_text() for name in ("pyproject.toml", "uv.lock")}
    before["requirements.txt"] = requirements_txt(scratch)
    uv("add", "--no-sync", "--quiet", PYTHON_DEPENDENCY, cwd=scratch)
    after = {name: (scratch / name).read_text() for name in ("pyproject.toml", "uv.lock")}
    after["requirements.txt"] = requirements_txt(scratch)
    return DependencyAdded(PYTHON_DEPENDENCY, {name: (before[name], after[name]) for name in before})


def node_dependency(backend: Path, scratch: Path, node_image: str) -> DependencyAdded:
    """`npm install --package-lock-only` one package, with the npm of the base image the builds use."""
    scratch.mkdir(parents=True)
    names = ("package.json", "package-lock.json")
    for name in names:
        shutil.copy2(backend / name, scratch / name)
    before = {name: (scratch / name).read_text() for name in names}
    docker.docker(
        "run",
        "--rm",
        "--network",
        "host",
        "--volume",
        f"{scratch}:/work",
        "--workdir",
        "/work",
        node_image,
        "npm",
        "install",
        "--package-lock-only",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--silent",
        NODE_DEPENDENCY,
        timeout=300,
    )
    after = {name: (scratch / name).read_text() for name in names}
    return DependencyAdded(NODE_DEPENDENCY, {name: (before[name], after[name]) for name in names})
