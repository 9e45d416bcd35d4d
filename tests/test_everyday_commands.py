"""The everyday commands after a deploy, against the stand-in Hub: `status` (stage, URL, hardware, last commit),
`logs` (run or build, the last lines or followed), `open` (the page and the app's URL)."""

from __future__ import annotations

import pytest


def test_status_shows_stage_url_hardware_and_the_last_commit(hub, deployed, cli):
    result = cli(deployed, "status", hub=hub)

    assert result.returncode == 0, result.output
    space = hub.space(deployed.space_id)
    lines = result.output.splitlines()
    assert lines[0] == f"{deployed.space_id}: RUNNING"
    assert lines[1].startswith("  url:         http://127.0.0.1:")
    assert lines[2] == "  hardware:    cpu-basic"
    assert lines[3].startswith(f"  last commit: {space.commits[-1].oid[:12]} (")


def test_status_of_a_space_not_deployed_yet_says_how_to_make_it(hub, make_space, cli):
    result = cli(make_space(), "status", hub=hub)

    assert result.returncode == 1
    assert result.output.strip().endswith("does not exist on the Hub yet: `./space deploy` creates it.")


@pytest.mark.parametrize("args, expected", [((), "Application started"), (("--build",), "Successfully built")])
def test_logs_show_the_run_or_build_logs(hub, deployed, cli, args, expected):
    result = cli(deployed, "logs", *args, hub=hub)

    assert result.returncode == 0, result.output
    assert expected in result.output.splitlines()


def test_logs_follow_a_running_space_until_ctrl_c(hub, deployed, cli):
    """The Hub keeps a running app's log stream open: -f prints what comes and ends quietly on Ctrl-C."""
    result = cli(deployed, "logs", "-f", hub=hub, interrupt_after="Application started", timeout=60)

    assert result.returncode == 130, result.output
    assert "Application started" in result.output.splitlines() and "Traceback" not in result.output


def test_open_prints_the_page_and_app_urls_without_asking_the_hub_when_the_owner_is_known(make_space, cli):
    repo = make_space(owner="alice")

    result = cli(repo, "open")  # no Hub: HF_ENDPOINT points at a port nothing listens on

    name = repo.space_id.split("/")[1]
    assert result.output.splitlines() == [f"page: https://huggingface.co/spaces/alice/{name}",
                                          f"app:  https://alice-{name}.hf.space"]


def test_open_asks_the_hub_for_the_owner_when_space_owner_is_empty(hub, make_space, cli):
    repo = make_space(owner="")

    result = cli(repo, "open", hub=hub)

    assert result.returncode == 0, result.output
    assert result.output.splitlines()[0].startswith("page: https://huggingface.co/spaces/alice/")
