"""Copying a template folder directly (not the repository root) fails with the command that works."""

from __future__ import annotations

import pytest

import copier
from tests.conftest import REPO


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_direct_copy_of_a_template_folder_names_the_working_command(runtime, tmp_path):
    with pytest.raises(ValueError, match=f"Render from the repository root: copier copy --data runtime={runtime}"):
        copier.run_copy(str(REPO / f"template-{runtime}-space"), tmp_path / "out", defaults=True, quiet=True)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
