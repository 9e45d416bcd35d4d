"""The Space repo's tools install in one documented command on any machine with Python 3.10+, never into the
system Python: `./space <command>` runs them through uv when it is there, else in a virtual environment it makes
once. Run without it, a missing or too-old dependency is one line naming the version and that command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

INSTALL = ("run the tools as ./space <command>, which installs them apart from the system Python, or "
           "`pip install -r space_tools/requirements.txt` in a virtual environment.")


def _python(version: str) -> str:
    """An interpreter of that version on this machine (pyenv's, or on PATH), as a user may have it."""
    root = Path(os.environ.get("PYENV_ROOT", "~/.pyenv")).expanduser()
    candidates = sorted(root.glob(f"versions/{version}.*/bin/python3")) + [Path(shutil.which(f"python{version}") or "")]
    for candidate in candidates:
        ran = subprocess.run([str(candidate), "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                             text=True, check=False) if candidate.name else None
        if ran and ran.returncode == 0 and ran.stdout.strip() == str(tuple(map(int, version.split(".")))):
            return str(candidate)
    raise AssertionError(f"this test needs a Python {version} interpreter (pyenv install {version})")


def _without_uv(python: str) -> dict[str, str]:
    return {**os.environ, "SPACE_TOOLS_NO_UV": "1", "PYTHON": python}


def _space(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(project / "space"), *args], cwd=project, env=env, capture_output=True, text=True,
                          timeout=600)


def test_space_runs_the_tools_through_uv_and_leaves_no_environment_in_the_repo(render):
    project = render(runtime="python")
    assert shutil.which("uv"), "uv is on PATH here, as on a machine that has it"

    result = _space(project, "check")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("ok: ")
    assert not (project / ".space-tools").exists()


def test_without_uv_or_with_a_uv_that_does_not_run_it_makes_its_own_environment_once_from_python_3_10(
        render, tmp_path):
    project = render(runtime="python")
    env = _without_uv(_python("3.10"))
    broken = tmp_path / "broken-bin"  # a uv that fails to start, as a half-removed install does
    broken.mkdir()
    (broken / "uv").write_text("#!/bin/sh\necho 'uv: cannot execute binary file' >&2\nexit 126\n")
    (broken / "uv").chmod(0o755)
    with_broken_uv = {**env, "PATH": f"{broken}:{os.environ['PATH']}"}
    with_broken_uv.pop("SPACE_TOOLS_NO_UV")

    first, second = _space(project, "check", env=env), _space(project, "check", env=env)
    third = _space(project, "check", env=with_broken_uv)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "installing the tools' dependencies into .space-tools/ (once)" in first.stderr
    assert "installing" not in second.stderr
    assert ".space-tools/" in (project / ".gitignore").read_text()
    assert third.returncode == 0, third.stderr
    assert third.stderr.splitlines()[0] == (
        f"space: {broken / 'uv'} does not run (uv: cannot execute binary file); the tools go in .space-tools/ "
        "instead (SPACE_TOOLS_NO_UV=1 skips uv)."), third.stderr
    assert "Traceback" not in third.stderr


def test_a_python_older_than_3_10_is_refused_with_the_way_out(render):
    project = render(runtime="python")

    result = _space(project, "check", env=_without_uv(_python("3.9")))

    assert result.returncode == 2 and not (project / ".space-tools").exists()
    assert result.stderr.startswith("error: space_tools needs Python 3.10 or newer;")
    assert "install uv (https://docs.astral.sh/uv/) or set PYTHON to a newer one." in result.stderr


def _venv(folder: Path, *packages: str) -> Path:
    subprocess.run([sys.executable, "-m", "uv", "venv", "--quiet", "--python", sys.executable, str(folder)],
                   check=True, capture_output=True)
    if packages:
        subprocess.run([sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", str(folder / "bin" /
                        "python"), *packages], check=True, capture_output=True, timeout=300)
    return folder / "bin" / "python"


def test_a_missing_dependency_is_one_line_naming_it_and_the_command_that_installs_it(render, tmp_path):
    project = render(runtime="python")
    bare = _venv(tmp_path / "bare")

    result = subprocess.run([str(bare), "-m", "space_tools", "check"], cwd=project, capture_output=True, text=True)

    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == f"error: check needs packaging>=23, which {bare} doesn't have: {INSTALL}\n"


def test_an_old_huggingface_hub_stops_deploy_before_it_starts_and_nothing_else(render, tmp_path):
    project = render(runtime="python")
    python = _venv(tmp_path / "ml-stack", "huggingface_hub==0.36.0", "packaging", "pyyaml", "python-dotenv", "tomli")

    deploy = subprocess.run([str(python), "-m", "space_tools", "deploy", "--dry-run"], cwd=project,
                            capture_output=True, text=True)
    check = subprocess.run([str(python), "-m", "space_tools", "check"], cwd=project, capture_output=True, text=True)

    assert deploy.returncode == 2
    assert deploy.stderr == f"error: deploy needs huggingface_hub>=1.30,<3, and 0.36.0 is installed: {INSTALL}\n"
    assert check.returncode == 0, check.stderr


def test_version_names_the_template_release_the_space_was_made_from(render):
    project = render(runtime="python")
    # Read as YAML: a commit whose short hash is all digits is written quoted ('4422956').
    commit = str(yaml.safe_load((project / ".copier-answers.yml").read_text())["_commit"])

    result = _space(project, "--version")

    assert result.returncode == 0
    assert result.stdout.startswith(f"space_tools {commit} from ")


@pytest.mark.parametrize("command", ["check", "sync"])
def test_the_tools_need_no_huggingface_hub_outside_deploy(render, tmp_path, command):
    python = _venv(tmp_path / "no-hub", "packaging", "pyyaml", "python-dotenv", "tomli")
    result = subprocess.run([str(python), "-m", "space_tools", command], cwd=render(runtime="python"),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# A stand-in for pyenv's shims, as pyenv documents them: the version from PYENV_VERSION, else the nearest
# .python-version, else the global one; a version pyenv lacks stops the command with pyenv's own line.
PYENV_SHIM = """#!/bin/sh
version=${PYENV_VERSION:-}
dir=$PWD
while [ -z "$version" ] && [ "$dir" != / ]; do
  if [ -f "$dir/.python-version" ]; then version=$(head -n 1 "$dir/.python-version"); from="$dir/.python-version"; fi
  dir=$(dirname "$dir")
done
case "${version:-3.11.7}" in
  3.11.7) exec %(real)s "$@" ;;
  *) echo "pyenv: version \\`$version' is not installed (set by $from)" >&2; exit 1 ;;
esac
"""
PYENV = "#!/bin/sh\n[ \"$1\" = global ] && echo 3.11.7\n"


def _pyenv_shims(folder: Path) -> dict[str, str]:
    """PATH with pyenv (stand-in) and a uv reached through its shim."""
    folder.mkdir()
    (folder / "uv").write_text(PYENV_SHIM % {"real": Path(sys.executable).parent / "uv"})
    (folder / "pyenv").write_text(PYENV)
    for name in ("uv", "pyenv"):
        (folder / name).chmod(0o755)
    outside = {name: value for name, value in os.environ.items() if name != "PYENV_VERSION"}  # it would outrank .python-version
    return {**outside, "PATH": f"{folder}:{os.environ['PATH']}"}


def test_a_uv_behind_a_pyenv_shim_runs_the_tools_though_the_backend_names_a_python_pyenv_lacks(render, tmp_path):
    project = render(runtime="python")
    (project.parent / ".python-version").write_text("3.14\n")  # the backend's, above the Space's folder
    env = _pyenv_shims(tmp_path / "shims")
    assert "not installed" in subprocess.run(["uv", "--version"], cwd=project, env=env, capture_output=True,
                                             text=True).stderr, "the shim fails there, as pyenv's does"

    result = _space(project, "--version", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("space_tools ") and result.stderr == ""
    assert not (project / ".space-tools").exists(), "through uv"
