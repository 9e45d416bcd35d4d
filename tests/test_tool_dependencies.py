"""space_tools' dependencies are declared once, in space_tools/requirements.txt: the workflows, the generated
README and Copier's closing message install from it, and this repository's own test environment pins the same."""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.conftest import REPO

TOOLS = REPO / "common" / "space_tools"
WORKFLOWS = sorted((REPO / "common" / "github" / "workflows").glob("*.yml"))
INSTALL = "--requirement space_tools/requirements.txt"


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


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[path.name for path in WORKFLOWS])
def test_workflows_install_from_the_requirements_file_only(workflow):
    installs = [line for line in workflow.read_text().splitlines() if "pip install" in line]
    assert installs and all(line.rstrip().endswith(INSTALL) for line in installs), installs


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_generated_readme_installs_from_the_requirements_file(render, runtime):
    readme = (render(runtime=runtime) / "README.md").read_text()
    assert "pip install -r space_tools/requirements.txt" in readme
    assert not re.search(r"pip install [^\n]*(huggingface_hub|pyyaml|python-dotenv)[>=<]", readme, re.I)
