"""A failed build or start is explained in one line with its fix (space_tools/diagnoses.yml), read from the log.

The table is tested on the text real failures print: each small Space in tests/support/failing_spaces.py is built
and run as uid 1000 the way the stand-in Hub runs a Space, and its own log is classified. The rows no machine here
can produce (the Hub's recorded timeout message, its 402) are tested on the Hub's words.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from space_tools import diagnosis, log_tail

from harness import docker
from tests.hub_standin.container import SpaceContainer, injected_env
from tests.support.failing_spaces import PY, SHAPES, FailingSpace

START_SECONDS = 3  # what the stand-in's Space may take to answer here before it counts as never answering


def _settings(space: FailingSpace, backend=None) -> SimpleNamespace:
    variables = {name: {"secret": True, "required": True, "default": "", "help": ""} for name in space.secrets}
    return SimpleNamespace(settings={"app_port": space.app_port, "startup_duration_timeout": "30m",
                                     "variables": variables}, backend_path=backend)


def _fail_for_real(space: FailingSpace, folder) -> tuple[str, list[str], str]:
    """Build and run `space` as the stand-in Hub does: (which log failed, its lines, the Hub's errorMessage)."""
    (folder / "Dockerfile").write_text(space.dockerfile)
    for name, text in {**space.files, **space.left_out}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    name = f"failing-{uuid.uuid4().hex[:8]}"
    container = SpaceContainer(folder=folder, image=f"{name}:test", name=name, port=docker.free_port(),
                               variables={}, secrets={}, memory=space.memory,
                               injected=injected_env(space_id=f"alice/{name}", host="127.0.0.1", title=name,
                                                     hardware="cpu-basic"))
    try:
        built, build_log = container.build()
        if not built:
            return "build", build_log, "Build failed with exit code: 1"
        container.start()
        reason = container.wait_until_answering(START_SECONDS)
        return "run", container.logs(), reason
    finally:
        docker.docker("kill", name, check=False)  # an app that ignores SIGTERM would hold up stop for 10 s
        container.stop()
        docker.remove_image(container.image)


@pytest.mark.docker
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_real_failure_is_named_with_its_fix(shape, tmp_path):
    space = SHAPES[shape]

    log, lines, message = _fail_for_real(space, tmp_path)

    assert log == space.fails_in, f"{shape} did not fail in its {space.fails_in}: {lines[-20:]}"
    found = diagnosis.diagnose(log, lines, settings=_settings(space, tmp_path), error_message=message)
    assert found is not None, f"{shape}: no row names this failure:\n" + "\n".join(lines[-30:])
    assert found.id == space.diagnosis, f"{shape}: {found.line()}"


# uv.lock written before fastapi was added to pyproject.toml, installed by one long RUN command, as the templates do.
LOCK_OUT_OF_DATE = FailingSpace(
    "",
    PY + "RUN pip install --no-cache-dir uv==0.13.9\nCOPY pyproject.toml uv.lock ./\n"
    "RUN set -e; install() { if [ -f uv.lock ]; then uv sync --locked --no-install-project --no-dev; "
    "elif [ -f requirements.txt ]; then uv pip install --system --requirement requirements.txt; "
    "else uv pip install --system --requirement pyproject.toml; fi; }; "
    "echo 'installing the locked dependencies'; install\n",
    {"pyproject.toml": '[project]\nname = "api"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
                       'dependencies = ["fastapi"]\n',
     "uv.lock": 'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n\n[[package]]\nname = "api"\n'
                'version = "0.1.0"\nsource = { virtual = "." }\n'},
    fails_in="build",
)


@pytest.mark.docker
def test_a_failure_no_row_knows_shows_its_first_error_line_not_the_command(tmp_path, capsys):
    log, lines, _ = _fail_for_real(LOCK_OUT_OF_DATE, tmp_path)
    assert log == "build"

    log_tail.print_diagnosed("build", lines, _settings(LOCK_OUT_OF_DATE, tmp_path))

    shown = capsys.readouterr().out.splitlines()
    assert shown[0].startswith("  first error: error: The lockfile at `uv.lock` needs to be updated, but `--locked` "
                               "was provided."), shown[:3]
    assert all(len(line) <= log_tail.WIDTH + 8 for line in shown), "a whole RUN command echoed"


def test_a_compiler_that_ran_and_failed_is_never_a_missing_compiler():
    """pip's words for any failed build, with gcc's own error above them: the cause is the C code, not the toolchain."""
    lines = ["      httptools/parser/parser.c:9938:27: error: too few arguments to function ‘_PyLong_AsByteArray’",
             "      error: Command '['x86_64-linux-gnu-gcc', '-c', 'httptools/parser/parser.c']' returned non-zero exit "
             "status 1.", "  ERROR: Failed building wheel for httptools", "Failed to build httptools"]

    assert diagnosis.diagnose("build", lines).id == "c-api-change"
    assert diagnosis.diagnose("build", lines[2:]) is None, "a failed build alone names no cause"


def test_a_module_of_a_dependency_is_blamed_on_the_manifest_and_one_of_the_backend_on_sync(tmp_path):
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "__init__.py").write_text("")
    settings = _settings(FailingSpace("", ""), tmp_path)

    own = diagnosis.diagnose("run", ["ModuleNotFoundError: No module named 'services.greeting'"], settings=settings)
    dependency = diagnosis.diagnose("run", ["ModuleNotFoundError: No module named 'fastapi'"], settings=settings)

    assert own.id == "module-left-out" and "backend_files" in own.fix
    assert dependency.id == "missing-module"


