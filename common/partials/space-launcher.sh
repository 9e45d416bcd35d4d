#!/bin/sh
# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
# ./space <command>: python -m space_tools with its dependencies, never installed into the system Python.
# With uv: a cached environment uv keeps; without: a virtual environment in .space-tools/, made once.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
requirements="$here/space_tools/requirements.txt"
cd "$here"
if command -v uv >/dev/null 2>&1 && [ -z "${SPACE_TOOLS_NO_UV:-}" ]; then
  # A pyenv shim follows the nearest .python-version, often the backend's, and fails when pyenv lacks that
  # version: the tools take pyenv's global version instead (they are not the backend).
  if ! uv --version >/dev/null 2>&1 && command -v pyenv >/dev/null 2>&1; then
    PYENV_VERSION=$(pyenv global 2>/dev/null | paste -sd : -) && export PYENV_VERSION
  fi
  if failed=$(uv --version 2>&1 >/dev/null); then
    exec uv run --quiet --no-project --python ">=3.10" --with-requirements "$requirements" -- python -m space_tools "$@"
  fi
  echo "space: $(command -v uv) does not run ($(printf '%s' "$failed" | head -n 1)); the tools go in .space-tools/ instead (SPACE_TOOLS_NO_UV=1 skips uv)." >&2
fi
venv="$here/.space-tools"
if ! cmp -s "$requirements" "$venv/requirements.txt" 2>/dev/null; then
  python=${PYTHON:-python3}
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "error: space_tools needs Python 3.10 or newer; $python is not: install uv (https://docs.astral.sh/uv/) or set PYTHON to a newer one." >&2
    exit 2
  fi
  rm -rf "$venv"
  if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    echo "error: $python can't make a virtual environment (on Debian/Ubuntu: apt install python3-venv); or install uv (https://docs.astral.sh/uv/)." >&2
    exit 2
  fi
  echo "space: installing the tools' dependencies into .space-tools/ (once)" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi
exec "$venv/bin/python" -m space_tools "$@"
