"""The Python image's build step that drops debug info from the serving libraries keeps them loadable.

A shared library compiled here with debug info (gcc -g) is cut to what the loader maps, then loaded and called
in a fresh process; files that are not ELF, or have nothing to drop, stay byte for byte.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

STRIP_DEBUG = REPO / "template-python-space" / "space_serve" / "strip_debug.py"
LIBRARY = """
#include <string.h>
static const char *greeting = "served";
int answer(int x) { return x * 6 + (int)strlen(greeting); }
"""


def _module():
    spec = importlib.util.spec_from_file_location("strip_debug", STRIP_DEBUG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compiled(folder: Path) -> Path:
    (folder / "answer.c").write_text(LIBRARY)
    library = folder / "libanswer.so"
    subprocess.run(["gcc", "-g3", "-O0", "-shared", "-fPIC", "-o", str(library), str(folder / "answer.c")], check=True)
    return library


def _call(library: Path) -> int:
    code = f"import ctypes; print(ctypes.CDLL({str(library)!r}).answer(7))"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def test_a_library_with_debug_info_shrinks_and_still_loads_and_runs(tmp_path):
    library = _compiled(tmp_path)
    before = library.stat().st_size
    saved = _module().strip(library)
    assert saved > 0 and library.stat().st_size == before - saved
    assert library.read_bytes()[0x3C:0x40] == b"\0\0\0\0", "no section headers left to point past the end"
    assert _call(library) == 7 * 6 + len("served")
    assert _module().strip(library) == 0, "a second pass finds nothing more to drop"


def test_files_that_are_not_elf_libraries_are_left_alone(tmp_path):
    script = tmp_path / "fake.so"
    script.write_bytes(b"#!/bin/sh\necho not a library\n")
    truncated = tmp_path / "short.so"
    truncated.write_bytes(b"\x7fELF\x02\x01" + b"\0" * 20)
    assert _module().strip(script) == 0 and _module().strip(truncated) == 0
    assert script.read_bytes() == b"#!/bin/sh\necho not a library\n"


def test_the_command_strips_every_library_under_a_folder_and_says_how_much(tmp_path):
    nested = tmp_path / "pkg" / "sub"
    nested.mkdir(parents=True)
    library = _compiled(nested)
    result = subprocess.run([sys.executable, str(STRIP_DEBUG), str(tmp_path)], capture_output=True, text=True, check=True)
    assert result.stderr.startswith("space: ") and "MB of debug info dropped" in result.stderr
    assert _call(library) == 48
