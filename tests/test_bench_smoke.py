"""The benchmark command (bench/run) keeps working: one quick iteration reports every figure for both images.

It only proves the command runs end to end and measures everything; the figures of a 2-second load are rough
and never asserted against the targets (bench/README.md has the real run).
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from bench.figures import KEYS, TARGETS
from harness import docker
from tests.support import figures

REPO = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 900

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench-results")
    started = time.monotonic()
    result = subprocess.run(
        [str(REPO / "bench" / "run"), "--quick", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, f"bench/run --quick failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    figures.record(f"bench/run --quick: {time.monotonic() - started:.0f} s")
    return json.loads((out / "latest.json").read_text()), (out / "latest.md").read_text()


def test_every_figure_is_measured_for_ours_and_the_baseline(quick_run):
    data, _ = quick_run
    assert set(data["templates"]) == {"python", "node"}
    for runtime, template in data["templates"].items():
        for kind in ("ours", "baseline"):
            median, low, high = (template[kind][end] for end in ("median", "min", "max"))
            missing = [key for key in KEYS if not isinstance(median.get(key), int | float) or median[key] <= 0]
            assert not missing, f"{runtime} {kind}: no positive figure for {missing}"
            assert all(low[key] <= median[key] <= high[key] for key in KEYS), f"{runtime} {kind}: min/max"
        assert all(template["ratio"][key] is not None for key in KEYS), f"{runtime}: a ratio is missing"
        assert template["targets"], f"{runtime}: targets were not evaluated"
        on_ratio = {target.key for target in TARGETS[runtime] if target.on_ratio}
        spreads = {target["spread"] for target in template["targets"] if target["figure"] in on_ratio}
        assert spreads == {"1 run: spread unknown"}, f"{runtime}: one run, yet its spread was judged: {spreads}"


def test_both_routes_answer_without_errors_under_load(quick_run):
    """Every request counted in requests/s was a success: no rate limit, schema or origin refusal slipped in."""
    data, _ = quick_run
    for runtime, template in data["templates"].items():
        for kind in ("ours", "baseline"):
            for sample in template[kind]["samples"]:
                assert (sample["health_errors"], sample["route_errors"]) == (0, 0), f"{runtime} {kind}: {sample}"


def test_uvicorn_workers_and_node_env_are_compared(quick_run):
    data, _ = quick_run
    assert set(data["templates"]["python"]["variants"]) == {"WEB_CONCURRENCY=1", "WEB_CONCURRENCY=2"}
    assert set(data["templates"]["node"]["variants"]) == {"NODE_ENV=production", "NODE_ENV=development"}
    for template in data["templates"].values():
        for row in template["variants"].values():
            assert row["median"]["route_rps"] > 0


def test_the_table_and_the_machine_are_printed(quick_run):
    data, table = quick_run
    assert "| figure | ours | baseline | ours/baseline (median ratio) | target |" in table
    assert f"Docker {data['machine']['docker']}" in table
    assert data["machine"]["cpus"] >= 1


def test_nothing_is_left_running(quick_run):
    names = docker.docker("ps", "--all", "--format", "{{.Names}}").stdout.split()
    assert not [name for name in names if name.startswith("bench-")], "bench/run left containers behind"


def test_what_storage_bucket_costs_is_measured_for_both_spaces(tmp_path):
    result = subprocess.run([str(REPO / "bench" / "run"), "--snapshots", "--quick", "--out", str(tmp_path)], cwd=REPO,
                            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    assert result.returncode == 0, f"bench/run --snapshots failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    data = json.loads((tmp_path / "snapshots.json").read_text())
    assert set(data["templates"]) == {"python", "node"} and data["machine"]["commit"], data
    for runtime, row in data["templates"].items():
        assert row["bytes"] > 0 and row["records"] > 0, runtime
        assert all(row[key] >= 0 for key in ("stop_snapshot_ms", "restore_ms", "snapshot_ms", "snapshot_cpu_ms",
                                             "writer_pause_ms", "writer_commit_ms")), row
    assert "| snapshot CPU time (ms) |" in (tmp_path / "snapshots.md").read_text()
