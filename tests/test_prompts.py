"""A copy asks only what a person must decide (the runtime, where the backend is, the Space's name, owner and
visibility, whether people sign in with Hugging Face, where data is kept); every other answer takes its default, is recorded, and is asked when named with `--ask`. The
prompts Copier would show are counted through Copier's own prompt call, answered with what a user would type."""

from __future__ import annotations

import pytest
import yaml

import copier
from tests.conftest import REPO
from tests.support import figures

# What the test types: the runtime and the backend; every other prompt is accepted as offered.
TYPED = {"runtime": None, "backend_path": None}


def _prompts(monkeypatch, tmp_path, runtime: str, backend: str, ask: tuple[str, ...] = (),
             shown: dict[str, str] | None = None) -> list[str]:
    asked: list[str] = []

    def prompt(questions, answers):
        name = questions[0]["name"]
        if not questions[0]["when"](answers):  # questionary shows only questions whose `when` holds
            return {name: answers[name]}
        asked.append(name)
        if shown is not None:
            shown[name] = questions[0]["message"]
        typed = {"runtime": runtime, "backend_path": backend}
        return {name: typed[name] if name in typed else answers[name]}

    monkeypatch.setattr("copier._main.unsafe_prompt", prompt)
    destination = tmp_path / f"{runtime}-{'backend' if backend else 'starter'}"
    copier.run_copy(str(REPO), destination, vcs_ref="HEAD", quiet=True, ask=list(ask))
    assert (destination / "space.json").is_file()
    return asked


@pytest.mark.parametrize("runtime", ["python", "node"])
@pytest.mark.parametrize("backend", ["", "../backend"], ids=["starter", "existing backend"])
def test_a_copy_asks_seven_questions_or_eight_for_a_node_starter(monkeypatch, tmp_path, runtime, backend):
    (tmp_path / "backend").mkdir()

    asked = _prompts(monkeypatch, tmp_path, runtime, backend)

    database = ["database"] if runtime == "node" and not backend else []
    assert asked == ["runtime", "backend_path", "space_name", "space_owner", "visibility", "hf_oauth", *database,
                     "storage"]
    figures.record(f"prompts: {runtime} {'with a backend' if backend else 'starter'}: {len(asked)} "
                   f"({', '.join(asked)}); answers typed: {len([n for n in asked if n in TYPED])}")


def test_an_answer_not_asked_is_still_recorded_and_asked_when_named(monkeypatch, tmp_path):
    asked = _prompts(monkeypatch, tmp_path, "python", "", ask=("emoji", "workers"))

    assert "emoji" in asked and "workers" in asked
    recorded = yaml.safe_load((tmp_path / "python-starter" / ".copier-answers.yml").read_text())
    assert recorded["license"] == "mit" and recorded["hardware"] == "cpu-basic", "defaults are recorded answers"


@pytest.mark.parametrize("runtime", ["python", "node"])
def test_every_question_fits_an_80_column_terminal(monkeypatch, tmp_path, runtime):
    (tmp_path / "backend").mkdir()
    shown: dict[str, str] = {}

    _prompts(monkeypatch, tmp_path, runtime, "../backend", ask=("*",), shown=shown)

    assert len(shown) > 15, "every question was asked"
    wide = {name: line for name, message in shown.items() for line in message.splitlines() if len(line) > 80}
    assert wide == {}