def test_every_row_is_tested_on_real_text_or_the_hubs_words():
    ids = {row["id"] for row in diagnosis.ROWS}
    real = {space.diagnosis for space in SHAPES.values()}
    assert ids - real == {"launch-timeout", "payment-required", "placeholder-secret", "undeclared-variable"}


def test_the_line_names_what_the_log_names():
    lines = ["INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)"]

    found = diagnosis.diagnose("run", lines, settings=_settings(FailingSpace("", "", app_port=7860)),
                               error_message="launch timed out, space was not healthy after 30 min")

    assert found.line() == (
        "cause: the app listens on port 8000, but Spaces sends its traffic to app_port 7860; fix: make it listen on "
        "7860 (the templates pass it as PORT), or set app_port to 8000 in space.json")


def test_the_port_a_space_should_listen_on_is_no_diagnosis_and_the_timeout_is_named_instead():
    lines = ["INFO:     Uvicorn running on http://0.0.0.0:7860 (Press CTRL+C to quit)"]

    found = diagnosis.diagnose("run", lines, settings=_settings(FailingSpace("", "")),
                               error_message="launch timed out, space was not healthy after 30 min")

    assert found.id == "launch-timeout"
    assert "startup_duration_timeout (30m)" in found.cause


def test_a_missing_name_is_a_secret_only_when_space_json_declares_it():
    lines = ["Traceback (most recent call last):", "KeyError: 'OPENAI_API_KEY'"]

    declared = diagnosis.diagnose("run", lines, settings=_settings(FailingSpace("", "", secrets=("OPENAI_API_KEY",))))
    undeclared = diagnosis.diagnose("run", lines, settings=_settings(FailingSpace("", "")))

    assert declared.id == "missing-secret"
    assert undeclared.id == "undeclared-variable" and "declare it in space.json" in undeclared.fix


def test_the_templates_own_start_checks_are_named():
    """space_serve refuses to start without a required value, or with a placeholder one: the line names it."""
    settings = _settings(FailingSpace("", "", secrets=("BETTER_AUTH_SECRET",)))
    missing = ["error: missing required environment variable(s): BETTER_AUTH_SECRET. Set them as Space Secrets"]
    placeholder = ["error: required secret(s) set to a placeholder, not a real value: BETTER_AUTH_SECRET. Set"]

    assert diagnosis.diagnose("run", missing, settings=settings).id == "missing-secret"
    assert diagnosis.diagnose("run", placeholder, settings=settings).id == "placeholder-secret"


def test_a_failure_no_row_knows_gets_no_guess():
    lines = ["Traceback (most recent call last):", "ZeroDivisionError: division by zero"]

    assert diagnosis.diagnose("run", lines, error_message="Exit code: 1") is None


def test_a_build_log_is_never_read_for_run_failures_and_the_other_way_round():
    run_line = ["ModuleNotFoundError: No module named 'fastapi'"]
    build_line = ["#6 ERROR: secret HF_TOKEN not found: not found"]

    assert diagnosis.diagnose("build", run_line) is None
    assert diagnosis.diagnose("run", build_line) is None


def test_the_table_is_well_formed():
    for row in diagnosis.ROWS:
        assert set(row) <= {"id", "log", "match", "requires_any", "capture", "cause", "fix", "port_differs",
                            "declared", "in_backend"}, row
        assert row["log"] in ("build", "run", "any", "api") and row["match"] and row["cause"] and row["fix"]
    assert isinstance(diagnosis.ROWS, list)
