"""space_tools' dependencies are declared once, in space_tools/requirements.txt: the generated README and Copier's
closing message install from it, the workflows install pins made from it (tests/test_workflows.py), and this
repository's own test environment pins the same."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.conftest import REPO

TOOLS = REPO / "common" / "space_tools"


def _requirements(lines) -> dict[str, Requirement]:
    found = [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]
    return {requirement.name.lower(): requirement for requirement in found}


def test_the_test_environment_pins_what_the_tools_declare():
    declared = _requirements((TOOLS / "requirements.txt").read_text().splitlines())
    group = tomllib.loads((REPO / "pyproject.toml").read_text())["dependency-groups"]["test"]
    ours = _requirements(group)
    assert {name: str(req.specifier) for name, req in declared.items()} == {
        name: str(ours[name].specifier) for name in declared
    }


def _named_otherwise(project: Path) -> list[str]:
    """Lines of the generated files that name the tools otherwise than `./space <command>`: all but the launcher
    itself, the module's own docstring (the fallback without a POSIX shell) and the workflows' steps, which run the
    module with its dependencies pinned by hash."""
    found = []
    for path in sorted(p for p in project.rglob("*") if p.is_file() and p.name != "space"):
        relative = path.relative_to(project).as_posix()
        if relative == "space_tools/__main__.py":
            continue
        for line in path.read_text(errors="replace").splitlines():
            step = line.strip().removeprefix("run: ")
            if "-m space_tools" in line and not (relative.startswith(".github/workflows/")
                                                 and step.startswith("python -m space_tools ")):
                found.append(f"{relative}: {line.strip()}")
    return found


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_generated_files_run_the_tools_through_the_launcher_that_installs_the_requirements_file(render,
                                                                                                    runtime):
    project = render(runtime=runtime, hf_oauth=True)
    readme, launcher = (project / "README.md").read_text(), (project / "space").read_text()
    assert "./space check" in readme and _named_otherwise(project) == []
    assert not re.search(r"pip install [^\n]*(huggingface_hub|pyyaml|python-dotenv)[>=<]", readme, re.I)
    assert launcher.count('requirements="$here/space_tools/requirements.txt"') == 1


def test_the_launcher_is_clean_for_shellcheck(render):
    launcher = render(runtime="python") / "space"
    result = subprocess.run([str(Path(sys.executable).parent / "shellcheck"), "--shell=sh", str(launcher)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
