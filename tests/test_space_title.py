"""The Space's title, when not given, is its name as typed, words capitalised where they were all lowercase and a
few common acronyms in capitals: a name like tasks-API or tasks-api becomes "Tasks API", never "Tasks Api". (The
examples take their titles from this default: tests/test_rendered_examples.py renders them through Copier.)"""

from __future__ import annotations

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from tests.conftest import REPO

# The question's default, rendered as Copier renders it (a sandbox, with the Ansible filters Copier loads).
DEFAULT = yaml.safe_load((REPO / "copier" / "questions" / "space.yml").read_text())["space_title"]["default"]
JINJA = SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


@pytest.mark.parametrize(("name", "title"), [
    ("tasks-API", "Tasks API"),
    ("tasks-api", "Tasks API"),
    ("my_ml-ui", "My ML UI"),
    ("iPhone-notes.v2", "iPhone Notes.v2"),
    ("notes", "Notes"),
])
def test_the_default_title_keeps_the_names_letters_and_its_acronyms(name, title):
    assert JINJA.from_string(DEFAULT).render(space_name=name) == title
