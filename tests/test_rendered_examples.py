"""What users receive is in the repository (examples/spaces/, written by tools/render-examples: every file the
templates render, less those they copy unchanged) and is what the templates render today; and no rendered file
talks about our workshop: our machines, tests or stand-ins."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.support.copier_cli import copier_copy

ANSWERS = sorted((REPO / "examples" / "answers").glob("*.yml"))
# Copier's record of where and from which commit it rendered, which tools/render-examples replaces.
BOOKKEEPING = re.compile(r"^(_commit|_src_path): .*$", re.M)
# Words that belong to this repository's docs, never to a user's Space repo.
WORKSHOP = re.compile(
    r"docker 20\.10|stand-?in|hub_standin|not reachable everywhere|measured here|tests of this template"
    r"|our (tests|machines|benchmarks|ci)\b|on this machine here|pytest-copie|tools/(setup|demo|test)\b|\.ci/run"
    r"|/work/|bench/run|examples/backend",
    re.I,
)
# The first line of every file of space_tools/ and space_serve/ in a Space repo.
HEADER = "From this Space's Copier template; `copier update` brings its new versions and keeps your edits."
VARIANTS = {
    "python-starter": {"runtime": "python"},
    "python-everything": {"runtime": "python", "dev_mode": True, "workers": 2, "backend_path": "../backend",
                          "hf_oauth": True},
    "python-sign-in": {"runtime": "python", "hf_oauth": True},
    "node-starter": {"runtime": "node"},
    "node-everything": {"runtime": "node", "database": "postgres", "iframe": True, "dev_mode": True,
                        "backend_path": "../backend", "hf_oauth": True},
    "node-sign-in": {"runtime": "node", "hf_oauth": True},
}


def _committed(folder: Path) -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "."],
                            cwd=folder, capture_output=True, text=True, check=True).stdout
    return sorted(name for name in listed.split("\0") if name and (folder / name).is_file())


def _rendered(project: Path, runtime: str) -> list[str]:
    """The files Copier wrote from a template, not copied unchanged from the template's folder."""
    source = REPO / f"template-{runtime}-space"
    return sorted(
        path.relative_to(project).as_posix() for path in project.rglob("*")
        if path.is_file() and not (
            (source / path.relative_to(project)).is_file()
            and (source / path.relative_to(project)).read_bytes() == path.read_bytes()
        )
    )


def _text(path: Path) -> str:
    return BOOKKEEPING.sub(lambda match: match.group(1), path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("answers", ANSWERS, ids=[path.stem for path in ANSWERS])
def test_the_committed_example_is_what_the_template_renders_today(answers, tmp_path):
    chosen = yaml.safe_load(answers.read_text())
    name = chosen["space_name"]
    committed = REPO / "examples" / "spaces" / name
    fresh = tmp_path / "examples" / "spaces" / name
    (tmp_path / "examples" / "backend").mkdir(parents=True)

    result = copier_copy(fresh, answers, backend_path="../../backend")

    assert result.returncode == 0, result.stderr
    rendered = _rendered(fresh, chosen["runtime"])
    stale = "examples/spaces is stale: run tools/render-examples and commit the diff"
    assert _committed(committed) == rendered, stale
    assert [path for path in rendered if _text(committed / path) != _text(fresh / path)] == [], stale


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_no_rendered_file_speaks_of_our_workshop(render, answers):
    project = render(**answers)
    found = [
        f"{path.relative_to(project)}:{number}: {line.strip()}"
        for path in sorted(project.rglob("*")) if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WORKSHOP.search(line) and not BOOKKEEPING.match(line)  # where Copier copied from is the user's own
    ]
    assert found == []


@pytest.mark.parametrize("answers", VARIANTS.values(), ids=VARIANTS.keys())
def test_the_space_readme_is_short_narrow_and_single_spaced(render, answers):
    readme = (render(**answers) / "README.md").read_text(encoding="utf-8")
    lines = readme.splitlines()

    assert len(lines) < 75, f"{len(lines)} lines"
    assert [line for line in lines if len(line) > 100] == []
    assert "\n\n\n" not in readme and readme.endswith("\n") and not readme.endswith("\n\n")


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_every_file_of_the_tools_and_the_wrapper_says_where_it_comes_from(render, runtime):
    space = render(runtime=runtime)
    files = sorted(p for folder in ("space_tools", "space_serve") for p in (space / folder).iterdir() if p.is_file())
    first_lines = {p.relative_to(space).as_posix(): p.read_text().splitlines()[0] for p in files}
    assert files and all(HEADER in line for line in first_lines.values()), first_lines
