"""`python -m space_tools deploy` against a stand-in Hub on 127.0.0.1 (tests/hub_standin): what reaches the Space,
what is printed, and how each failure reads. Scripted runtimes make the Hub's stages fast and exact; the last tests
let the stand-in build and run the uploaded files with Docker, so the deploy ends at a real container."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import uuid
import zlib

import pytest

from harness import docker
from harness.images import PYTHON_IMAGE
from tests.hub_standin import RealRuntime, Script, ScriptedRuntime
from tests.hub_standin.fixtures import GREETING, NEVER_LISTENS, SECRET_VALUE, SpaceRepo
from tests.hub_standin.space_state import StoredFile

FAST = ("--poll-interval", "0.1", "--yes")  # --yes: a new Space is created without asking, as in CI
# What a Space needs from the generated repo, and nothing else (.gitattributes is the Hub's own).
EXPECTED_FILES = {
    ".gitattributes",
    ".dockerignore",
    "Dockerfile",
    "README.md",
    "backend/app.py",
    "backend/requirements.txt",
}


@pytest.fixture
def deploy(cli, hub):
    def _deploy(repo, *args, **kwargs):
        return cli(repo, "deploy", *FAST, *args, hub=hub, **kwargs)

    return _deploy


def _clutter(repo) -> None:
    """What a working copy collects and a Space must never get."""
    for path in (
        ".env.local",
        "backend/.env",
        "backend/.env.production",
        "node_modules/left-pad/index.js",
        "backend/__pycache__/app.cpython-313.pyc",
        ".venv/pyvenv.cfg",
        ".venv/lib/site.py",
        "my-env/pyvenv.cfg",
        "my-env/bin/python",
        ".pytest_cache/v/cache",
        ".ruff_cache/x",
        ".mypy_cache/x",
        "dist/bundle.js",
        "build/lib/x.py",
        "backend/dist/out.js",
        ".env.test",
    ):
        repo.write(path, "junk\n")


def test_first_deploy_creates_the_docker_space_and_uploads_exactly_what_it_needs(hub, make_space, deploy):
    repo = make_space()
    _clutter(repo)
    sha = repo.git_commit("add clutter (ignored ones stay local)")

    result = deploy(repo)

    assert result.returncode == 0, result.output
    space = hub.space(repo.space_id)
    assert (space.sdk, space.visibility, space.hardware) == ("docker", "public", "cpu-basic")
    # .gitignore lists /backend/ (an assembled backend): uploading it would make the Hub drop the code, so it stays.
    assert set(space.files) == EXPECTED_FILES
    assert space.commits[-1].title == f"Deploy from git {sha}"
    assert len(space.commits) == 2  # the Hub's initial commit, then exactly one for the deploy
    assert (f"Space {repo.space_id}: created (docker; visibility public, hardware cpu-basic, sleeps after 48 h "
            "without visitors (cpu-basic))") in result.output
    assert "Live at http://127.0.0.1:" in result.output
    assert "Healthy: GET /health answered 200" in result.output
    assert (f"Variables: set GREETING={GREETING} (.env, over space.json's hello), LOG_LEVEL=info (space.json)"
            in result.output)


def test_redeploy_changes_nothing_when_nothing_changed_and_then_uploads_only_the_changed_file(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    commits, requests_before = len(hub.space(repo.space_id).commits), len(hub.requests)

    again = deploy(repo)

    assert again.returncode == 0, again.output
    assert len(hub.space(repo.space_id).commits) == commits
    assert "0 added, 0 changed, 0 removed, 5 unchanged; nothing to commit" in again.output
    assert f"Variables: unchanged GREETING={GREETING} (.env, over space.json's hello), LOG_LEVEL" in again.output
    assert ("POST", f"/api/spaces/{repo.space_id}/variables") not in hub.requests[requests_before:]
    assert ("POST", f"/api/spaces/{repo.space_id}/restart") not in hub.requests[requests_before:]

    repo.write("Dockerfile", (repo.root / "Dockerfile").read_text() + "# edited, not committed to git\n")
    edited = deploy(repo)

    assert edited.returncode == 0, edited.output
    last = hub.space(repo.space_id).commits[-1]
    assert (last.uploaded, last.deleted) == (["Dockerfile"], [])
    assert last.title.startswith("Deploy from git ") and last.title.endswith(" with uncommitted changes")


def test_files_removed_locally_are_removed_from_the_space(hub, make_space, deploy):
    repo = make_space()
    repo.write("backend/extra.py", "VALUE = 1\n")
    assert deploy(repo).returncode == 0
    assert "backend/extra.py" in hub.space(repo.space_id).files

    (repo.root / "backend/extra.py").unlink()
    result = deploy(repo)

    assert result.returncode == 0, result.output
    space = hub.space(repo.space_id)
    assert space.commits[-1].deleted == ["backend/extra.py"]
    assert set(space.files) == EXPECTED_FILES  # the Hub's .gitattributes is kept
    assert "0 added, 0 changed, 1 removed" in result.output


def test_variables_and_secrets_are_sent_as_space_json_declares_them(hub, make_space, deploy):
    repo = make_space(env={"GREETING": GREETING, "API_KEY": SECRET_VALUE, "NOT_DECLARED": "x"})

    result = deploy(repo)

    assert result.returncode == 0, result.output
    space = hub.space(repo.space_id)
    assert {k: v["value"] for k, v in space.variables.items()} == {"GREETING": GREETING, "LOG_LEVEL": "info"}
    assert set(space.secrets) == {"API_KEY"} and space.secrets["API_KEY"]["value"] == SECRET_VALUE
    assert space.variables["GREETING"]["description"] == "What the app says."
    assert "OPTIONAL_TOKEN" not in space.variables and "OPTIONAL_TOKEN" not in space.secrets
    assert "NOT_DECLARED" not in space.variables and "NOT_DECLARED" not in space.secrets
    assert "note: .env sets NOT_DECLARED, which space.json does not declare: it is not sent to the Space." in (
        result.output
    )


def test_a_secret_left_as_a_public_variable_moves_to_secrets_and_prune_is_opt_in(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    space = hub.space(repo.space_id)
    del space.secrets["API_KEY"]
    space.variables["API_KEY"] = {"value": "was-public", "description": None, "updatedAt": "2026-01-01T00:00:00.000Z"}
    space.variables["OLD_SETTING"] = {"value": "1", "description": None, "updatedAt": "2026-01-01T00:00:00.000Z"}
    space.secrets["OLD_SECRET"] = {"value": "x", "description": None, "updatedAt": "2026-01-01T00:00:00.000Z"}

    kept = deploy(repo)

    assert kept.returncode == 0, kept.output
    assert "API_KEY" in space.secrets and "API_KEY" not in space.variables
    assert "OLD_SETTING" in space.variables and "OLD_SECRET" in space.secrets  # nothing removed unless asked

    pruned = deploy(repo, "--prune")

    assert pruned.returncode == 0, pruned.output
    assert set(space.variables) == {"GREETING", "LOG_LEVEL"} and set(space.secrets) == {"API_KEY"}
    assert "Deleted from the Space: OLD_SETTING, OLD_SECRET" in pruned.output


def test_a_missing_required_value_stops_the_deploy_before_anything_is_created(hub, make_space, deploy):
    repo = make_space(env={"GREETING": "hi"})  # API_KEY, a required secret, is missing

    result = deploy(repo)

    assert result.returncode == 2
    assert "required API_KEY is neither in .env nor set on the Space" in result.output
    assert hub.mutating_requests() == []


def test_a_required_secret_already_on_the_space_is_kept_when_env_lacks_it(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    (repo.root / ".env").write_text("GREETING=hi\n")  # as in CI: no .env secrets

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert "Kept as on the Space (not in .env): API_KEY" in result.output
    assert hub.space(repo.space_id).secrets["API_KEY"]["value"] == SECRET_VALUE


def test_changed_variables_without_file_changes_restart_the_space_to_rebuild(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    (repo.root / ".env").write_text(f"GREETING=salut\nAPI_KEY={SECRET_VALUE}\n")

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert hub.space(repo.space_id).variables["GREETING"]["value"] == "salut"
    assert ("POST", f"/api/spaces/{repo.space_id}/restart") in hub.requests
    assert "Restarted the Space so it sees the new values (rebuild: a Variable changed)" in result.output


def test_no_secret_value_or_token_appears_in_any_output(hub, make_space, deploy, cli):
    repo = make_space()
    outputs = [cli(repo, "deploy", "--dry-run").output, deploy(repo).output]
    hub.space(repo.space_id).runtime.script = Script(
        outcome="BUILD_ERROR", build_log=["step 3/5 failed"], error_message="Build failed with exit code: 1"
    )
    repo.write("backend/app.py", "# broken\n")
    outputs.append(deploy(repo).output)

    for output in outputs:
        assert SECRET_VALUE not in output
        assert hub.token not in output
    assert "API_KEY" in outputs[0] and "API_KEY" in outputs[1]  # names are shown, values never


def test_the_deploying_token_is_refused_as_a_value_and_never_stored(hub, make_space, deploy):
    repo = make_space()
    repo.declare("HF_TOKEN", secret=True, help="A Hub token for the app.")
    repo.write(".env", f"GREETING=hi\nAPI_KEY={SECRET_VALUE}\nHF_TOKEN={hub.token}\n")

    refused = deploy(repo)

    assert refused.returncode == 2
    assert "HF_TOKEN holds the very token this deploy uses" in refused.output
    assert hub.mutating_requests() == []

    repo.write(".env", f"GREETING=hi\nAPI_KEY={SECRET_VALUE}\n")
    assert deploy(repo).returncode == 0
    space = hub.space(repo.space_id)
    stored = [v["value"] for v in (*space.variables.values(), *space.secrets.values())]
    stored += [f.data.decode(errors="replace") for f in space.files.values()]
    assert not any(hub.token in text for text in stored)


def test_the_previous_build_reported_as_running_right_after_the_commit_is_not_taken_for_the_new_one(
    hub, make_space, deploy
):
    repo = make_space()
    assert deploy(repo).returncode == 0
    runtime = hub.space(repo.space_id).runtime
    runtime.script = Script(stale_s=1.5, build_s=0.5, start_s=0.3)
    repo.write("backend/app.py", "# v2\n" + (repo.root / "backend/app.py").read_text())

    result = deploy(repo)

    assert result.returncode == 0, result.output
    lines = [
        line.split("s  ", 1)[1]
        for line in result.output.splitlines()
        if line.strip().endswith(("(previous build)", "BUILDING", "APP_STARTING", "RUNNING"))
    ]
    assert lines == ["RUNNING (previous build)", "RUNNING_BUILDING", "RUNNING_APP_STARTING", "RUNNING"]


def test_an_old_build_error_reported_right_after_the_commit_is_not_taken_for_the_new_build(hub, make_space, deploy):
    hub.runtime_factory = lambda space: ScriptedRuntime(Script(outcome="BUILD_ERROR"))
    repo = make_space()
    assert deploy(repo).returncode == 1
    hub.space(repo.space_id).runtime.script = Script(stale_s=1.0)
    repo.write("Dockerfile", (repo.root / "Dockerfile").read_text() + "# fixed\n")

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert "BUILD_ERROR (previous build)" in result.output


def test_with_the_runtime_sha_the_new_build_is_recognised_at_once(hub, make_space, deploy):
    hub.report_runtime_sha = True
    hub.runtime_factory = lambda space: ScriptedRuntime(Script(build_s=0, start_s=0))
    repo = make_space()

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert "previous build" not in result.output


def test_a_build_error_prints_the_error_message_and_the_build_log_tail_and_fails(hub, make_space, deploy):
    hub.runtime_factory = lambda space: ScriptedRuntime(
        Script(
            outcome="BUILD_ERROR",
            error_message="Build failed with exit code: 1",
            build_log=[f"#{n} step {n}" for n in range(1, 60)] + ['npm ERR! Missing script: "build"'],
        )
    )
    repo = make_space()

    result = deploy(repo)

    assert result.returncode == 1
    assert "error: BUILD_ERROR: Build failed with exit code: 1" in result.output
    assert 'npm ERR! Missing script: "build"' in result.output
    assert "#2 step 2\n" not in result.output  # a tail, not the whole log


def test_with_verbose_a_build_that_failed_between_two_reads_is_still_streamed_whole(hub, make_space, deploy):
    hub.report_runtime_sha = True
    log = [f"#{n} step {n}" for n in range(1, 60)] + ["ERROR: failed to solve"]
    hub.runtime_factory = lambda space: ScriptedRuntime(Script(build_s=0, outcome="BUILD_ERROR", build_log=log))
    repo = make_space()

    result = deploy(repo, "-v", "--poll-interval", "1")

    lines = result.output.splitlines()
    error = next(n for n, line in enumerate(lines) if line.startswith("error: BUILD_ERROR"))
    assert "BUILDING" not in result.output  # no read saw it build
    assert "#2 step 2" in lines[:error]  # every line, above the error and its tail


def test_a_runtime_error_prints_the_run_log_tail_and_fails(hub, make_space, deploy):
    hub.runtime_factory = lambda space: ScriptedRuntime(
        Script(
            outcome="RUNTIME_ERROR",
            error_message="Exit code: 78. Reason: missing API_KEY",
            run_log=["starting", "error: API_KEY is required"],
        )
    )
    repo = make_space()

    result = deploy(repo)

    assert result.returncode == 1
    lines = result.output.splitlines()
    error = lines.index("error: RUNTIME_ERROR: Exit code: 78. Reason: missing API_KEY")
    assert lines[error + 1] == ("  cause: the app stopped because API_KEY has no value on the Space; fix: put "
                                "API_KEY=... in .env and deploy again (or set it in the Space's settings)")
    assert lines[error + 2] == "Last lines of the run log:" and "  | error: API_KEY is required" in lines


def test_the_wait_is_bounded_by_timeout(hub, make_space, deploy):
    hub.runtime_factory = lambda space: ScriptedRuntime(Script(build_s=600))
    repo = make_space()

    result = deploy(repo, "--timeout", "2")

    assert result.returncode == 1
    assert "error: still BUILDING after 2 s (--timeout); the Space carries on" in result.output


def test_an_unhealthy_app_fails_the_deploy(hub, make_space, deploy):
    hub.runtime_factory = lambda space: ScriptedRuntime(Script(health_status=503))
    repo = make_space()

    result = deploy(repo, "--health-timeout", "2")

    assert result.returncode == 1
    assert "error: RUNNING, but GET http://127.0.0.1:" in result.output and "/health answered 503" in result.output


def test_a_user_without_a_paid_plan_is_told_before_anything_is_created(hub, make_space, deploy):
    hub.payment_required = True
    repo = make_space()

    result = deploy(repo)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == (
        "error: alice has no paid plan, and creating a Docker Space needs a paid plan (PRO for a user, Team or "
        "Enterprise for an organization): subscribe at https://huggingface.co/pricing, or deploy to an organization "
        "that has one with --space-id ORG/NAME. Nothing was created.")
    assert repo.space_id not in hub.spaces


def test_402_for_an_organization_says_docker_spaces_need_a_paid_plan(hub, make_space, deploy):
    hub.payment_required = True
    repo = make_space()

    result = deploy(repo, "--space-id", "acme/api")

    assert result.returncode == 2
    assert "402 Payment Required" in result.output and "creating a Docker Space needs a paid plan" in result.output
    assert "acme/api" not in hub.spaces


def test_a_first_deploy_without_a_terminal_asks_for_yes_and_creates_nothing(hub, make_space, cli):
    repo = make_space()

    result = cli(repo, "deploy", "--poll-interval", "0.1", hub=hub)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == (
        f"error: a first deploy creates {repo.space_id}: a public Docker Space, license none, hardware cpu-basic; "
        "confirm with --yes (as CI must), or deploy once from a terminal. Nothing was created.")
    assert repo.space_id not in hub.spaces


@pytest.mark.parametrize("typed, created", [("y\n", True), ("\n", False)])
def test_a_first_deploy_at_a_terminal_asks_once(hub, make_space, cli, typed, created):
    repo = make_space()

    result = cli(repo, "deploy", "--poll-interval", "0.1", hub=hub, terminal_input=typed)

    assert (repo.space_id in hub.spaces) == created, result.output
    assert f"Create {repo.space_id}: a public Docker Space, license none, hardware cpu-basic?" in result.output
    if not created:
        assert result.returncode == 2 and "not created: nothing was changed on the Hub." in result.output


def test_401_says_where_to_get_a_token(hub, make_space, deploy):
    repo = make_space()

    wrong = deploy(repo, token="hf_not_a_valid_token")
    missing = deploy(repo, token=None)

    assert wrong.returncode == 2
    assert "the Hub rejected the token (401)" in wrong.output
    assert "https://huggingface.co/settings/tokens" in wrong.output and "HF_TOKEN" in wrong.output
    assert missing.returncode == 2 and "no Hugging Face token" in missing.output
    assert "hf_not_a_valid_token" not in wrong.output
    assert hub.mutating_requests() == []


def test_403_names_the_namespace_the_token_cannot_write_to(hub, make_space, deploy):
    repo = make_space(owner="someone-else")

    result = deploy(repo)

    assert result.returncode == 2
    assert "the token may not do this in 'someone-else' (403)" in result.output


def test_network_errors_name_the_endpoint(make_space, cli):
    repo = make_space()

    result = cli(repo, "deploy", extra_env={"HF_TOKEN": "hf_x", "HF_ENDPOINT": "http://127.0.0.1:9"})

    assert result.returncode == 2
    assert "could not reach http://127.0.0.1:9" in result.output


def test_dry_run_prints_the_plan_and_touches_nothing(hub, make_space, cli):
    repo = make_space()

    result = cli(repo, "deploy", "--dry-run", hub=hub)

    assert result.returncode == 0, result.output
    assert hub.requests == []
    assert f"Space: {repo.space_id} (docker)" in result.output
    assert ("Settings: visibility public, hardware cpu-basic, sleeps after 48 h without visitors (cpu-basic) (an "
            "existing Space is changed to them where it differs)") in result.output
    assert (f"Variables to set: GREETING={GREETING} (.env, over space.json's hello), LOG_LEVEL=info (space.json)"
            in result.output)
    assert "Secrets to set: API_KEY (.env) (values are never shown)" in result.output
    listed = {line.strip() for line in result.output.splitlines() if line.startswith("  ")}
    assert listed == EXPECTED_FILES - {".gitattributes"}


def test_private_flag_creates_a_private_space(hub, make_space, deploy):
    repo = make_space()

    assert deploy(repo, "--private").returncode == 0
    assert hub.space(repo.space_id).visibility == "private"


def _png() -> bytes:
    """A 1x1 PNG: binary, so the Hub takes it through LFS."""
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))  # noqa: E731
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0\0"))
        + chunk(b"IEND", b"")
    )


def test_binary_files_go_through_lfs_and_are_not_uploaded_again(hub, make_space, deploy):
    repo = make_space()
    (repo.root / "backend" / "favicon.png").write_bytes(_png())
    no_xet = {"HF_HUB_DISABLE_XET": "1"}  # the stand-in speaks LFS, not Xet

    first = deploy(repo, extra_env=no_xet)
    again = deploy(repo, extra_env=no_xet)

    assert first.returncode == 0, first.output
    stored = hub.space(repo.space_id).files["backend/favicon.png"]
    assert stored.lfs_sha256 and stored.data == _png()
    assert "nothing to commit" in again.output


# --- real mode: the stand-in builds and runs what was uploaded -------------------------------------------


@pytest.mark.docker
def test_end_to_end_a_deploy_ends_with_a_real_container_answering_its_health_check(hub, make_space, deploy):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=1.0, startup_timeout_s=60)
    repo = make_space()

    first = deploy(repo)

    assert first.returncode == 0, first.output
    watched = first.output.split("Waiting for the Space")[1].split("Healthy:")[0]
    assert "BUILDING" in watched and f"[1/6] FROM docker.io/library/{PYTHON_IMAGE}" in watched  # steps, live
    url = first.output.split("Live at ")[1].split()[0]
    status, body = docker.http_get(url + "/info")
    info = json.loads(body)
    assert status == 200
    assert info["SPACE_ID"] == repo.space_id and info["uid"] == 1000
    assert info["GREETING"] == GREETING and info["greeting_at_build"] == GREETING  # Variable: env and build arg
    assert (
        info["api_key_length"] == len(SECRET_VALUE) and info["secret_at_build"] == "mounted"
    )  # Secret: env and BuildKit

    repo.write("backend/app.py", (repo.root / "backend/app.py").read_text().replace('"ok"', '"ok-v2"'))
    second = deploy(repo)

    assert second.returncode == 0, second.output
    assert "RUNNING (previous build)" in second.output
    assert json.loads(docker.http_get(url + "/health")[1]) == {"status": "ok-v2"}


@pytest.mark.docker
def test_end_to_end_a_real_build_failure_is_streamed_named_and_its_tail_shown(hub, make_space, deploy):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.2)
    repo = make_space(dockerfile=f"FROM {PYTHON_IMAGE}\nRUN echo 'the build starts here'\n"
                      "RUN --mount=type=secret,id=HF_READ_TOKEN,required=true true\n")
    repo.declare("HF_READ_TOKEN", secret=True)  # declared, set nowhere

    result = deploy(repo, "-v")

    assert result.returncode == 1
    lines = result.output.splitlines()
    error = next(n for n, line in enumerate(lines) if line.startswith("error: BUILD_ERROR"))
    assert any("the build starts here" in line for line in lines[:error])  # -v: every line, while it builds
    assert lines[error + 1] == (
        "  cause: the build needs Secret HF_READ_TOKEN, which the Space does not have; fix: put HF_READ_TOKEN=... "
        "in .env and deploy again (or add it in the Space's settings); a Secret reaches the build only as "
        "RUN --mount=type=secret,id=HF_READ_TOKEN")
    assert "  | secret HF_READ_TOKEN not found: not found" in lines[error:]  # Docker's own words in the tail


@pytest.mark.docker
def test_end_to_end_an_app_that_never_listens_ends_in_runtime_error(hub, make_space, deploy):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.2, startup_timeout_s=3)
    repo = make_space(cmd=NEVER_LISTENS)

    result = deploy(repo)

    assert result.returncode == 1
    assert "error: RUNTIME_ERROR: launch timed out" in result.output
    assert ("  cause: nothing answered on app_port 7860 within startup_duration_timeout (30m); fix: make the app "
            "listen on 0.0.0.0:7860") in result.output
    assert "  | busy, never listening" in result.output


def test_an_empty_space_owner_means_the_tokens_user(hub, make_space, deploy):
    repo = make_space(owner="")

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert repo.space_id == f"{hub.user}/{repo.root.name}" and repo.space_id in hub.spaces


def test_keyless_trusted_publisher_tokens_deploy_to_an_existing_space(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0  # the first deploy creates the Space with a user's token
    repo.write("backend/app.py", "# from CI\n" + (repo.root / "backend/app.py").read_text())
    # As in GitHub Actions: no HF_TOKEN, huggingface_hub exchanges the CI's id token for a Space-scoped one.
    keyless = {"HF_OIDC_RESOURCE": f"spaces/{repo.space_id}", "HF_OIDC_ID_TOKEN": hub.oidc_id_token}

    result = deploy(repo, token=None, extra_env=keyless)

    assert result.returncode == 0, result.output
    assert hub.space(repo.space_id).commits[-1].uploaded == ["backend/app.py"]
    assert hub.scoped_tokens  # the exchange happened


def test_dry_run_and_the_other_commands_work_without_huggingface_hub(make_space):
    repo = make_space()
    blocked = (
        "import sys, runpy; sys.modules['huggingface_hub'] = None; "  # any import of it now fails
        "sys.argv = ['space_tools', 'deploy', '--dry-run']; runpy.run_module('space_tools', run_name='__main__')"
    )

    result = subprocess.run([sys.executable, "-c", blocked], cwd=repo.root, capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dry run: nothing is sent to the Hub." in result.stdout


@pytest.mark.docker
@pytest.mark.parametrize("runtime", ["python", "node"])
def test_end_to_end_the_templates_deploy_to_a_running_space(hub, render, deploy, runtime):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.5, startup_timeout_s=120)
    name = f"deploy-{runtime}-{uuid.uuid4().hex[:6]}"
    project = render(runtime=runtime, space_name=name, space_owner="acme")  # an organization the token may write to
    answers = json.loads((project / "space.json").read_text())
    required_secrets = [name for name, v in answers["variables"].items() if v["secret"] and v["required"]]
    (project / ".env").write_text("".join(f"{n}={SECRET_VALUE}-{'x' * 32}\n" for n in required_secrets))

    result = deploy(SpaceRepo(project, f"acme/{name}"))

    assert result.returncode == 0, result.output
    assert f"Healthy: GET {answers['health_path']} answered 200" in result.output
    url = result.output.split("Live at ")[1].split()[0]
    assert docker.http_get(url + answers["health_path"])[0] == 200
    space = hub.space(f"acme/{name}")
    assert set(space.secrets) == set(required_secrets)
    assert ".env" not in space.files and ".copier-answers.yml" not in space.files
    assert not any(path.startswith(("space_tools/", ".git/")) for path in space.files)
    assert "Dockerfile" in space.files and any(path.startswith("backend/") for path in space.files)
    assert SECRET_VALUE not in result.output


def test_a_gitignore_left_in_the_space_does_not_drop_files_from_the_upload(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    space = hub.space(repo.space_id)
    # As after an earlier upload that included the repo's .gitignore (/backend/: the code is assembled by sync).
    space.commit("old upload", "", {".gitignore": StoredFile(b".env\n/backend/\n")}, [])
    repo.write("backend/app.py", "# v2\n" + (repo.root / "backend/app.py").read_text())

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert space.commits[-1].uploaded == ["backend/app.py"] and space.commits[-1].deleted == [".gitignore"]
    assert space.files["backend/app.py"].data.startswith(b"# v2")


def test_a_build_that_never_starts_is_a_timeout_not_a_success(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    hub.space(repo.space_id).runtime.script = Script(stale_s=600)  # the old build keeps being reported
    repo.write("Dockerfile", (repo.root / "Dockerfile").read_text() + "# v2\n")

    result = deploy(repo, "--timeout", "2")

    assert result.returncode == 1
    assert (
        "error: no new build started within 2 s (--timeout); the Space still reports the previous one as RUNNING"
        in (result.output)
    )
